/* The aggregator's side of a broadcast transfer: see otaSender.h. */
#include "otaSender.h"

#include <string.h>

static int bit(const uint8_t *b, unsigned i) { return (b[i >> 3] >> (i & 7)) & 1; }

int mn_ota_tx_init(mn_ota_tx_t *t, const mn_ota_staging_t *image, uint32_t sizeBytes, uint8_t tag) {
  memset(t, 0, sizeof *t);
  if (sizeBytes == 0 || sizeBytes > MN_OTA_MAX_BYTES) return -22;
  t->image = image;
  t->sizeBytes = sizeBytes;
  t->tag = tag;
  t->total = (uint16_t)((sizeBytes + MN_OTA_CHUNK_BYTES - 1) / MN_OTA_CHUNK_BYTES);
  for (unsigned i = 0; i < t->total; i++) t->now[i >> 3] |= (uint8_t)(1u << (i & 7));
  return 0;
}

int mn_ota_tx_next(mn_ota_tx_t *t, uint16_t *id, uint8_t d[8]) {
  while (t->cursor < t->total && !bit(t->now, t->cursor)) t->cursor++;
  if (t->cursor >= t->total) return 0;
  unsigned i = t->cursor++;
  uint32_t off = i * MN_OTA_CHUNK_BYTES;
  uint32_t n = t->sizeBytes - off < MN_OTA_CHUNK_BYTES ? t->sizeBytes - off : MN_OTA_CHUNK_BYTES;
  *id = (uint16_t)(MN_OTA_CHUNK_ID_BASE | (i & 0x3Fu));
  d[0] = (uint8_t)(i >> 6);
  d[1] = t->tag;
  memset(d + 2, 0xFF, MN_OTA_CHUNK_BYTES); /* past the end: erased flash */
  if (t->image->read(t->image->ctx, off, d + 2, n) != 0) return -1;
  t->frames++;
  return 1;
}

int mn_ota_tx_repair(mn_ota_tx_t *t, const uint8_t *r, size_t len) {
  if (len < 12) return -1;
  if (r[10] == MN_OTA_RUNS_BITMAP) { /* the meter's bitmap: every chunk not held */
    if (len < 12 + ((size_t)t->total + 7) / 8) return -1;
    if (r[0] != MN_OTA_RECEIVING) return 0;
    int lacks = 0;
    for (unsigned i = 0; i < t->total; i++) {
      if (bit(r + 12, i)) continue;
      if (!bit(t->next, i)) t->nextCount++;
      t->next[i >> 3] |= (uint8_t)(1u << (i & 7));
      lacks++;
    }
    return lacks;
  }
  if ((size_t)(12 + 4 * r[10]) > len) return -1;
  if (r[0] != MN_OTA_RECEIVING) return 0;
  int lacks = 0;
  for (unsigned k = 0; k < r[10]; k++) {
    unsigned first = ((unsigned)r[12 + 4 * k] << 8) | r[13 + 4 * k], count = ((unsigned)r[14 + 4 * k] << 8) | r[15 + 4 * k];
    if (first + count > t->total) return -1;
    for (unsigned i = first; i < first + count; i++) {
      if (!bit(t->next, i)) t->nextCount++;
      t->next[i >> 3] |= (uint8_t)(1u << (i & 7));
    }
    lacks += (int)count;
  }
  return lacks;
}

unsigned mn_ota_tx_round(mn_ota_tx_t *t) {
  memcpy(t->now, t->next, sizeof t->now);
  memset(t->next, 0, sizeof t->next);
  unsigned n = t->nextCount;
  t->nextCount = 0;
  t->cursor = 0;
  t->round++;
  return n;
}
