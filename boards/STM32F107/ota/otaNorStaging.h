/*
 * The meter's staging space on the W25Q32JV NOR (tools/firmware/flashMap.ts: the
 * meter's "staged" area, 51 200 B from NOR address 0, holds the two script slots):
 *
 *   slot A 0x0000..0x5FFF, slot B 0x6000..0xBFFF: 6 sectors of 4 KB each, the script
 *   (up to MN_OTA_MAX_BYTES = 22 528 B) from the slot's start and its 48-byte meta
 *   record (size, version, SHA-256: otaBootHook.h) at MN_NOR_SLOT_META_OFFSET.
 *
 * The receiver's staging callbacks (otaReceiver.h) over it:
 *   erase  at manifest acceptance: the boot record marks the inactive slot invalid
 *          (prepare), then its sectors are erased one after the other ASYNCHRONOUSLY,
 *          advanced by mn_nor_stage_service from the main loop (a sector takes 45 ms
 *          typ, 400 ms max: a 20 KB image and the meta sector, 6 sectors, 270 ms typ,
 *          2.4 s max). Chunks that arrive meanwhile are answered "busy": not held, so
 *          the next repair round brings them.
 *   write  6-byte chunks fill a 256-byte page buffer; the page is programmed (0.4 ms
 *          typ, 3 ms max) when a chunk of another page comes, or before a read. Only
 *          the bytes received are programmed (the rest of the page stays 0xFF, so a
 *          page is programmed again when its other chunks come in a repair round:
 *          NOR only clears bits, the same bytes written twice are the same bytes).
 *   read   flushes the buffer, waits for the part (bounded), reads: the SHA-256 of
 *          the image is computed over what the NOR holds, not what RAM meant to write.
 *
 * Sharing the SPI bus with JavaScript: every transfer here runs in the main loop (the
 * CAN event handler, the idle hook), never in an interrupt, and is a whole transaction
 * (chip select low to high) within one call; Espruino's SPI1.send from JavaScript also
 * runs to completion in the main loop. So the two never interleave on the wire; the
 * only thing they share is the part's state (busy while an erase runs), which the
 * driver reads before every command. The meter's JavaScript does not drive the NOR.
 */
#ifndef MN_OTA_NOR_STAGING_H
#define MN_OTA_NOR_STAGING_H

#include <stdint.h>

#include "otaReceiver.h"
#include "w25q.h"

#define MN_NOR_SLOT_BYTES 24576u /* 6 sectors */
#define MN_NOR_SLOT_META_OFFSET 22528u
#define MN_NOR_SLOT_BASE(slot) ((uint32_t)(slot) * MN_NOR_SLOT_BYTES)
/* Status reads a page program may take before it counts as failed: 3 ms max at the
 * ~2 us a 2-byte status read takes at 8 MHz with Espruino's per-byte path, doubled. */
#define MN_NOR_PROGRAM_POLLS 3000u

#if MN_OTA_MAX_BYTES > MN_NOR_SLOT_META_OFFSET
#error "the script slot must end before its meta record"
#endif

typedef struct {
  mn_w25q_t *nor;
  /* The boot record's step before an erase: the inactive slot marked invalid. Returns
   * that slot (0 A, 1 B), or < 0 when staging is not allowed (a trial is running). */
  int (*prepare)(void *ctx);
  void *ctx;
  mn_ota_staging_t staging; /* what the receiver calls: ctx = this */
  uint32_t base;            /* NOR address of the slot being staged */
  uint8_t slot, eraseNext, eraseCount, erasing;
  int16_t page;             /* page (from the slot's start) in buf; -1 none */
  uint8_t dirtyLo, dirtyHi; /* bytes of buf received since the last program */
  uint8_t dirty;
  /* MN_W25Q_PAGE_BYTES lent for a transfer only (jswrap_ota.c allocates it with the link's
   * transfer state); a write without it fails. Not needed once the page is flushed. */
  uint8_t *buf;
  uint32_t programs, erases, busyChunks, failures;
} mn_nor_stage_t;

void mn_nor_stage_init(mn_nor_stage_t *s, mn_w25q_t *nor, int (*prepare)(void *ctx), void *ctx);
/* The page buffer (MN_W25Q_PAGE_BYTES) for a transfer, or 0 when it ends: what it held unflushed is dropped. */
void mn_nor_stage_lend(mn_nor_stage_t *s, uint8_t *buf);
/* From the main loop: advances the erase. 1 while it runs (call again), 0 otherwise. */
int mn_nor_stage_service(mn_nor_stage_t *s);
/* Programs what the page buffer holds and waits for the part: 0, or -1. */
int mn_nor_stage_flush(mn_nor_stage_t *s);
/* Writes the slot's meta record (after the image verified): 0, or -1. */
int mn_nor_stage_write_meta(mn_nor_stage_t *s, const uint8_t *meta, uint32_t n);

#endif
