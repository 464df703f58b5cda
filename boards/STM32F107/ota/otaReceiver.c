/* The meter's side of an OTA transfer: see otaReceiver.h. */
#include "otaReceiver.h"

#include <string.h>

#include "otaSha256.h"

static void put16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static int held(const mn_ota_rx_t *r, unsigned i) { return (r->bitmap[i >> 3] >> (i & 7)) & 1; }

void mn_ota_rx_init(mn_ota_rx_t *r, const uint8_t key[16], uint8_t address, uint8_t image, uint32_t storedCounter,
                    const mn_ota_staging_t *staging) {
  memset(r, 0, sizeof *r);
  memcpy(r->key, key, 16);
  r->address = address;
  r->image = image;
  r->storedCounter = storedCounter;
  r->staging = staging;
}

static int refuse(mn_ota_rx_t *r, int cause) {
  r->refused[cause]++;
  r->lastCause = (uint8_t)cause;
  return cause;
}

int mn_ota_rx_manifest(mn_ota_rx_t *r, const uint8_t *wire, size_t len) {
  mn_ota_manifest_t m;
  uint32_t cap = r->staging->capacityBytes < MN_OTA_MAX_BYTES ? r->staging->capacityBytes : MN_OTA_MAX_BYTES;
  /* the same manifest again (the aggregator's repair round or its restart): resume */
  if (r->state != MN_OTA_IDLE && len == MN_OTA_MANIFEST_BYTES &&
      mn_ota_manifest_check(wire, len, r->key, r->address, r->image, r->m.counter - 1, cap, &m) == MN_OTA_OK &&
      memcmp(&m, &r->m, sizeof m) == 0)
    return MN_OTA_OK;
  uint32_t floor = r->storedCounter;
  if (r->state == MN_OTA_IDLE && r->restartCounter != 0 && r->restartCounter == r->storedCounter) floor--;
  int c = mn_ota_manifest_check(wire, len, r->key, r->address, r->image, floor, cap, &m);
  if (c != MN_OTA_OK) return refuse(r, c);
  if (!r->bitmap) return refuse(r, MN_OTA_R_STAGING); /* no memory lent for the transfer: the counter stays */
  r->restartCounter = 0;
  r->storedCounter = m.counter;
  r->m = m;
  r->total = (uint16_t)((m.sizeBytes + MN_OTA_CHUNK_BYTES - 1) / MN_OTA_CHUNK_BYTES);
  r->have = 0;
  memset(r->bitmap, 0, MN_OTA_BITMAP_BYTES);
  r->lastCause = MN_OTA_OK;
  if (r->staging->erase(r->staging->ctx, m.sizeBytes) != 0) {
    r->state = MN_OTA_FAILED;
    return refuse(r, MN_OTA_R_STAGING);
  }
  r->state = MN_OTA_RECEIVING;
  return MN_OTA_OK;
}

/* SHA-256 of what is staged (read back, so a bad flash write is caught too). */
static void verify(mn_ota_rx_t *r) {
  uint8_t block[64], digest[32];
  mn_sha256_t *h = mn_sha256_start();
  for (uint32_t off = 0; off < r->m.sizeBytes; off += sizeof block) {
    uint32_t n = r->m.sizeBytes - off < sizeof block ? r->m.sizeBytes - off : (uint32_t)sizeof block;
    if (r->staging->read(r->staging->ctx, off, block, n) != 0) {
      mn_sha256_finish(h, digest);
      r->state = MN_OTA_FAILED;
      refuse(r, MN_OTA_R_STAGING);
      return;
    }
    mn_sha256_update(h, block, n);
  }
  mn_sha256_finish(h, digest);
  uint8_t d = 0;
  for (unsigned i = 0; i < 32; i++) d |= (uint8_t)(digest[i] ^ r->m.sha256[i]);
  if (d) {
    r->state = MN_OTA_FAILED;
    refuse(r, MN_OTA_R_HASH);
  } else {
    r->state = MN_OTA_VERIFIED;
  }
}

int mn_ota_rx_chunk(mn_ota_rx_t *r, uint16_t id, const uint8_t *data, uint8_t dlc) {
  unsigned index = ((unsigned)data[0] << 6) | (id & 0x3Fu);
  if ((id & MN_OTA_CHUNK_ID_MASK) != MN_OTA_CHUNK_ID_BASE || dlc != 8 || r->state != MN_OTA_RECEIVING || data[1] != r->m.tag ||
      index >= r->total) {
    r->stray++;
    return -1;
  }
  if (held(r, index)) {
    r->duplicates++;
    return 2;
  }
  uint32_t off = index * MN_OTA_CHUNK_BYTES;
  uint32_t n = r->m.sizeBytes - off < MN_OTA_CHUNK_BYTES ? r->m.sizeBytes - off : MN_OTA_CHUNK_BYTES;
  int w = r->staging->write(r->staging->ctx, off, data + 2, n);
  if (w > 0) { /* the staging space is erasing: not held, the repair round brings it */
    r->busy++;
    return -3;
  }
  if (w != 0) {
    refuse(r, MN_OTA_R_STAGING); /* not marked held: a repair round sends it again */
    return -2;
  }
  r->bitmap[index >> 3] |= (uint8_t)(1u << (index & 7));
  if (++r->have < r->total) return 0;
  verify(r);
  return 1;
}

size_t mn_ota_rx_status(const mn_ota_rx_t *r, uint8_t *out, size_t cap) {
  if (cap < 12) return 0;
  out[0] = r->state;
  out[1] = r->lastCause;
  out[2] = (uint8_t)(r->storedCounter >> 24);
  out[3] = (uint8_t)(r->storedCounter >> 16);
  out[4] = (uint8_t)(r->storedCounter >> 8);
  out[5] = (uint8_t)r->storedCounter;
  put16(out + 6, r->have);
  put16(out + 8, r->total);
  unsigned runs = 0, more = 0;
  size_t at = 12;
  if (r->state == MN_OTA_RECEIVING) {
    for (unsigned i = 0; i < r->total;) {
      if (held(r, i)) { i++; continue; }
      unsigned first = i;
      while (i < r->total && !held(r, i)) i++;
      if (at + 4 > cap || runs == MN_OTA_RUNS_MAX) { more = 1; break; }
      put16(out + at, first);
      put16(out + at + 2, i - first);
      at += 4;
      runs++;
    }
    /* Too many runs to list, and room for the bitmap: the bitmap instead (bit set = held),
     * so a meter with scattered gaps (one that joined late) is repaired in one round. */
    size_t bytes = ((size_t)r->total + 7) / 8;
    if (more && 12 + bytes <= cap) {
      memcpy(out + 12, r->bitmap, bytes);
      out[10] = MN_OTA_RUNS_BITMAP;
      out[11] = 0;
      return 12 + bytes;
    }
  }
  out[10] = (uint8_t)runs;
  out[11] = (uint8_t)more;
  return at;
}
