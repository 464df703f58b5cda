/*
 * Aggregation of window readings over 150/180 cycles and 10 minutes (IEC 61000-4-30
 * clause 4: aggregation over time intervals, flagging concept): moved from
 * modules/metering/aggregate.ts.
 *   rms quantities (V, I, harmonic groups): square root of the mean of the squared
 *     window values, each window weighted by its duration (equal weights for equal
 *     windows, as IEC; duration weights keep the result the rms over the interval);
 *   P, Q1: mean weighted by duration (energy / time);
 *   f: whole cycles counted / their duration (IEC 61000-4-30 5.1);
 *   S = Vrms Irms, N = sqrt(S^2 - P^2), PF = P / S over the interval; THD from the
 *     aggregated groups.
 * An aggregate is flagged when any window in it is flagged.
 */
#ifndef MT_AGGREGATE_H
#define MT_AGGREGATE_H

#include <stdint.h>

#include "mtReading.h"

typedef enum { MT_AGG_150_CYCLE = 0, MT_AGG_10_MIN = 1 } mt_interval_t;

typedef struct {
  mt_quantities_t q;
  uint8_t interval; /* mt_interval_t */
  uint8_t complete; /* 10 min: covered from its boundary on (not the first, partial one) */
  uint8_t flagged;
  uint16_t windows;
  double startS;    /* first window's start (or the 10-minute boundary), chain time, s */
  double spanS;     /* sum of the window durations, s */
} mt_aggregate_t;

typedef struct {
  uint8_t interval;
  uint8_t maxOrder, flagged;
  uint16_t windows;
  double startS, spanS, cycles, v2, i2, p, q;
  double hV2[MK_GROUPS], hI2[MK_GROUPS];
} mt_aggregator_t;

void mt_aggregator_init(mt_aggregator_t *a, mt_interval_t interval);
void mt_aggregator_reset(mt_aggregator_t *a);
void mt_aggregator_add(mt_aggregator_t *a, const mt_reading_t *r, int flagged);
/* The same window into n aggregators at once (its weighted squares computed once). */
void mt_aggregators_add(mt_aggregator_t *const *aggs, unsigned n, const mt_reading_t *r, int flagged);
void mt_aggregator_result(const mt_aggregator_t *a, int complete, mt_aggregate_t *out);

#endif
