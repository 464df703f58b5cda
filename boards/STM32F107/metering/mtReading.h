/*
 * One window's readings from the kernel's sums (meterKernel.h mk_window_t), in V, A,
 * W, var, VA, Hz: moved from modules/metering/windowReading.ts.
 *
 * Definitions (IEEE 1459-2010 for power, IEC 61000-4-30 / 4-7 for the rest), each
 * evaluated over exactly the window's whole cycles c0..cE (refined crossings):
 *   Xrms = sqrt(mean (x - x0)^2)             IEEE 1459 2.1.1 (dc included)
 *   P    = mean (v - v0)(i - i0)             IEEE 1459 3.1.2.3
 *   S    = Vrms Irms                          IEEE 1459 3.2.2.4 (single phase)
 *   N    = sqrt(S^2 - P^2)                    IEEE 1459 3.2.2.6, non-active power
 *   PF   = P / S                              IEEE 1459 3.2.2.10
 *   Q1   = V1 I1 sin(theta1)                  IEEE 1459 3.2.2.1, fundamental reactive
 *   f    = fs / least-squares slope of the crossings against their cycle number
 *   THD  = sqrt(sum_{n=2..40} G_n^2) / G_1    IEC 61000-4-7 3.3.1 (THDG with groups)
 * where x0 is the channel's calibrated zero code (mtCalibration.h).
 */
#ifndef MT_READING_H
#define MT_READING_H

#include <stdint.h>

#include "../kernel/meterKernel.h"
#include "mtCalibration.h"

/* What a window reading and an aggregate of windows (mtAggregate.h) both give. */
typedef struct {
  double fHz, vRmsV, iRmsA, pW;
  double qVar; /* fundamental reactive power, positive when the current lags */
  double sVA, nVA, pf, thdVPct, thdIPct;
  /* harmonic group rms 0..50 (0 = dc), V and A; 0 above the orders measured */
  float hV[MK_GROUPS], hI[MK_GROUPS];
} mt_quantities_t;

typedef struct {
  mt_quantities_t q;
  double startS;   /* window start (crossing c0), s on the chain's time base */
  double spanS;    /* window duration, s */
  uint16_t flags;  /* MK_FLAG_* of the kernel, and MT_FLAG_BELOW_RANGE_* */
  uint8_t cycles;
  uint8_t harmonicMaxOrder;
} mt_reading_t;

/*
 * Measuring range (what host/analyze/measuringRange.ts states for a record of ADC
 * codes): full scale is the smaller distance of the calibrated zero to code 0 or 4095,
 * as the rms of a sine at that peak; below MT_RANGE_LOW_FRACTION of it a 12-bit code
 * carries a few LSB of signal (0.05 A of the 30 A front end read +3.5 %, PF off by
 * 0.03), so the window is flagged. Above the range the ADC clips: MK_FLAG_CLIP_V / _I.
 * These bits are free in the kernel's MK_FLAG_* (0x0001..0x0400) and travel with them
 * (modules/can MEAS_QUALITY, modules/web/qualityFlags.ts).
 */
#define MT_RANGE_LOW_FRACTION 0.01
#define MT_FLAG_BELOW_RANGE_V 0x0800 /* voltage rms below 1 % of the full-scale rms */
#define MT_FLAG_BELOW_RANGE_I 0x1000 /* current rms below 1 % of the full-scale rms */
/* The IEC 61000-4-30 flag (mtChain.h: an event during the window) in the same word, set
 * by whoever hands the flags on (the MeterADC 'reading', CAN Q_Flags), never by mt_window_reading. */
#define MT_FLAG_IEC 0x2000           /* IEC 61000-4-30 flag: a dip, swell or interruption during the window */

/*
 * A window's sample positions as doubles, in samples of a uniform grid at
 * sampleRateHz since the kernel started (mtRetune.c rewrites them when the rate was
 * retuned inside the window): what the readings and the Urms(1/2) times use.
 */
typedef struct {
  double sampleRateHz;
  double startSample;
  double crossing[MK_CROSSINGS_MAX]; /* relative to startSample */
  double urmsEnd[MK_URMS_MAX];       /* relative to startSample */
} mt_positions_t;

/* The kernel's positions (Q16 crossings, integer ends) at the window's mean rate. */
void mt_positions_from_window(mt_positions_t *p, const mk_window_t *w, double sampleRateHz);

/* Readings of w (its positions p) under calibration cal. */
void mt_window_reading(mt_reading_t *r, const mk_window_t *w, const mt_positions_t *p, const mt_calibration_t *cal);

/* Urms(1/2) value k of w, V (calibrated, the ADC noise power removed). */
double mt_urms_half_v(const mk_window_t *w, unsigned k, const mt_calibration_t *cal);

/* THD in % of the fundamental group, groups 2..min(40, maxOrder). */
double mt_thd_pct(const float *h, unsigned maxOrder);

/* Least-squares slope of c[k] against k, k = 0..count-1. */
double mt_period_samples(const double *c, unsigned count);

#endif
