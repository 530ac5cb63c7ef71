/* unix-fd.h — passing file descriptors over unix sockets (SCM_RIGHTS). */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Send data (len >= 1) with fd attached.  Returns 0 or -errno. */
int vs_send_fd (int sock, int fd, const void *data, size_t len);
/* Receive up to len bytes and at most one fd (*ret_fd = -1 when none).
 * Returns bytes read (0 at EOF) or -errno. */
ssize_t vs_recv_fd (int sock, void *data, size_t len, int *ret_fd);
/* Connect a SOCK_STREAM socket to a path.  Returns fd or -errno. */
int vs_unix_connect (const char *path);
