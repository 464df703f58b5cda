/* SHA-256 (FIPS 180-4) for the staged image's digest: mbedtls on the device and the host (otaSha256Mbedtls.c). */
#ifndef MN_OTA_SHA256_H
#define MN_OTA_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct mn_sha256_s mn_sha256_t;

/* One digest at a time over a context the adapter owns: the meter never hashes two images at once. */
mn_sha256_t *mn_sha256_start(void);
void mn_sha256_update(mn_sha256_t *h, const uint8_t *d, size_t n);
void mn_sha256_finish(mn_sha256_t *h, uint8_t digest[32]);

#endif
