/* auth.h — registry credentials in an auth.json that docker, podman and
 * skopeo also read: {"auths": {"host": {"auth": base64("user:pass")}}}.
 *
 * Path: $REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json,
 * else /run/containers/<uid>/auth.json (podman's places).  Written
 * atomically with mode 0600; other hosts' entries are kept. */
#pragma once

#include "../basic/error.h"

/* The path to use (malloc'd). */
char *vs_auth_path (void);
/* 1 with *user and *pass malloc'd when host has an entry, 0 when none. */
int vs_auth_get (const char *path, const char *host, char **user, char **pass, vs_error *err);
int vs_auth_set (const char *path, const char *host, const char *user, const char *pass, vs_error *err);
/* 1 removed, 0 there was none. */
int vs_auth_remove (const char *path, const char *host, vs_error *err);
