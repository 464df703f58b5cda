/*
 * The aggregator's side of a broadcast transfer: the chunk frames of one image, sent
 * in rounds. Round 0 is the whole image once; after a round the aggregator asks each
 * meter for its status (otaReceiver.h) and hands every report to mn_ota_tx_repair,
 * and the next round sends the union of what the meters still lack: each chunk once,
 * however many meters lack it. Pure C over the image's staging space, so the
 * aggregator can pace frames from the CAN transmit interrupt (about a thousand a
 * second at 125 kbit/s: far too many for its JavaScript).
 */
#ifndef MN_OTA_SENDER_H
#define MN_OTA_SENDER_H

#include <stddef.h>
#include <stdint.h>

#include "otaReceiver.h"

typedef struct {
  const mn_ota_staging_t *image;
  uint32_t sizeBytes;
  uint16_t total, cursor;
  uint8_t tag, round;
  uint8_t now[(MN_OTA_MAX_CHUNKS + 7) / 8];  /* this round's chunks */
  uint8_t next[(MN_OTA_MAX_CHUNKS + 7) / 8]; /* the next round's, from the reports */
  uint32_t frames;                            /* chunk frames produced, all rounds */
  uint16_t nextCount;
} mn_ota_tx_t;

/* -22 when the image does not fit MN_OTA_MAX_BYTES, else 0: round 0 holds every chunk. */
int mn_ota_tx_init(mn_ota_tx_t *t, const mn_ota_staging_t *image, uint32_t sizeBytes, uint8_t tag);

/* The next chunk frame of this round: 1 with id and data filled, 0 when the round is
 * over, -1 when the image could not be read. */
int mn_ota_tx_next(mn_ota_tx_t *t, uint16_t *id, uint8_t data[8]);

/* One meter's status report: its missing runs join the next round. The number of
 * chunks it lacks, or -1 for a report that is not one (counted by the caller). */
int mn_ota_tx_repair(mn_ota_tx_t *t, const uint8_t *report, size_t len);

/* Starts the next round from the reports given since the last one; the number of chunks in it (0: nothing to send). */
unsigned mn_ota_tx_round(mn_ota_tx_t *t);

#endif
