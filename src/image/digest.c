/* digest.c — sha256 content digests over OpenSSL's EVP interface (loaded lazily). */
#include "digest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lazy-libs.h"

struct vs_sha256
{
  EVP_MD_CTX *ctx;
};

static void
hex_digest (const unsigned char md[32], char out[VS_DIGEST_LEN + 1])
{
  static const char hex[] = "0123456789abcdef";

  memcpy (out, "sha256:", 7);
  for (size_t i = 0; i < 32; i++)
    {
      out[7 + 2 * i] = hex[md[i] >> 4];
      out[7 + 2 * i + 1] = hex[md[i] & 0xf];
    }
  out[VS_DIGEST_LEN] = '\0';
}

vs_sha256 *
vs_sha256_new (void)
{
  vs_sha256 *h = calloc (1, sizeof *h);

  if (h == NULL)
    return NULL;
  h->ctx = EVP_MD_CTX_new ();
  if (h->ctx == NULL || EVP_DigestInit_ex (h->ctx, EVP_sha256 (), NULL) != 1)
    {
      vs_sha256_free (h);
      errno = ENOMEM;
      return NULL;
    }
  return h;
}

void
vs_sha256_update (vs_sha256 *h, const void *data, size_t len)
{
  if (h == NULL || len == 0)
    return;
  /* Cannot fail for sha256 once initialised. */
  (void) EVP_DigestUpdate (h->ctx, data, len);
}

void
vs_sha256_final (vs_sha256 *h, char out[VS_DIGEST_LEN + 1])
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;

  out[0] = '\0';
  if (h == NULL)
    return;
  if (EVP_DigestFinal_ex (h->ctx, md, &n) == 1 && n == 32)
    hex_digest (md, out);
  vs_sha256_free (h);
}

void
vs_sha256_free (vs_sha256 *h)
{
  if (h == NULL)
    return;
  EVP_MD_CTX_free (h->ctx);
  free (h);
}

void
vs_sha256_buf (const void *data, size_t len, char out[VS_DIGEST_LEN + 1])
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;

  out[0] = '\0';
  if (EVP_Digest (len ? data : "", len, md, &n, EVP_sha256 (), NULL) == 1 && n == 32)
    hex_digest (md, out);
}

bool
vs_digest_valid (const char *d)
{
  if (d == NULL || strncmp (d, "sha256:", 7) != 0)
    return false;
  for (size_t i = 7; i < VS_DIGEST_LEN; i++)
    if (!((d[i] >= '0' && d[i] <= '9') || (d[i] >= 'a' && d[i] <= 'f')))
      return false;
  return d[VS_DIGEST_LEN] == '\0';
}

const char *
vs_printable (const char *s, char *buf, size_t size)
{
  const size_t max = 80;
  size_t i, n = 0;

  if (size == 0)
    return buf;
  if (s == NULL)
    s = "(null)";
  for (i = 0; s[i] && n + 1 < size; i++)
    {
      unsigned char c = (unsigned char) s[i];
      if (i == max && s[i + 1] != '\0' && n + 4 < size)
        {
          memcpy (buf + n, "...", 3);
          n += 3;
          break;
        }
      buf[n++] = (c >= 0x20 && c < 0x7f && c != '"') ? (char) c : '?';
    }
  buf[n] = '\0';
  return buf;
}

int
vs_digest_check (const char *d, const char *what, vs_error *err)
{
  char shown[100];
  const char *why, *colon;
  size_t hexlen;

  if (vs_digest_valid (d))
    return 0;
  if (d == NULL || *d == '\0')
    return vs_fail (err, 0, "%s: digest is missing", what);
  colon = strchr (d, ':');
  hexlen = colon ? strlen (colon + 1) : 0;
  if (colon == NULL)
    why = "expected \"sha256:\" followed by 64 lowercase hex digits";
  else if ((size_t) (colon - d) != 6 || strncmp (d, "sha256", 6) != 0)
    why = "unsupported algorithm (only sha256 is supported)";
  else if (hexlen != 64)
    why = "the hex part must be exactly 64 digits";
  else
    why = "the hex part must be lowercase hex digits";
  return vs_fail (err, 0, "%s: invalid digest \"%s\": %s", what, vs_printable (d, shown, sizeof shown), why);
}
