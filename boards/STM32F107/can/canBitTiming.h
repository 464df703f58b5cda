/*
 * bxCAN bit timing from the peripheral clock (APB1, 36 MHz on the meter).
 *
 * RM0008 24.7.7: a bit is 1 + BS1 + BS2 time quanta (SYNC_SEG is one tq),
 *   tq = (BRP[9:0] + 1) * tPCLK,  tBS1 = (TS1[3:0] + 1) * tq,  tBS2 = (TS2[2:0] + 1) * tq,
 * so bitrate = PCLK / ((BRP+1) * (3 + TS1 + TS2)) and the sample point, at the
 * end of BS1, is (1 + tBS1) / (1 + tBS1 + tBS2) of the bit. BS1 is 1..16 tq,
 * BS2 1..8 tq, BRP+1 1..1024.
 *
 * Search: every bit length of 8..25 tq (CiA 601-1 recommends at least 8; 25 is
 * the hardware maximum) whose prescaler is an integer, BS1/BS2 split for the
 * sample point nearest the target (87.5 %, CiA 301 for up to 800 kbit/s), then
 * the candidate with (1) the smallest bit-rate error, (2) the smallest sample
 * point error, (3) the most quanta (finer resynchronisation). SJW = min(BS2, 4).
 */
#ifndef MN_CAN_BIT_TIMING_H
#define MN_CAN_BIT_TIMING_H

#include <stdint.h>

typedef struct {
  uint32_t brp;             /* prescaler 1..1024 (BTR holds brp-1) */
  uint8_t tqPerBit;         /* 1 + bs1 + bs2 */
  uint8_t bs1, bs2, sjw;    /* in tq */
  uint32_t bitrateHz;       /* achieved: pclk / (brp * tqPerBit), rounded */
  int32_t errorPpm;         /* (achieved - requested) / requested * 1e6 */
  uint16_t samplePointPermille; /* (1 + bs1) * 1000 / tqPerBit, rounded */
  uint32_t btr;             /* BTR value (BRP, TS1, TS2, SJW fields) */
} mn_can_timing_t;

/* Fills *out for `bitrateHz` from `pclkHz`, aiming at `samplePointPermille`
 * (875 for 87.5 %). Returns 0, or MN_EINVAL (-22) when an argument is zero or
 * out of range (bit rate above CAN 2.0's 1 Mbit/s, sample point outside 50..95 %), or when no setting comes within maxErrorPpm of the rate. */
int mn_can_timing_compute(uint32_t pclkHz, uint32_t bitrateHz, uint16_t samplePointPermille, uint32_t maxErrorPpm,
                          mn_can_timing_t *out);

/* RM0008's formula applied to a BTR value: the bit rate (Hz, rounded) and the
 * sample point (permille, rounded) it gives at pclkHz. For checking. */
void mn_can_timing_from_btr(uint32_t pclkHz, uint32_t btr, uint32_t *bitrateHz, uint16_t *samplePointPermille);

#endif
