/*
 * Sampling-rate retuning: keeps the ADC grid locked to the mains (a whole number of
 * pairs per measured cycle: 256 on 50 Hz mains, 213 on 60 Hz) and accounts for the
 * rate steps in the windows, so the chain's time base and frequency stay exact. Moved
 * from modules/metering/sampleRetune.ts; the arithmetic and its reasons are unchanged:
 *
 * Rate asked for, from a released window's frequency f (Hz):
 *   f' = min(max(f, 0.85 fN), 1.15 fN)     IEC 61000-4-30 class A range
 *   rate = P f'                             P = round(start rate / fN) pairs per cycle
 *   wanted = TICK_HZ / rate                 timer ticks per pair, not rounded
 * asked for only when |wanted - ticks now| >= 1 (the device makes whole ticks: a
 * frequency between two tick values does not toggle them), never on a flagged window
 * (IEC 61000-4-30 flag) nor on one the kernel marks unreliable (synthetic crossing,
 * first, frequency range, clipped voltage, fast frequency change, cycle), and one
 * request at a time: the next waits until the windows show the previous one took
 * effect.
 *
 * Regrid: the device applies a new period from a DMA half-buffer boundary, usually
 * inside a window, and tells the step as it happened (mt_rate_step_t, from the sampler's
 * rate history: adc/meterAdc.h mn_adc_window_info_t) with the window's mean rate.
 * Positions in such a window are on two grids; mt_retune_regrid rewrites startSample,
 * the crossings and the Urms(1/2) ends as times x the window's mean rate, i.e. in pairs
 * of a uniform grid at that rate: the first m intervals used T1 ticks, the rest T2.
 * Without a step told (windows not from the sampler: analyze, benches) the window is
 * taken at the rate last seen. Without any retune it changes nothing.
 */
#ifndef MT_RETUNE_H
#define MT_RETUNE_H

#include <stdint.h>

#include "mtReading.h"

/* The trigger timer's clock on the meter board (TIM3, 72 MHz). */
#define MT_TICK_HZ 72000000.0
/* Kernel flags that make a window's frequency unfit to retune on (0x15d). */
#define MT_UNRELIABLE \
  (MK_FLAG_CLIP_V | MK_FLAG_SYNTHETIC | MK_FLAG_FIRST | MK_FLAG_FREQ_RANGE | MK_FLAG_SYNC | MK_FLAG_CYCLE)

/* A window's rate step as the sampler made it: the first stepPair intervals at
 * ticksBefore timer ticks per pair, the rest at ticksAfter (equal: no step). */
typedef struct {
  uint32_t ticksBefore, ticksAfter, stepPair;
} mt_rate_step_t;

typedef struct {
  double ticks;     /* ticks per pair, as the windows show it */
  double next;      /* ticks requested and not yet seen in a window (0: none) */
  double endTicks;  /* timer ticks from start to the end of the last window */
  double endSample; /* the kernel's pair count there */
  double perCycle, lo, hi;
} mt_retune_t;

void mt_retune_init(mt_retune_t *t, double startRateHz, double nominalHz);

/* The rate to ask for after a released window (Hz), or 0 for none. */
double mt_retune_want(const mt_retune_t *t, double fHz, uint16_t kernelFlags, int flagged);

/* What the port answered to the request (achieved Hz, or a negative code). */
void mt_retune_answer(mt_retune_t *t, double gotHz);

/* Rewrites p (a window of sampleCount pairs) as times x p->sampleRateHz since start;
 * step: the window's rate step from the sampler, or 0 (none told). */
void mt_retune_regrid(mt_retune_t *t, mt_positions_t *p, uint32_t sampleCount, unsigned crossings, unsigned urmsCount, const mt_rate_step_t *step);

#endif
