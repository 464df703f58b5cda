/*
 * The aggregator's staged image on its W25Q32JV NOR (tools/firmware/flashMap.ts: the
 * aggregator's "staged" area, 64 KB from NOR address 0), written by the upload and read
 * by the sender (otaAggLink.c) chunk by chunk: the image never sits in RAM or in the
 * internal Storage (whose `ota.stage` file this replaces).
 *
 *   begin   the area (sector-aligned, inside the part) and the image's size, refused
 *           when the image does not fit the area or a meter's script slot; optionally
 *           the SHA-256 the client computed. Nothing is erased yet.
 *   write   the upload's pieces, in order: each sector is erased when the first byte
 *           of it comes (45 ms typ, 400 ms max, waited for), each page programmed
 *           and waited for, then the piece is read back and compared with what came:
 *           the NOR holds exactly what was received or the write fails (state FAILED).
 *           With the last byte the whole NOR copy is read back for its SHA-256: it is
 *           the digest the manifests carry, and it must equal the client's when given.
 *   send    starts the sender over the NOR copy only when it is VERIFIED, for that
 *           address and size; the sender hashes the NOR copy again (mn_ota_agg_start)
 *           and a digest that differs from the staged one (the area changed since)
 *           refuses the update before any manifest goes out.
 *
 * A power cut anywhere loses this state (RAM): a half-written image is never VERIFIED,
 * so no manifest can be sent for it; the upload starts again (begin erases as it goes).
 * All SPI traffic is whole transactions in the main loop, as otaNorStaging.h says.
 */
#ifndef MN_OTA_NOR_IMAGE_H
#define MN_OTA_NOR_IMAGE_H

#include <stdint.h>

#include "otaAggLink.h"
#include "w25q.h"

enum { MN_NIMG_EMPTY = 0, MN_NIMG_WRITING = 1, MN_NIMG_VERIFIED = 2, MN_NIMG_FAILED = 3 };

/* Status reads an erase may take (400 ms max at ~2 us a read, with margin) and a program (3 ms max). */
#define MN_NIMG_ERASE_POLLS 1000000u
#define MN_NIMG_PROGRAM_POLLS 3000u

typedef struct {
  mn_w25q_t *nor;
  uint32_t base, sizeBytes, written, erasedTo; /* erasedTo: bytes from base erased for this image */
  uint8_t state, expect;                       /* expect: sha256 holds the client's digest while writing */
  uint8_t sha256[32];                          /* the client's (writing), the NOR copy's (verified) */
  mn_ota_staging_t source;                     /* the sender's reads over the NOR: ctx = this */
  uint32_t programs, erases, failures;
} mn_nor_image_t;

void mn_nor_image_init(mn_nor_image_t *im, mn_w25q_t *nor);

/* A new image: 0; -19 no W25Q32JV answers; -22 the area is not sector-aligned or not
 * inside the part; -27 size 0, over the area, or over a meter's slot (MN_OTA_MAX_BYTES). */
int mn_nor_image_begin(mn_nor_image_t *im, uint32_t base, uint32_t areaBytes, uint32_t sizeBytes, const uint8_t *sha256OrNull);

/* The piece at offset (== the bytes written so far): the bytes written after it; -22
 * no image begun, out of order or beyond the size; -5 an erase, a program or the read
 * back failed; -74 the image is whole but its SHA-256 is not the client's. -5 and -74
 * leave the image FAILED: begin again. */
int mn_nor_image_write(mn_nor_image_t *im, uint32_t offset, const uint8_t *d, uint32_t n);

/* mn_ota_agg_start over the staged image: -5 no VERIFIED image at (base, sizeBytes);
 * -74 the NOR copy no longer hashes to the staged digest (a is left idle: nothing went
 * out); else mn_ota_agg_start's code. */
int mn_nor_image_send(mn_nor_image_t *im, mn_ota_agg_t *a, uint32_t base, uint32_t sizeBytes, const mn_ota_manifest_t *m,
                      const uint8_t master[16], const uint8_t *addresses, unsigned n, int autoCommit, uint32_t nowMs);

#endif
