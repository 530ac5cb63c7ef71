/* log.h — diagnostics for the runtime: stderr plus an optional --log file
 * in text or json lines (the shape containerd and podman read from runc). */
#pragma once

#include <stdbool.h>

enum vs_log_level { VS_LOG_ERROR, VS_LOG_WARN, VS_LOG_INFO, VS_LOG_DEBUG };

/* path may be NULL (stderr only).  Returns <0 with errno when the file
 * cannot be opened. */
int vs_log_init (const char *path, bool json, bool debug);
void vs_log (enum vs_log_level level, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
bool vs_log_debug_enabled (void);

#define vs_debug(...) do { if (vs_log_debug_enabled ()) vs_log (VS_LOG_DEBUG, __VA_ARGS__); } while (0)
