/* seccomp-listener.c — a minimal linux.seccomp.listenerPath agent for the
 * integration tests: listen on the unix socket SOCKET, accept one
 * connection, receive the seccomp notify fd over SCM_RIGHTS together with
 * the containerProcessState JSON (written to STATE_FILE), then answer one
 * notification: with ERRNO > 0 the syscall fails with that errno, with 0 it
 * "succeeds" (returns 0 without running).  The syscall number and pid of
 * the notification are appended to STATE_FILE.notif as "nr pid".
 *
 *   seccomp-listener SOCKET STATE_FILE ERRNO
 *
 * Exits once it has answered (the notify fd closes with it: later
 * notifications fail with ENOSYS). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static int
write_file (const char *path, const char *data, size_t len)
{
  FILE *f = fopen (path, "w");
  if (f == NULL)
    return -1;
  fwrite (data, 1, len, f);
  return fclose (f);
}

int
main (int argc, char **argv)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  static char data[65536];
  char path[4096];
  struct iovec iov = { .iov_base = data, .iov_len = sizeof data - 1 };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  struct seccomp_notif_sizes sizes;
  struct seccomp_notif *req;
  struct seccomp_notif_resp *resp;
  int lfd, conn, nfd = -1, answer;
  ssize_t n;

  if (argc != 4)
    {
      fprintf (stderr, "usage: %s SOCKET STATE_FILE ERRNO\n", argv[0]);
      return 2;
    }
  answer = atoi (argv[3]);
  if (strlen (argv[1]) >= sizeof addr.sun_path)
    return 2;
  strcpy (addr.sun_path, argv[1]);
  unlink (argv[1]);
  lfd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (lfd < 0 || bind (lfd, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (lfd, 1) < 0)
    {
      perror ("seccomp-listener: listen");
      return 1;
    }
  do
    conn = accept4 (lfd, NULL, NULL, SOCK_CLOEXEC);
  while (conn < 0 && errno == EINTR);
  if (conn < 0)
    {
      perror ("seccomp-listener: accept");
      return 1;
    }
  close (lfd);
  unlink (argv[1]);
  do
    n = recvmsg (conn, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n <= 0)
    {
      perror ("seccomp-listener: recvmsg");
      return 1;
    }
  data[n] = '\0';
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c; c = CMSG_NXTHDR (&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len >= CMSG_LEN (sizeof (int)))
      memcpy (&nfd, CMSG_DATA (c), sizeof nfd);
  close (conn);
  if (write_file (argv[2], data, (size_t) n) < 0)
    {
      perror ("seccomp-listener: write the state");
      return 1;
    }
  if (nfd < 0)
    {
      fprintf (stderr, "seccomp-listener: no file descriptor in the message\n");
      return 1;
    }

  if (syscall (__NR_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
    {
      perror ("seccomp-listener: SECCOMP_GET_NOTIF_SIZES");
      return 1;
    }
  req = calloc (1, sizes.seccomp_notif > sizeof *req ? sizes.seccomp_notif : sizeof *req);
  resp = calloc (1, sizes.seccomp_notif_resp > sizeof *resp ? sizes.seccomp_notif_resp : sizeof *resp);
  if (req == NULL || resp == NULL)
    return 1;
  for (;;)
    {
      if (ioctl (nfd, SECCOMP_IOCTL_NOTIF_RECV, req) == 0)
        break;
      if (errno == EINTR || errno == ENOENT)
        continue;
      perror ("seccomp-listener: SECCOMP_IOCTL_NOTIF_RECV");
      return 1;
    }
  snprintf (path, sizeof path, "%s.notif", argv[2]);
  {
    char line[64];
    int len = snprintf (line, sizeof line, "%d %u\n", req->data.nr, req->pid);
    write_file (path, line, (size_t) len);
  }
  resp->id = req->id;
  resp->error = answer > 0 ? -answer : 0;
  resp->val = 0;
  resp->flags = 0;
  if (ioctl (nfd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0)
    {
      perror ("seccomp-listener: SECCOMP_IOCTL_NOTIF_SEND");
      return 1;
    }
  close (nfd);
  return 0;
}
