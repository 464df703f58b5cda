/*
 * mn_aes128_encrypt over mbedtls (see secocAes.h). The device and the host use
 * the same API (Espruino's bundled mbedtls, Debian's libmbedcrypto), so this thin
 * adapter serves both. The expanded key of the last key used is kept: a meter
 * signs all its frames under one key, and the key schedule costs about as much as
 * one block.
 */
#include <string.h>

#include "mbedtls/aes.h"
#include "secocAes.h"

static mbedtls_aes_context ctx;
static uint8_t lastKey[16];
static int haveKey;

int mn_aes128_encrypt(const uint8_t key[16], const uint8_t in[16], uint8_t out[16]) {
  if (!haveKey || memcmp(lastKey, key, 16) != 0) {
    if (!haveKey) mbedtls_aes_init(&ctx);
    if (mbedtls_aes_setkey_enc(&ctx, key, 128) != 0) { haveKey = 0; return -1; }
    memcpy(lastKey, key, 16);
    haveKey = 1;
  }
  return mbedtls_aes_crypt_ecb(&ctx, MBEDTLS_AES_ENCRYPT, in, out) == 0 ? 0 : -1;
}
