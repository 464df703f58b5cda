/*
 * Acceptance filters of the CanController port (modules/can/controller.ts,
 * CanFilter) translated into bxCAN filter-bank words (RM0008 24.7.4, figure
 * 229 "filter bank scale configuration"). Pure: no registers.
 *
 * Layouts used:
 *   32-bit word: STID[10:0] at 31:21 or EXID[28:0] at 31:3, IDE at 2, RTR at 1.
 *   16-bit word: STID[10:0] at 15:5, RTR at 4, IDE at 3, EXID[17:15] at 2:0.
 * Mapping. Every bank is 32-bit scale, so that bxCAN's priority among
 * overlapping filters (RM0008 24.7.4: 32-bit before 16-bit, then list before
 * mask, then the lower bank) reduces to "list before mask, then lower bank",
 * the rule modules/can/filterBanks.ts models. A list bank compares every bit,
 * RTR included, so a list that accepts data and remote frames holds each id
 * twice:
 *   mask (standard or extended) -> 1 bank, 32-bit mask; IDE always compared,
 *                                  RTR compared only when filter.rtr is given
 *   list, rtr given             -> 32-bit list, 2 ids per bank (the last id
 *                                  repeated into an unused entry): 1..2 banks
 *   list, rtr free              -> 32-bit list {id data, id remote}: 1 id per
 *                                  bank, 1..4 banks
 * So one filter takes one to four consecutive banks; the controller reports
 * the first as the filter's bank number.
 */
#ifndef MN_CAN_FILTER_H
#define MN_CAN_FILTER_H

#include <stdint.h>
#include "../drivers/bxcan.h"

#define MN_CAN_FILTER_MASK 0
#define MN_CAN_FILTER_LIST 1
#define MN_CAN_RTR_ANY 2 /* filter.rtr not given */

typedef struct {
  uint8_t mode;     /* MN_CAN_FILTER_MASK or MN_CAN_FILTER_LIST */
  uint8_t extended; /* 0/1 */
  uint8_t rtr;      /* 0 data only, 1 remote only, MN_CAN_RTR_ANY */
  uint8_t fifo;     /* 0/1 */
  uint32_t id, mask;   /* mask mode */
  uint8_t idCount;     /* list mode: 1..4 standard, 1..2 extended */
  uint32_t ids[4];
} mn_can_filter_t;

#define MN_CAN_FILTER_MAX_BANKS 4

/* Encodes f into out[0..n-1]; returns n (1..4) or MN_EINVAL (-22) for a bad
 * mode, fifo, rtr, id count or an id / mask out of range for its format. */
int mn_can_filter_encode(const mn_can_filter_t *f, bxcan_bank_cfg_t out[MN_CAN_FILTER_MAX_BANKS]);

/* 1 if a frame with this id/flags passes bank `b` as the hardware compares it
 * (both entries of a dual or list bank), else 0. Used by tests and the fake. */
int mn_can_bank_accepts(const bxcan_bank_cfg_t *b, uint32_t id, uint8_t flags);

#endif
