/* Secured payloads (secocFrame.h). */
#include <stddef.h>

#include "cmac.h"
#include "secocFrame.h"

int64_t mn_secoc_reconstruct(int64_t last, uint8_t low8) {
  int64_t high = last >> 8;
  uint8_t lastLow = (uint8_t)(last & 0xFF);
  return ((low8 > lastLow ? high : high + 1) << 8) | low8;
}

static void put40(uint8_t *b, int64_t v) {
  for (int i = 4; i >= 0; i--) { b[i] = (uint8_t)(v & 0xFF); v >>= 8; }
}

/* The 3-byte MAC of id || data[0..dataLen-1] || fv. 0 or -1. */
static int mac24(const uint8_t key[16], const uint8_t k2[16], uint32_t id, const uint8_t *data, size_t dataLen, int64_t fv, uint8_t mac[3]) {
  uint8_t in[11], tag[16];
  in[0] = (uint8_t)(id >> 8);
  in[1] = (uint8_t)id;
  for (size_t i = 0; i < dataLen; i++) in[2 + i] = data[i];
  put40(in + 2 + dataLen, fv);
  if (mn_cmac_short(key, k2, in, 7 + dataLen, tag) != 0) return -1;
  mac[0] = tag[0]; mac[1] = tag[1]; mac[2] = tag[2];
  return 0;
}

/* 1 when the payload's MAC is that of (id, data, fv), 0 when not, -1 cipher failure.
 * The comparison does not stop at the first differing byte. */
static int mac_matches(const uint8_t key[16], const uint8_t k2[16], uint32_t id, const uint8_t *data, size_t dataLen, int64_t fv, const uint8_t p[8]) {
  uint8_t mac[3];
  if (mac24(key, k2, id, data, dataLen, fv, mac) != 0) return -1;
  uint8_t diff = 0;
  for (int i = 0; i < MN_SECOC_MAC_BYTES; i++) diff |= (uint8_t)(mac[i] ^ p[MN_SECOC_MAC_OFFSET + i]);
  return diff == 0;
}

int mn_secoc_sign(const uint8_t key[16], const uint8_t k2[16], uint32_t id, const uint8_t data4[4], int64_t fv, uint8_t out[8]) {
  for (int i = 0; i < MN_SECOC_DATA_BYTES; i++) out[i] = data4[i];
  out[MN_SECOC_FV_BYTE] = (uint8_t)(fv & 0xFF);
  return mac24(key, k2, id, data4, MN_SECOC_DATA_BYTES, fv, out + MN_SECOC_MAC_OFFSET);
}

int mn_secoc_sign_sync_request(const uint8_t key[16], const uint8_t k2[16], uint32_t id, int64_t fv, uint8_t out[8]) {
  put40(out, fv);
  return mac24(key, k2, id, NULL, 0, fv, out + MN_SECOC_MAC_OFFSET);
}

mn_secoc_verdict_t mn_secoc_verify(const uint8_t key[16], const uint8_t k2[16], uint32_t id, const uint8_t p[8], int64_t last, int64_t *fvOut) {
  if (last < 0) return MN_SECOC_UNSYNCED;
  uint8_t low = p[MN_SECOC_FV_BYTE];
  int64_t fv = mn_secoc_reconstruct(last, low);
  int r = mac_matches(key, k2, id, p, MN_SECOC_DATA_BYTES, fv, p);
  if (r < 0) return MN_SECOC_INTERNAL;
  if (r == 1) { *fvOut = fv; return MN_SECOC_OK; }
  int64_t high = last >> 8;
  for (int64_t h = high; h >= high - 1 && h >= 0; h--) {
    int64_t old = (h << 8) | low;
    if (old > last) continue;
    r = mac_matches(key, k2, id, p, MN_SECOC_DATA_BYTES, old, p);
    if (r < 0) return MN_SECOC_INTERNAL;
    if (r == 1) return MN_SECOC_STALE;
  }
  return MN_SECOC_BAD_MAC;
}

mn_secoc_verdict_t mn_secoc_verify_sync_request(const uint8_t key[16], const uint8_t k2[16], uint32_t id, const uint8_t p[8], int64_t lastSync, int64_t *fvOut) {
  int64_t fv = 0;
  for (int i = 0; i < 5; i++) fv = (fv << 8) | p[i];
  int r = mac_matches(key, k2, id, NULL, 0, fv, p);
  if (r < 0) return MN_SECOC_INTERNAL;
  if (r == 0) return MN_SECOC_BAD_MAC;
  if (fv <= lastSync) return MN_SECOC_STALE;
  *fvOut = fv;
  return MN_SECOC_OK;
}

mn_secoc_verdict_t mn_secoc_verify_bound(const uint8_t key[16], const uint8_t k2[16], uint32_t id, const uint8_t p[8], int64_t challenge) {
  if (challenge < 0) return MN_SECOC_STALE;
  if (p[MN_SECOC_FV_BYTE] != (uint8_t)(challenge & 0xFF)) return MN_SECOC_BAD_MAC;
  int r = mac_matches(key, k2, id, p, MN_SECOC_DATA_BYTES, challenge, p);
  return r < 0 ? MN_SECOC_INTERNAL : r == 1 ? MN_SECOC_OK : MN_SECOC_BAD_MAC;
}
