/* recvtty.c — a minimal console-socket receiver for the integration tests,
 * like runc's recvtty: listen on the unix socket argv[1], accept one
 * connection, receive the pty master over SCM_RIGHTS, optionally write
 * argv[2] into it (as the container's input), then copy everything the
 * container writes to stdout until EOF or EIO (the slave side closed).
 *
 *   recvtty SOCKET [INPUT]
 *
 * The socket file is removed once the connection is accepted. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int
write_all (int fd, const char *buf, size_t len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, buf, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return -1;
      buf += n;
      len -= (size_t) n;
    }
  return 0;
}

static int
recv_fd (int conn)
{
  char data[256];
  struct iovec iov = { .iov_base = data, .iov_len = sizeof data };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  ssize_t n;

  do
    n = recvmsg (conn, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      perror ("recvtty: recvmsg");
      return -1;
    }
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c; c = CMSG_NXTHDR (&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len >= CMSG_LEN (sizeof (int)))
      {
        int fd;
        memcpy (&fd, CMSG_DATA (c), sizeof fd);
        return fd;
      }
  fprintf (stderr, "recvtty: no file descriptor in the message\n");
  return -1;
}

int
main (int argc, char **argv)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int lfd, conn, master;
  char buf[4096];

  if (argc < 2 || argc > 3)
    {
      fprintf (stderr, "usage: %s SOCKET [INPUT]\n", argv[0]);
      return 2;
    }
  if (strlen (argv[1]) >= sizeof addr.sun_path)
    {
      fprintf (stderr, "recvtty: socket path too long\n");
      return 2;
    }
  strcpy (addr.sun_path, argv[1]);
  unlink (argv[1]);
  lfd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (lfd < 0 || bind (lfd, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (lfd, 1) < 0)
    {
      perror ("recvtty: listen");
      return 1;
    }
  do
    conn = accept4 (lfd, NULL, NULL, SOCK_CLOEXEC);
  while (conn < 0 && errno == EINTR);
  if (conn < 0)
    {
      perror ("recvtty: accept");
      return 1;
    }
  close (lfd);
  unlink (argv[1]);
  master = recv_fd (conn);
  close (conn);
  if (master < 0)
    return 1;
  if (argc == 3 && write_all (master, argv[2], strlen (argv[2])) < 0)
    {
      perror ("recvtty: write to the pty");
      return 1;
    }
  for (;;)
    {
      ssize_t n = read (master, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EIO)
        break; /* every slave fd is closed: the container is gone */
      if (n < 0)
        {
          perror ("recvtty: read the pty");
          return 1;
        }
      if (n == 0)
        break;
      if (write_all (STDOUT_FILENO, buf, (size_t) n) < 0)
        return 1;
    }
  close (master);
  return 0;
}
