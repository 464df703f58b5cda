/*
 * Calibration of the meter's two analog channels, applied once per window by
 * mtReading.c (moved from modules/metering/calibration.ts, which keeps the factory
 * fits: fitGainOffset, fitPhaseRad).
 *
 * Channel model (transducer + 12-bit ADC): x = unitPerLsb * (code - zeroLsb), x in V
 * or A; unitPerLsb may be negative (the reference transducer inverts). noiseLsb2 is
 * the mean square of the code about zeroLsb at zero input (ADC noise + quantisation):
 * an additive bias of every mean square, subtracted from rms^2. frontEndHz is the -3 dB
 * frequency of a first-order low-pass in the front end (0 = none), undone per harmonic
 * group. phaseRad advances the current relative to the voltage at the fundamental.
 *
 * Arithmetic: IEEE binary64 throughout (soft double on the Cortex-M3, which has no
 * FPU). Chosen deliberately over fixed point: the same operations in the same order
 * as the TypeScript they replace give the same bits on the host (the accuracy bench
 * stays bit-identical), and the per-window cost is small next to the kernel's FFTs
 * (about 1 000 double operations per window; README.md gives the measured figure).
 */
#ifndef MT_CALIBRATION_H
#define MT_CALIBRATION_H

typedef struct {
  double unitPerLsb; /* V or A per ADC code (negative: inverting transducer) */
  double zeroLsb;    /* code of 0 V / 0 A */
  double noiseLsb2;  /* mean square of the code about zeroLsb at zero input */
} mt_channel_cal_t;

typedef struct {
  mt_channel_cal_t v, i;
  double phaseRad;   /* current channel's lag to undo at the fundamental */
  double frontEndHz; /* first-order front-end pole, Hz; 0 = none */
} mt_calibration_t;

/* 1/|H(f)| of the first-order front end (1 when frontEndHz is not positive). */
double mt_front_end_gain_fix(double fHz, double frontEndHz);

#endif
