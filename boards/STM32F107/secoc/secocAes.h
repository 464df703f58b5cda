/*
 * The one block-cipher call the SecOC code needs: AES-128 encryption of one
 * 16-byte block (FIPS 197). Implemented by aesMbedtls.c over mbedtls's
 * mbedtls_aes_setkey_enc / mbedtls_aes_crypt_ecb: on the device the mbedtls that
 * Espruino compiles in with its CRYPTO/AES libraries (reached through the include
 * path only), on the host and in the C tests Debian's libmbedcrypto (same API).
 */
#ifndef MN_SECOC_AES_H
#define MN_SECOC_AES_H

#include <stdint.h>

/* out = AES-128(key, in). out may equal in. 0, or -1 when the cipher failed. */
int mn_aes128_encrypt(const uint8_t key[16], const uint8_t in[16], uint8_t out[16]);

#endif
