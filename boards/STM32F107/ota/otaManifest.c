/* The OTA manifest: layout and checks in otaManifest.h. */
#include "otaManifest.h"

#include <string.h>

#include "../secoc/cmac.h"

static uint32_t be32(const uint8_t *p) { return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3]; }

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

/* Compares without stopping at the first difference, so timing tells an attacker nothing. */
static int sameTag(const uint8_t *a, const uint8_t *b) {
  uint8_t d = 0;
  for (unsigned i = 0; i < 16; i++) d |= (uint8_t)(a[i] ^ b[i]);
  return d == 0;
}

void mn_ota_manifest_body(const mn_ota_manifest_t *m, uint8_t w[MN_OTA_MANIFEST_SIGNED]) {
  memset(w, 0, MN_OTA_MANIFEST_SIGNED);
  memcpy(w, "MNOT", 4);
  w[4] = MN_OTA_FORMAT;
  w[5] = m->image;
  w[6] = m->chunkBytes;
  w[7] = m->tag;
  put32(w + 8, m->version);
  put32(w + 12, m->counter);
  put32(w + 16, m->sizeBytes);
  memcpy(w + 20, m->sha256, 32);
  w[52] = m->address;
}

int mn_ota_manifest_make(const mn_ota_manifest_t *m, const uint8_t key[16], uint8_t w[MN_OTA_MANIFEST_BYTES]) {
  mn_ota_manifest_body(m, w);
  return mn_cmac(key, w, MN_OTA_MANIFEST_SIGNED, w + MN_OTA_MANIFEST_SIGNED) == 0 ? 0 : -1;
}

int mn_ota_manifest_check(const uint8_t *w, size_t len, const uint8_t key[16], uint8_t address, uint8_t image,
                          uint32_t storedCounter, uint32_t capacityBytes, mn_ota_manifest_t *m) {
  if (len != MN_OTA_MANIFEST_BYTES || memcmp(w, "MNOT", 4) != 0 || w[4] != MN_OTA_FORMAT || w[6] != MN_OTA_CHUNK_BYTES ||
      w[53] || w[54] || w[55])
    return MN_OTA_R_FORMAT;
  uint8_t tag[16];
  if (mn_cmac(key, w, MN_OTA_MANIFEST_SIGNED, tag) != 0 || !sameTag(tag, w + MN_OTA_MANIFEST_SIGNED)) return MN_OTA_R_MAC;
  if (w[52] != address) return MN_OTA_R_ADDRESS;
  uint32_t counter = be32(w + 12), size = be32(w + 16);
  if (counter <= storedCounter) return MN_OTA_R_ROLLBACK;
  if (w[5] != image) return MN_OTA_R_IMAGE;
  if (size == 0 || size > capacityBytes) return MN_OTA_R_SIZE;
  m->image = w[5];
  m->chunkBytes = w[6];
  m->tag = w[7];
  m->address = w[52];
  m->version = be32(w + 8);
  m->counter = counter;
  m->sizeBytes = size;
  memcpy(m->sha256, w + 20, 32);
  return MN_OTA_OK;
}
