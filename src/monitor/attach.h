/* attach.h — the monitor's attach protocol, shared with the `vessel` CLI.
 *
 * A client is one end of a unix SOCK_SEQPACKET connection: accepted on
 * CTRDIR/attach.sock (mode 0600; the monitor listens there when the
 * container has a terminal or an open stdin), or handed to the monitor at
 * its start as --attach-fd (the CLI of a foreground `run -i`/`-t` or
 * `start -a`: attached before the container exists, so it misses no byte).
 *
 * Every packet is one message, its first byte the type:
 *   monitor -> client   'o' DATA   the container's stdout (a terminal's
 *                                  output is all 'o')
 *                       'e' DATA   its stderr
 *   client -> monitor   'i' DATA   input for the container (with --stdin)
 *                       'c'        no more input: the monitor closes the
 *                                  container's stdin pipe (no terminal)
 *                       'r' ROWS COLS  window size (two native uint16_t):
 *                                  TIOCSWINSZ on the pty master
 * When the monitor ends, every client reads EOF. */
#pragma once

#include <stdint.h>

#define VS_ATTACH_SOCK "attach.sock"

/* Largest client -> monitor message (type byte included). */
#define VS_ATTACH_IN_MAX 4097
/* Largest monitor -> client message: a log line's worth of output. */
#define VS_ATTACH_OUT_MAX (16 * 1024 + 1)

enum
{
  VS_ATTACH_STDOUT = 'o',
  VS_ATTACH_STDERR = 'e',
  VS_ATTACH_STDIN = 'i',
  VS_ATTACH_CLOSE_STDIN = 'c',
  VS_ATTACH_RESIZE = 'r',
};

struct vs_attach_resize
{
  uint16_t rows, cols;
};
