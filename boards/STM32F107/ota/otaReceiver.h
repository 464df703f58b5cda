/*
 * The meter's side of an OTA transfer: the manifest it accepted, a bitmap of the
 * chunks it holds, the chunks written to the staging space as they come (in any
 * order, duplicates ignored), the SHA-256 of what is staged checked against the
 * manifest, and the status report the aggregator's repair rounds read.
 *
 * A chunk is a broadcast frame in the bulk class (README.md):
 *   id   = 0x780 | (index & 0x3F)
 *   data = [index >> 6] [transfer tag] [6 image bytes]
 * so one copy on the bus serves every meter the manifest was given to.
 */
#ifndef MN_OTA_RECEIVER_H
#define MN_OTA_RECEIVER_H

#include <stddef.h>
#include <stdint.h>

#include "otaManifest.h"

#ifndef MN_OTA_MAX_BYTES
#define MN_OTA_MAX_BYTES 22528u /* the meter's script slot: holds its bundle budget, package.json budgets.meter (host/native/otaNorSlots.test.ts) */
#endif
#define MN_OTA_MAX_CHUNKS ((MN_OTA_MAX_BYTES + MN_OTA_CHUNK_BYTES - 1) / MN_OTA_CHUNK_BYTES)
#define MN_OTA_BITMAP_BYTES ((MN_OTA_MAX_CHUNKS + 7u) / 8u)
#define MN_OTA_CHUNK_ID_BASE 0x780u
#define MN_OTA_CHUNK_ID_MASK 0x7C0u

enum { MN_OTA_IDLE = 0, MN_OTA_RECEIVING = 1, MN_OTA_VERIFIED = 2, MN_OTA_FAILED = 3 };

/* Where the image is staged (internal flash pages or the external NOR): offsets from its start. 0 = done,
 * < 0 failed; write may also answer 1 "busy" (an erase still runs, the part is busy): the chunk
 * is not held and not a refusal, a repair round brings it again. */
typedef struct {
  int (*erase)(void *ctx, uint32_t bytes);
  int (*write)(void *ctx, uint32_t offset, const uint8_t *d, uint32_t n);
  int (*read)(void *ctx, uint32_t offset, uint8_t *d, uint32_t n);
  void *ctx;
  uint32_t capacityBytes;
} mn_ota_staging_t;

typedef struct {
  uint8_t key[16];
  uint8_t address, image, state, lastCause;
  uint32_t storedCounter; /* highest counter accepted: the caller persists it when it changes */
  /* A transfer the meter was receiving when it restarted (its bitmap was in RAM): the
   * manifest with this counter (== storedCounter) is accepted once more and starts over.
   * 0: none. The caller sets it from what it persisted, never for a switched script. */
  uint32_t restartCounter;
  mn_ota_manifest_t m;
  uint16_t total, have;
  /* MN_OTA_BITMAP_BYTES, lent by the caller for a transfer only (otaMeterLink.c allocates it
   * when a manifest comes and frees it at the end): without it a manifest is refused "staging". */
  uint8_t *bitmap;
  uint16_t refused[MN_OTA_R_COUNT]; /* by cause */
  uint32_t duplicates, stray;       /* chunks already held; chunks of no accepted transfer */
  uint32_t busy;                    /* chunks the staging space could not take yet (erasing) */
  const mn_ota_staging_t *staging;
} mn_ota_rx_t;

void mn_ota_rx_init(mn_ota_rx_t *r, const uint8_t key[16], uint8_t address, uint8_t image, uint32_t storedCounter,
                    const mn_ota_staging_t *staging);

/* A manifest from the aggregator. MN_OTA_OK when accepted (a new transfer starts and
 * storedCounter rises: persist it), or the cause it was refused for. The manifest of
 * the transfer in progress, sent again, resumes it and keeps the chunks held. */
int mn_ota_rx_manifest(mn_ota_rx_t *r, const uint8_t *wire, size_t len);

/* A frame in the bulk class. 1 when it completed the image (then the image has been
 * verified: state says VERIFIED or FAILED), 0 when stored, 2 duplicate, -1 stray
 * (no transfer, other tag, beyond the image), -2 staging failed, -3 staging busy (not held). */
int mn_ota_rx_chunk(mn_ota_rx_t *r, uint16_t id, const uint8_t *data, uint8_t dlc);

/* The status report: [state][lastCause][counter u32][have u16][total u16][nRanges][more]
 * then nRanges (first u16, count u16) runs of missing chunks, as many as fit in cap.
 * When they do not all fit and the chunk bitmap does, nRanges is MN_OTA_RUNS_BITMAP and
 * the bitmap follows ((total + 7) / 8 bytes, bit i of byte i / 8 set = chunk i held).
 * Big-endian. Returns its length (at least 12 bytes are needed). */
#define MN_OTA_RUNS_MAX 254u
#define MN_OTA_RUNS_BITMAP 255u
size_t mn_ota_rx_status(const mn_ota_rx_t *r, uint8_t *out, size_t cap);

#endif
