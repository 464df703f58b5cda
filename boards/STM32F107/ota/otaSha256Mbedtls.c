/*
 * mn_sha256 over mbedtls (see otaSha256.h): Espruino's bundled mbedtls sha256.c on the
 * device, Debian's libmbedcrypto on the host, as secoc/aesMbedtls.c does for AES.
 */
#include "mbedtls/sha256.h"
#include "mbedtls/version.h"
#include "otaSha256.h"

/* Espruino bundles mbedtls 2.2 (void calls); 2.7 and later renamed them *_ret and
 * deprecated the old names, which Debian's headers flag. */
#if MBEDTLS_VERSION_NUMBER >= 0x02070000
#define SHA_STARTS mbedtls_sha256_starts_ret
#define SHA_UPDATE mbedtls_sha256_update_ret
#define SHA_FINISH mbedtls_sha256_finish_ret
#else
#define SHA_STARTS mbedtls_sha256_starts
#define SHA_UPDATE mbedtls_sha256_update
#define SHA_FINISH mbedtls_sha256_finish
#endif

struct mn_sha256_s {
  mbedtls_sha256_context c;
};

static struct mn_sha256_s one;

mn_sha256_t *mn_sha256_start(void) {
  mbedtls_sha256_init(&one.c);
  (void)SHA_STARTS(&one.c, 0);
  return &one;
}

void mn_sha256_update(mn_sha256_t *h, const uint8_t *d, size_t n) { (void)SHA_UPDATE(&h->c, d, n); }

void mn_sha256_finish(mn_sha256_t *h, uint8_t digest[32]) {
  (void)SHA_FINISH(&h->c, digest);
  mbedtls_sha256_free(&h->c);
}
