/* lazy-libs.c — dlopen libcurl, libarchive and libcrypto on first use (see lazy-libs.h). */
#include "lazy-libs.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

/* libcrypto's soname from the headers it was built against */
#include <openssl/opensslv.h>
#define VS_STR_(x) #x
#define VS_STR(x) VS_STR_ (x)
#ifdef OPENSSL_SHLIB_VERSION
#define CRYPTO_SONAME "libcrypto.so." VS_STR (OPENSSL_SHLIB_VERSION)
#else
#define CRYPTO_SONAME "libcrypto.so." SHLIB_VERSION_NUMBER
#endif

static const char *const sonames[] = { [VS_LIB_CURL] = "libcurl.so.4", [VS_LIB_ARCHIVE] = "libarchive.so.13",
                                        [VS_LIB_CRYPTO] = CRYPTO_SONAME };
static void *handles[3];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void *
vs_lazy_sym (enum vs_lazy_lib lib, const char *name)
{
  void *h, *sym;

  pthread_mutex_lock (&lock);
  h = handles[lib];
  if (h == NULL)
    h = handles[lib] = dlopen (sonames[lib], RTLD_NOW | RTLD_LOCAL);
  pthread_mutex_unlock (&lock);
  if (h == NULL)
    {
      fprintf (stderr, "Error: cannot load %s: %s\n", sonames[lib], dlerror ());
      exit (125);
    }
  sym = dlsym (h, name);
  if (sym == NULL)
    {
      fprintf (stderr, "Error: %s has no %s: %s\n", sonames[lib], name, dlerror ());
      exit (125);
    }
  return sym;
}
