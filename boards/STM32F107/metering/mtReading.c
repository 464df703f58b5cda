/*
 * Window readings; see mtReading.h. Each expression keeps the operation order of the
 * TypeScript it replaces (windowReading.ts), so the host gives the same bits.
 */
#include "mtReading.h"

#include <math.h>

#include "mtSqrt.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/*
 * sin x and cos x for the two angles of a reading (2 pi / period: hundredths of a
 * radian; the phase calibration: a few degrees), without libm's sin and cos, whose
 * reduction of any double (the 1 200-digit 2/pi table and its arithmetic) is 4.9 KB of
 * the meter image. Reduction by the nearest multiple of pi/2, which is subtracted in three
 * parts (pi/2 = P1 + P2 + P3: P1 and P2 carry 33 bits each, so k P1 and k P2 are exact
 * for |k| < 2^20), then the Taylor series to x^17 on |r| <= pi/4 (the first term left
 * out is below 1e-16 relative). |x| >= 2^20 (no angle of a meter) gives NaN.
 */
#define MT_PIO2_1 0x1.921fb544p+0
#define MT_PIO2_2 0x1.0b4611a6p-34
#define MT_PIO2_3 0x1.3198a2e037073p-69
static void sin_cos(double x, double *sinX, double *cosX) {
  if (!(fabs(x) < 0x1p20)) {
    *sinX = *cosX = NAN;
    return;
  }
  const double k = floor(x * (2 / M_PI) + 0.5);
  const double r = ((x - k * MT_PIO2_1) - k * MT_PIO2_2) - k * MT_PIO2_3;
  const double r2 = r * r;
  const double sr = r + r * r2 * (-1.0 / 6 + r2 * (1.0 / 120 + r2 * (-1.0 / 5040 + r2 * (1.0 / 362880 + r2 * (-1.0 / 39916800 +
                    r2 * (1.0 / 6227020800.0 + r2 * (-1.0 / 1307674368000.0 + r2 * (1.0 / 355687428096000.0))))))));
  const double cr = 1 + r2 * (-1.0 / 2 + r2 * (1.0 / 24 + r2 * (-1.0 / 720 + r2 * (1.0 / 40320 + r2 * (-1.0 / 3628800 +
                    r2 * (1.0 / 479001600 + r2 * (-1.0 / 87178291200.0 + r2 * (1.0 / 20922789888000.0))))))));
  switch ((int32_t)k & 3) {
    case 0: *sinX = sr; *cosX = cr; break;
    case 1: *sinX = cr; *cosX = -sr; break;
    case 2: *sinX = -sr; *cosX = -cr; break;
    default: *sinX = -cr; *cosX = sr; break;
  }
}

/* The kernel's values as the window object carried them (float32 where it did). */
static float group_lsb(uint32_t q16) { return (float)(q16 / 65536.0); }
static float urms_lsb(uint32_t msQ8) { return (float)mt_sqrt(msQ8 / 256.0); }

void mt_positions_from_window(mt_positions_t *p, const mk_window_t *w, double sampleRateHz) {
  p->sampleRateHz = sampleRateHz;
  p->startSample = (double)w->startSample;
  unsigned nc = w->crossingCount <= MK_CROSSINGS_MAX ? w->crossingCount : MK_CROSSINGS_MAX;
  unsigned nu = w->urmsCount <= MK_URMS_MAX ? w->urmsCount : MK_URMS_MAX;
  for (unsigned k = 0; k < nc; k++) p->crossing[k] = w->crossingQ16[k] / 65536.0;
  for (unsigned k = 0; k < nu; k++) p->urmsEnd[k] = w->urmsEndSample[k];
}

/*
 * Integral of a per-sample quantity over the whole cycles c0..cE, in sample units:
 * the N samples, as a midpoint rule, integrate -0.5..N-0.5; the two differ by
 * (span - N) samples of signal taken around the seam, whose value the mean of the
 * edge samples stands for (exact for a trigonometric polynomial over whole periods;
 * 3e-7 relative worst case measured on phase-shifted sinusoids at 12.8 kHz).
 */
static double whole_cycle_sum(double sum, double first, double last, double span, double n) {
  return sum + (span - n) * 0.5 * (first + last);
}

double mt_period_samples(const double *c, unsigned count) {
  double km = (count - 1) / 2.0;
  double cm = 0;
  for (unsigned k = 0; k < count; k++) cm += c[k];
  cm /= count;
  double num = 0, den = 0;
  for (unsigned k = 0; k < count; k++) {
    num += (k - km) * (c[k] - cm);
    den += (k - km) * (k - km);
  }
  return num / den;
}

double mt_thd_pct(const float *h, unsigned maxOrder) {
  unsigned top = maxOrder < 40 ? maxOrder : 40;
  double s = 0;
  for (unsigned n = 2; n <= top; n++) s += (double)h[n] * h[n];
  return h[1] > 0 ? (100 * mt_sqrt(s)) / h[1] : 0;
}

double mt_urms_half_v(const mk_window_t *w, unsigned k, const mt_calibration_t *cal) {
  double g = fabs(cal->v.unitPerLsb);
  double u = urms_lsb(w->urmsMsQ8[k]);
  double ms = u * u - cal->v.noiseLsb2;
  return g * mt_sqrt(ms > 0 ? ms : 0);
}

/* Full scale of a channel, LSB rms: the smaller distance of its zero code to 0 or 4095, over sqrt(2). */
static double full_scale_lsb(double zeroLsb) {
  const double peak = zeroLsb < 4095 - zeroLsb ? zeroLsb : 4095 - zeroLsb;
  return peak * 0.70710678118654752440;
}

void mt_window_reading(mt_reading_t *r, const mk_window_t *w, const mt_positions_t *p, const mt_calibration_t *cal) {
  const double fs = p->sampleRateHz;
  const double n = w->sampleCount;
  const double *c = p->crossing;
  const double c0 = c[0];
  const double cE = c[w->cycles];
  const double span = cE - c0;
  const double fv = w->edgeV[0], fi = w->edgeI[0], lv = w->edgeV[3], li = w->edgeI[3];
  const double mV = whole_cycle_sum(w->sumV, fv, lv, span, n) / span;
  const double mI = whole_cycle_sum(w->sumI, fi, li, span, n) / span;
  const double zV = cal->v.zeroLsb, zI = cal->i.zeroLsb;
  /* mean squares about the calibrated zero: mean (v - z)^2 = mean v^2 - 2 z mean v + z^2 */
  double msV = whole_cycle_sum((double)w->sumVV, fv * fv, lv * lv, span, n) / span - 2 * zV * mV + zV * zV;
  double msI = whole_cycle_sum((double)w->sumII, fi * fi, li * li, span, n) / span - 2 * zI * mI + zI * zI;
  const double p0 = whole_cycle_sum((double)w->sumVI, fv * fi, lv * li, span, n) / span - zI * mV - zV * mI + zV * zI;

  const double periodS = mt_period_samples(c, (unsigned)w->cycles + 1);
  const double fHz = fs / periodS;
  /* Fundamental reactive power from the one-sample-lagged products: for v = V sin(wn),
   * i = I sin(wn - theta), mean(v[n-1] i[n] - v[n] i[n-1]) = V I sin(theta) sin(w). */
  const double wRad = (2 * M_PI) / periodS;
  double sinW, cosW, sph, cph;
  sin_cos(wRad, &sinW, &cosW);
  const double q0 = ((double)w->sumVpI - (double)w->sumVIp) / (2 * n * sinW);
  /* phase compensation: advance the current by phaseRad (S' = S e^{-j phi}) */
  sin_cos(cal->phaseRad, &sph, &cph);
  double pLsb2 = cph * p0 + sph * q0;
  const double qLsb2 = cph * q0 - sph * p0;

  /* Front-end low-pass: undo |H| per harmonic group; rms^2 gains sum G_n^2 (|H|^-2 - 1),
   * P (fundamental-dominated) gains the fundamental's |H|^-2. */
  const double gv = cal->v.unitPerLsb, gi = cal->i.unitPerLsb;
  const double av = gv < 0 ? -gv : gv, ai = gi < 0 ? -gi : gi;
  const unsigned maxOrder = w->harmonicMaxOrder < 50 ? w->harmonicMaxOrder : 50;
  mt_quantities_t *q = &r->q;
  for (unsigned h = 0; h < MK_GROUPS; h++) q->hV[h] = q->hI[h] = 0;
  for (unsigned h = 1; h <= maxOrder; h++) {
    const double fix = mt_front_end_gain_fix(h * fHz, cal->frontEndHz);
    const double gV = group_lsb(w->hVQ16[h]), gI = group_lsb(w->hIQ16[h]);
    msV += gV * gV * (fix * fix - 1);
    msI += gI * gI * (fix * fix - 1);
    q->hV[h] = (float)(av * gV * fix);
    q->hI[h] = (float)(ai * gI * fix);
  }
  const double fix1 = mt_front_end_gain_fix(fHz, cal->frontEndHz);
  pLsb2 *= fix1 * fix1;
  q->hV[0] = (float)(av * fabs(mV - zV));
  q->hI[0] = (float)(ai * fabs(mI - zI));

  msV -= cal->v.noiseLsb2;
  msI -= cal->i.noiseLsb2;
  q->vRmsV = av * mt_sqrt(msV > 0 ? msV : 0);
  q->iRmsA = ai * mt_sqrt(msI > 0 ? msI : 0);
  q->pW = gv * gi * pLsb2;
  q->sVA = q->vRmsV * q->iRmsA;
  const double n2 = q->sVA * q->sVA - q->pW * q->pW;
  q->fHz = fHz;
  q->qVar = gv * gi * qLsb2 * fix1 * fix1;
  q->nVA = mt_sqrt(n2 > 0 ? n2 : 0);
  q->pf = q->sVA > 0 ? q->pW / q->sVA : 0;
  q->thdVPct = mt_thd_pct(q->hV, maxOrder);
  q->thdIPct = mt_thd_pct(q->hI, maxOrder);
  r->startS = (p->startSample + c0) / fs;
  r->spanS = span / fs;
  r->flags = w->flags;
  if (q->vRmsV < MT_RANGE_LOW_FRACTION * av * full_scale_lsb(zV)) r->flags |= MT_FLAG_BELOW_RANGE_V;
  if (q->iRmsA < MT_RANGE_LOW_FRACTION * ai * full_scale_lsb(zI)) r->flags |= MT_FLAG_BELOW_RANGE_I;
  r->cycles = w->cycles;
  r->harmonicMaxOrder = (uint8_t)maxOrder;
}
