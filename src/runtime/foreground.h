/* foreground.h — staying attached to a container process (run, exec). */
#pragma once

#include <signal.h>
#include <sys/types.h>

/* Signals to forward to the process (block them before it is cloned). */
void rt_foreground_signals (sigset_t *mask);
/* Wait for pid (a child of ours): forward the signals in mask, copy
 * *pty_master <-> our stdio when >= 0 (closing it), and return the exit
 * status, 128+N for a signal. */
int rt_foreground_wait (pid_t pid, int *pty_master, const sigset_t *mask);
