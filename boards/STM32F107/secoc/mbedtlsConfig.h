/*
 * The mbedtls configuration of the firmware images (MBEDTLS_CONFIG_FILE, set by
 * the board files; tools/firmware/imageFeatures.ts, switches "crypto:none" and
 * "crypto:sha256"). The images compile mbedtls's aes.c from the Espruino tree
 * themselves instead of Espruino's AES library: SecOC needs one AES-128 block
 * encryption (aesMbedtls.c), not the require("crypto").AES bindings with their
 * cipher layer, other modes and decryption tables.
 *
 * Only mbedtls features are defined here, so every mbedtls file of the image
 * (aes.c; on the aggregator also Espruino's crypto library: jswrap_crypto.c,
 * sha1.c, sha256.c) sees the same configuration.
 */
#ifndef MN_MBEDTLS_CONFIG_H
#define MN_MBEDTLS_CONFIG_H

#define MBEDTLS_AES_C
/* Tables in flash, as Espruino's own configuration has them: without this aes.c
 * builds 8.5 KB of tables in RAM at the first key schedule. */
#define MBEDTLS_AES_ROM_TABLES

/* Espruino's crypto library (the aggregator's crypto.SHA256): what its
 * libs/crypto/mbedtls/config.h enables for the same USE_* defines. */
#if defined(USE_CRYPTO) && !defined(USE_SHA1_JS)
#define MBEDTLS_SHA1_C /* jswrap_crypto.c calls mbedtls_sha1 unless USE_SHA1_JS */
#endif
#ifdef USE_SHA256
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_SMALLER /* the loop, not the unrolled rounds */
#endif

#endif
