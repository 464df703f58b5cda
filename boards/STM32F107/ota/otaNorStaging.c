/* The staging space on the W25Q NOR: see otaNorStaging.h. */
#include "otaNorStaging.h"

#include <string.h>

static int stage_erase(void *ctx, uint32_t bytes) {
  mn_nor_stage_t *s = (mn_nor_stage_t *)ctx;
  int slot = s->prepare(s->ctx);
  if (slot < 0 || slot > 1) return -1;
  s->slot = (uint8_t)slot;
  s->base = MN_NOR_SLOT_BASE(slot);
  (void)bytes;
  /* the whole slot, whatever the image's size: its meta record (the last sector) must go
   * with the old image, and an image of 20 KB takes 5 of the 6 sectors anyway */
  s->eraseCount = (uint8_t)(MN_NOR_SLOT_BYTES / MN_W25Q_SECTOR_BYTES);
  s->eraseNext = 0;
  s->erasing = 1;
  s->page = -1;
  s->dirty = 0;
  (void)mn_nor_stage_service(s);
  return 0;
}

int mn_nor_stage_service(mn_nor_stage_t *s) {
  if (!s->erasing) return 0;
  int b = mn_w25q_busy(s->nor);
  if (b != 0) return b > 0 ? 1 : (s->failures++, s->erasing = 0, 0); /* bus error: chunks fail verification */
  if (s->eraseNext == s->eraseCount) {
    s->erasing = 0;
    return 0;
  }
  if (mn_w25q_erase_start(s->nor, s->base + (uint32_t)s->eraseNext * MN_W25Q_SECTOR_BYTES) == MN_W25Q_OK) {
    s->eraseNext++;
    s->erases++;
  }
  return 1;
}

/* The received bytes of the buffered page to the part (waiting for a program before). */
static int flush(mn_nor_stage_t *s) {
  if (!s->dirty) return 0;
  if (mn_w25q_wait(s->nor, MN_NOR_PROGRAM_POLLS) != MN_W25Q_OK) return 1;
  uint32_t addr = s->base + (uint32_t)s->page * MN_W25Q_PAGE_BYTES + s->dirtyLo;
  if (mn_w25q_program_start(s->nor, addr, s->buf + s->dirtyLo, (uint32_t)(s->dirtyHi - s->dirtyLo) + 1u) != MN_W25Q_OK) {
    s->failures++;
    return -1;
  }
  s->programs++;
  s->dirty = 0;
  return 0;
}

int mn_nor_stage_flush(mn_nor_stage_t *s) {
  if (s->erasing) return -1;
  if (flush(s) != 0) return -1;
  return mn_w25q_wait(s->nor, MN_NOR_PROGRAM_POLLS) == MN_W25Q_OK ? 0 : -1;
}

/* 0 stored, 1 busy (not stored: the chunk stays missing), -1 failed. */
static int stage_write(void *ctx, uint32_t offset, const uint8_t *d, uint32_t n) {
  mn_nor_stage_t *s = (mn_nor_stage_t *)ctx;
  if (s->erasing) {
    s->busyChunks++;
    return 1;
  }
  if (offset + n > MN_NOR_SLOT_META_OFFSET) return -1;
  if (!s->buf) { /* no page buffer lent: not a transfer the link allocated for */
    s->failures++;
    return -1;
  }
  while (n) {
    int16_t page = (int16_t)(offset / MN_W25Q_PAGE_BYTES);
    if (page != s->page) {
      int f = flush(s);
      if (f) {
        if (f > 0) s->busyChunks++;
        return f;
      }
      s->page = page;
      memset(s->buf, 0xFF, MN_W25Q_PAGE_BYTES);
    }
    uint32_t at = offset % MN_W25Q_PAGE_BYTES, k = MN_W25Q_PAGE_BYTES - at < n ? MN_W25Q_PAGE_BYTES - at : n;
    memcpy(s->buf + at, d, k);
    if (!s->dirty || at < s->dirtyLo) s->dirtyLo = (uint8_t)at;
    if (!s->dirty || at + k - 1 > s->dirtyHi) s->dirtyHi = (uint8_t)(at + k - 1);
    s->dirty = 1;
    offset += k;
    d += k;
    n -= k;
  }
  return 0;
}

static int stage_read(void *ctx, uint32_t offset, uint8_t *d, uint32_t n) {
  mn_nor_stage_t *s = (mn_nor_stage_t *)ctx;
  if (mn_nor_stage_flush(s) != 0) return -1;
  return mn_w25q_read(s->nor, s->base + offset, d, n) == MN_W25Q_OK ? 0 : -1;
}

int mn_nor_stage_write_meta(mn_nor_stage_t *s, const uint8_t *meta, uint32_t n) {
  if (mn_nor_stage_flush(s) != 0 || n > MN_W25Q_PAGE_BYTES) return -1;
  if (mn_w25q_program_start(s->nor, s->base + MN_NOR_SLOT_META_OFFSET, meta, n) != MN_W25Q_OK) return -1;
  return mn_w25q_wait(s->nor, MN_NOR_PROGRAM_POLLS) == MN_W25Q_OK ? 0 : -1;
}

void mn_nor_stage_lend(mn_nor_stage_t *s, uint8_t *buf) {
  s->buf = buf;
  s->page = -1;
  s->dirty = 0;
}

void mn_nor_stage_init(mn_nor_stage_t *s, mn_w25q_t *nor, int (*prepare)(void *ctx), void *ctx) {
  memset(s, 0, sizeof *s);
  s->nor = nor;
  s->prepare = prepare;
  s->ctx = ctx;
  s->page = -1;
  s->staging.erase = stage_erase;
  s->staging.write = stage_write;
  s->staging.read = stage_read;
  s->staging.ctx = s;
  s->staging.capacityBytes = MN_OTA_MAX_BYTES;
}
