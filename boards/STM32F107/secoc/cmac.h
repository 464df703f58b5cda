/*
 * AES-128-CMAC (RFC 4493, NIST SP 800-38B) over mn_aes128_encrypt, and the
 * SP 800-108 counter-mode KDF with CMAC as PRF that derives a meter's key from
 * the network master key (same layout as modules/can/kdf.ts).
 */
#ifndef MN_SECOC_CMAC_H
#define MN_SECOC_CMAC_H

#include <stddef.h>
#include <stdint.h>

/* The subkeys K1, K2 of key (RFC 4493 section 2.3). 0 or -1 (cipher failed). */
int mn_cmac_subkeys(const uint8_t key[16], uint8_t k1[16], uint8_t k2[16]);
/* The full 16-byte tag of msg[0..len-1] (any length, 0 included). 0 or -1. */
int mn_cmac(const uint8_t key[16], const uint8_t *msg, size_t len, uint8_t tag[16]);
/* The tag of a message shorter than one block (every CAN MAC input: 7 or 11
 * bytes) with K2 known: one cipher call. len must be < 16. 0 or -1. */
int mn_cmac_short(const uint8_t key[16], const uint8_t k2[16], const uint8_t *msg, size_t len, uint8_t tag[16]);

/* K_m = CMAC(master, [1]_32 || "meternet-meter-key" || 0x00 || address || [128]_32).
 * 0, -1 (cipher failed) or -22 (address above 63). */
int mn_secoc_meter_key(const uint8_t master[16], unsigned address, uint8_t key[16]);

#endif
