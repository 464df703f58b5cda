/* Test-only helpers: a synthetic V/I source (phasor recurrences, so it is cheap on
 * a soft-float Cortex-M3) and a plain double version of the per-window maths, to check
 * the kernel's sums (the meter's own is metering/mtReading.c). */
#ifndef TEST_SIGNAL_H
#define TEST_SIGNAL_H
#include <stdint.h>
#include "../meterKernel.h"

#define SIG_MAX_COMP 8

typedef struct {
  int channel;      /* 0 = V, 1 = I */
  int order;        /* harmonic order of the fundamental (may be 0 < order) */
  double ampLsb;    /* peak, LSB */
  double phaseRad;
} sig_comp_t;

typedef struct {
  double fs, f;
  double vMid, iMid;
  double noiseLsb;  /* rms, both channels */
  int comps;
  sig_comp_t comp[SIG_MAX_COMP];
  /* state */
  double c[SIG_MAX_COMP], s[SIG_MAX_COMP], cd[SIG_MAX_COMP], sd[SIG_MAX_COMP];
  double gainV;     /* multiplies all V components (dips) */
  uint64_t n;
  uint32_t rng;
} sig_t;

void sig_init(sig_t *g, double fs, double f, double vMid, double iMid, double noiseLsb);
void sig_add(sig_t *g, int channel, int order, double ampLsb, double phaseRad);
/* Writes count interleaved {v, i} pairs (rounded, clamped to 0..4095). */
void sig_gen(sig_t *g, uint16_t *vi, uint32_t count);

/* Mean over whole cycles with the fractional end correction of kernelWindow.ts. */
double win_span(const mk_window_t *w);
double win_corrected(const mk_window_t *w, double sum, const double e[4]);
/* kind: 0 v, 1 i, 2 v*v, 3 i*i, 4 v*i */
double win_mean(const mk_window_t *w, int kind);
double win_rms_v(const mk_window_t *w);
double win_rms_i(const mk_window_t *w);
double win_p(const mk_window_t *w);
double win_period(const mk_window_t *w); /* least-squares slope of the crossings, samples */
#endif
