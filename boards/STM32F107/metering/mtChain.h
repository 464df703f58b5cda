/*
 * The meter's per-window chain, once per kernel window in C: kernel window ->
 * readings (mtReading.h) -> Urms(1/2) voltage events (mtVoltageEvents.h) -> IEC flag
 * -> 150/180-cycle and 10-minute aggregates (mtAggregate.h), energy registers
 * (mtEnergy.h), load profile (mtProfile.h) and sampling-rate retuning (mtRetune.h).
 * Moved from modules/metering/meterChain.ts; the device binding
 * (jswrap_meteradc.c), the Node addon (host/native) and the tests run this code.
 *
 * Time base: seconds since sampling started (the kernel's sample count / rate);
 * utcAtStartS maps it to UTC for the clock-aligned 10-minute aggregates and the
 * 15-minute profile.
 *
 * Flagging needs one window of delay: a dip is detected 0.25..1 cycle after it
 * starts, possibly in the next window, so each reading is held until the next
 * window's Urms(1/2) values are in, and flagged when an event opened then may have
 * begun inside it (the first value's one-cycle span reaches back into it). IEC
 * 61000-4-30 4.7: a window is flagged when a dip, swell or interruption occurs during
 * it. The sink's window callback therefore sees each reading one window late.
 *
 * Memory: sizeof(mt_chain_t), about 5.5 KB (the profile ring 3.4 KB, two aggregators
 * 1.7 KB); no allocation.
 */
#ifndef MT_CHAIN_H
#define MT_CHAIN_H

#include <stdint.h>

#include "mtAggregate.h"
#include "mtCalibration.h"
#include "mtEnergy.h"
#include "mtProfile.h"
#include "mtReading.h"
#include "mtRetune.h"
#include "mtVoltageEvents.h"

/* Windows per 150/180-cycle aggregate (IEC 61000-4-30 clause 4): 15 of 10 or 12 cycles. */
#define MT_SHORT_WINDOWS 15
#define MT_TEN_MIN_S 600

#define MT_OK 0
#define MT_E_DECLARED (-1) /* declaredV not a positive number */
#define MT_E_RATE (-2)     /* startRateHz not positive */
#define MT_E_NOMINAL (-3)  /* nominalHz not 50 or 60 */

typedef struct {
  mt_calibration_t cal;
  double declaredV;   /* declared supply voltage Udin, V (dip/swell thresholds) */
  double utcAtStartS; /* UTC when sampling started, s */
  double startRateHz; /* the rate sampling starts at (retune's pairs per cycle) */
  uint8_t nominalHz;  /* 50 or 60 */
  uint8_t regrid;     /* rewrite positions for rate steps (a retuned device or host ADC) */
  uint8_t retune;     /* ask for rates (mt_chain_process returns them) */
} mt_chain_config_t;

/* Where the results go; any callback may be 0. Called from inside mt_chain_*. */
typedef struct {
  void *ctx;
  void (*window)(void *ctx, const mt_reading_t *r, int flagged);
  void (*event)(void *ctx, const mt_event_t *e);
  void (*aggregate)(void *ctx, const mt_aggregate_t *a);
} mt_sink_t;

typedef struct {
  mt_chain_config_t cfg;
  mt_energy_t energy;
  mt_profile_t profile;
  mt_events_t events;
  mt_retune_t retune;
  mt_aggregator_t shortAgg, longAgg;
  mt_reading_t pending;
  uint8_t hasPending, pendingFlag, longComplete;
  double longSlot;  /* 10-minute slot being aggregated, -1 before the first */
  double periodS;   /* cycle length of the last complete window, s */
  double lastEndS;
  uint32_t windows; /* complete windows processed */
  uint32_t dropped; /* windows the kernel dropped before them */
} mt_chain_t;

/* Validates cfg and starts an empty chain (energy registers zero). MT_OK or MT_E_*. */
int mt_chain_init(mt_chain_t *c, const mt_chain_config_t *cfg);

/* A sentence for an mt_chain_init error code. */
const char *mt_chain_error_text(int code);

/*
 * One complete kernel window, its samples' mean rate sampleRateHz and the rate step
 * inside it as the sampler made it (0 when the window does not come from the sampler).
 * Results reach the sink. Returns the sampling rate to ask for (Hz) when retuning is on
 * and due, else 0; the caller asks the ADC and hands its answer to mt_chain_rate_answer.
 */
double mt_chain_process(mt_chain_t *c, const mk_window_t *w, double sampleRateHz, const mt_rate_step_t *step, const mt_sink_t *sink);

/* The ADC's answer to the rate mt_chain_process asked for (Hz, or a negative code). */
void mt_chain_rate_answer(mt_chain_t *c, double gotHz);

/*
 * End of data: the kernel's partial window (mk_flush, MK_FLAG_PARTIAL; 0 if none)
 * adds its Urms(1/2) values, so a dip in the last cycles is seen; then the held window
 * is released, an open event closed at the last value, the partial 10 minutes emitted.
 */
void mt_chain_finish(mt_chain_t *c, const mk_window_t *tail, double sampleRateHz, const mt_rate_step_t *step, const mt_sink_t *sink);

#endif
