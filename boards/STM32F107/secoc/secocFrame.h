/*
 * Secured CAN payloads on the AUTOSAR SecOC pattern (profile 1 truncation: FV 8
 * bits, MAC 24 bits), bit for bit as modules/can/secoc.ts and freshness.ts
 * define them (the README of modules/can has the layouts and the reasons):
 *
 *   secured      data(4) | FV mod 256 | MAC24
 *   syncRequest  FV(5, big-endian)    | MAC24
 *   syncResponse data(4) | challenge mod 256 | MAC24, the MAC over the challenge
 *
 * MAC24 = first 3 bytes of AES-CMAC(key, id(2, BE) || data || FV(5, BE)), data
 * empty for a sync request. Freshness values are 40 bits (epoch 24, sequence 16)
 * in int64_t; -1 stands for "none" (an unsynchronised receiver).
 *
 * Every function takes the key and its CMAC subkey K2 (cmac.h): a MAC input is
 * 7 or 11 bytes, so one frame costs one AES block.
 */
#ifndef MN_SECOC_FRAME_H
#define MN_SECOC_FRAME_H

#include <stdint.h>

#define MN_SECOC_PAYLOAD_BYTES 8
#define MN_SECOC_DATA_BYTES 4
#define MN_SECOC_FV_BYTE 4
#define MN_SECOC_MAC_OFFSET 5
#define MN_SECOC_MAC_BYTES 3
#define MN_SECOC_FV_MAX 0xFFFFFFFFFFLL

/* Verdicts, the numbers JavaScript receives (modules/can/secured.ts). */
typedef enum {
  MN_SECOC_OK = 0,
  MN_SECOC_BAD_MAC = 1,  /* no candidate FV makes the MAC verify */
  MN_SECOC_STALE = 2,    /* the MAC verifies under an FV at or below the last accepted one */
  MN_SECOC_UNSYNCED = 3, /* nothing accepted yet (no synchronisation), or no challenge outstanding */
  MN_SECOC_INTERNAL = 4  /* the cipher failed: not the frame's fault */
} mn_secoc_verdict_t;

/* SecOC profile 1: the full FV from the last accepted one and the received low
 * byte; always above last. last must be >= 0. */
int64_t mn_secoc_reconstruct(int64_t last, uint8_t low8);

/* out[0..7] = data4 | fv & 0xFF | MAC24(id, data4, fv). 0 or -1 (cipher). */
int mn_secoc_sign(const uint8_t key[16], const uint8_t k2[16], uint32_t id, const uint8_t data4[4], int64_t fv, uint8_t out[8]);
/* out[0..7] = fv (5, BE) | MAC24(id, -, fv). 0 or -1. */
int mn_secoc_sign_sync_request(const uint8_t key[16], const uint8_t k2[16], uint32_t id, int64_t fv, uint8_t out[8]);

/* A secured payload against the last accepted FV (-1: unsynced). *fvOut gets the
 * accepted FV (OK only). Replays show up as a MAC failure under the rebuilt FV;
 * to count them as stale the two candidates at or below last are tried too,
 * only after a failure, and never accept. */
mn_secoc_verdict_t mn_secoc_verify(const uint8_t key[16], const uint8_t k2[16], uint32_t id, const uint8_t p[8], int64_t last, int64_t *fvOut);
/* A sync request: MAC over its full FV, then the FV must be above lastSync (-1: none). */
mn_secoc_verdict_t mn_secoc_verify_sync_request(const uint8_t key[16], const uint8_t k2[16], uint32_t id, const uint8_t p[8], int64_t lastSync, int64_t *fvOut);
/* A sync response bound to the outstanding challenge (-1: none -> STALE, as a
 * response nobody asked for is a replay). */
mn_secoc_verdict_t mn_secoc_verify_bound(const uint8_t key[16], const uint8_t k2[16], uint32_t id, const uint8_t p[8], int64_t challenge);

#endif
