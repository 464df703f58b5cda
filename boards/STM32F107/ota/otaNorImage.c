/* The aggregator's staged image on the NOR: see otaNorImage.h. */
#include "otaNorImage.h"

#include <string.h>

#include "otaSha256.h"

#define BLOCK 64u

static int fail(mn_nor_image_t *im, int code) {
  im->state = MN_NIMG_FAILED;
  im->failures++;
  return code;
}

/* The sender's read: the part idle first (an erase or a program of someone else may run). */
static int nor_read(void *ctx, uint32_t off, uint8_t *d, uint32_t n) {
  mn_nor_image_t *im = (mn_nor_image_t *)ctx;
  if (off > im->sizeBytes || n > im->sizeBytes - off) return -1;
  if (mn_w25q_wait(im->nor, MN_NIMG_PROGRAM_POLLS) != MN_W25Q_OK) return -1;
  return mn_w25q_read(im->nor, im->base + off, d, n) == MN_W25Q_OK ? 0 : -1;
}

void mn_nor_image_init(mn_nor_image_t *im, mn_w25q_t *nor) {
  memset(im, 0, sizeof *im);
  im->nor = nor;
  im->source.read = nor_read;
  im->source.ctx = im;
}

int mn_nor_image_begin(mn_nor_image_t *im, uint32_t base, uint32_t areaBytes, uint32_t sizeBytes, const uint8_t *sha256OrNull) {
  im->state = MN_NIMG_EMPTY;
  if (base % MN_W25Q_SECTOR_BYTES || base > im->nor->sizeBytes || areaBytes > im->nor->sizeBytes - base) return -22;
  if (sizeBytes == 0 || sizeBytes > areaBytes || sizeBytes > MN_OTA_MAX_BYTES) return -27;
  if (mn_w25q_jedec(im->nor) != MN_W25Q32_JEDEC) return -19;
  im->base = base;
  im->sizeBytes = im->source.capacityBytes = sizeBytes;
  im->written = im->erasedTo = 0;
  im->expect = sha256OrNull != 0;
  if (sha256OrNull) memcpy(im->sha256, sha256OrNull, 32);
  im->state = MN_NIMG_WRITING;
  return 0;
}

static int done(mn_w25q_t *nor, int started, uint32_t polls) {
  return started == MN_W25Q_OK && mn_w25q_wait(nor, polls) == MN_W25Q_OK;
}

int mn_nor_image_write(mn_nor_image_t *im, uint32_t offset, const uint8_t *d, uint32_t n) {
  if (im->state != MN_NIMG_WRITING || offset != im->written || n == 0 || n > im->sizeBytes - offset) return -22;
  mn_w25q_t *nor = im->nor;
  if (mn_w25q_wait(nor, MN_NIMG_ERASE_POLLS) != MN_W25Q_OK) return fail(im, -5);
  while (im->erasedTo < offset + n) { /* each sector erased when its first byte comes */
    if (!done(nor, mn_w25q_erase_start(nor, im->base + im->erasedTo), MN_NIMG_ERASE_POLLS)) return fail(im, -5);
    im->erases++;
    im->erasedTo += MN_W25Q_SECTOR_BYTES;
  }
  for (uint32_t i = 0; i < n;) { /* page by page */
    uint32_t a = im->base + offset + i, k = MN_W25Q_PAGE_BYTES - a % MN_W25Q_PAGE_BYTES;
    if (k > n - i) k = n - i;
    if (!done(nor, mn_w25q_program_start(nor, a, d + i, k), MN_NIMG_PROGRAM_POLLS)) return fail(im, -5);
    im->programs++;
    i += k;
  }
  uint8_t b[BLOCK];
  for (uint32_t i = 0; i < n; i += BLOCK) { /* what the NOR holds, not what was meant */
    uint32_t k = n - i < BLOCK ? n - i : BLOCK;
    if (mn_w25q_read(nor, im->base + offset + i, b, k) != MN_W25Q_OK || memcmp(b, d + i, k) != 0) return fail(im, -5);
  }
  im->written += n;
  if (im->written < im->sizeBytes) return (int)im->written;
  uint8_t digest[32];
  mn_sha256_t *h = mn_sha256_start();
  for (uint32_t off = 0; off < im->sizeBytes; off += BLOCK) {
    uint32_t k = im->sizeBytes - off < BLOCK ? im->sizeBytes - off : BLOCK;
    if (nor_read(im, off, b, k) != 0) {
      mn_sha256_finish(h, digest);
      return fail(im, -5);
    }
    mn_sha256_update(h, b, k);
  }
  mn_sha256_finish(h, digest);
  if (im->expect && memcmp(digest, im->sha256, 32) != 0) return fail(im, -74);
  memcpy(im->sha256, digest, 32);
  im->state = MN_NIMG_VERIFIED;
  return (int)im->written;
}

int mn_nor_image_send(mn_nor_image_t *im, mn_ota_agg_t *a, uint32_t base, uint32_t sizeBytes, const mn_ota_manifest_t *m,
                      const uint8_t master[16], const uint8_t *addresses, unsigned n, int autoCommit, uint32_t nowMs) {
  memset(a, 0, sizeof *a);
  if (im->state != MN_NIMG_VERIFIED || base != im->base || sizeBytes != im->sizeBytes) return -5;
  int r = mn_ota_agg_start(a, &im->source, sizeBytes, m, master, addresses, n, autoCommit, nowMs);
  if (r != 0) {
    a->phase = MN_OTA_PH_IDLE;
    return r;
  }
  if (memcmp(a->m.sha256, im->sha256, 32) != 0) {
    memset(a, 0, sizeof *a);
    return fail(im, -74);
  }
  return 0;
}
