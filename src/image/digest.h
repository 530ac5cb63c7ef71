/* digest.h — sha256 content digests ("sha256:<64 lowercase hex>"). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../basic/error.h"

#define VS_DIGEST_LEN 71 /* "sha256:" + 64 hex */

typedef struct vs_sha256 vs_sha256;   /* streaming hasher (EVP) */

vs_sha256 *vs_sha256_new (void);
void vs_sha256_update (vs_sha256 *h, const void *data, size_t len);
/* Write "sha256:<hex>" into out[VS_DIGEST_LEN + 1] and free h. */
void vs_sha256_final (vs_sha256 *h, char out[VS_DIGEST_LEN + 1]);
void vs_sha256_free (vs_sha256 *h);
void vs_sha256_buf (const void *data, size_t len, char out[VS_DIGEST_LEN + 1]);

/* True for "sha256:" followed by exactly 64 lowercase hex digits. */
bool vs_digest_valid (const char *d);
/* Check d is valid, else an error naming `what` and d. */
int vs_digest_check (const char *d, const char *what, vs_error *err);
/* The hex part of a valid digest. */
static inline const char *vs_digest_hex (const char *d) { return d + 7; }

/* Copy untrusted text into buf for an error message: at most about 80
 * characters (then "..."), anything but printable ASCII (and '"') shown
 * as '?', so a message stays one readable line.  Returns buf. */
const char *vs_printable (const char *s, char *buf, size_t size);
