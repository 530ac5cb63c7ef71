/* process.h — children that outlive their parent. */
#pragma once

/* Fork a grandchild in its own session with stdin, stdout and stderr on
 * /dev/null, so that nobody has to reap it.  Returns 0 in the grandchild;
 * in the caller, once the child between has exited, a positive number, or
 * -errno when no grandchild could be made. */
int vs_fork_detached (void);
