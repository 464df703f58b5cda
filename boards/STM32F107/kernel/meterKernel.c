/*
 * meterKernel: see meterKernel.h for the contract and README.md for the choices
 * (sampling rate, resampling, fixed-point FFT) and their measured cost.
 *
 * Two pointers walk the sample stream. Detection runs on the newest sample (head):
 * it finds voltage zero crossings and refines each rising one once the K samples
 * after it have arrived. Accumulation runs k->delay samples behind (tail), so every
 * crossing, including a synthetic one placed at the predicted period when the
 * voltage is gone, is known before the tail reaches it: window boundaries and
 * half-cycle boundaries then fall on exact samples without look-back.
 */
#include "meterKernel.h"
#include "meterKernelTables.h"
#include "harmonicFft.h"

#include <string.h>

/* Pairs written to the ring before the accumulation catches up: small, so the
 * ring stays small (delay + MK_RUN + the interpolator's 11 <= MK_RING). */
#define MK_RUN 28u

/* Samples between head (detection) and tail (accumulation), at least. A crossing is
 * known K + (lpM - 1)/2 samples after it happened (fit look-ahead plus the moving
 * average's delay), a missing one only after the margin past its predicted time (a
 * fifth of a nominal cycle) plus that delay: both must come before the tail reaches
 * it, so the delay is a time (about 0.3 of a nominal cycle, see plan()); this is its
 * floor (the value every rate up to 12.8 kHz used before issue 13, so windows at the
 * device's rate are bit-identical). */
#define MK_DELAY 88u
/* hot loops stay in their own functions so that each gets the registers */
#define MK_NOINLINE __attribute__((noinline))
/* Keeps an accumulator's running value: gcc otherwise reassociates s += a*b;
 * s += c*d into s += (a*b + c*d), a multiply, a multiply-accumulate and an add
 * instead of two multiply-accumulates (an empty asm, no instruction). */
#if defined(__GNUC__)
#define MK_KEEP(x) __asm__("" : "+r"(x))
#define MK_UNLIKELY(c) __builtin_expect((c), 0)
#else
#define MK_KEEP(x) ((void)0)
#define MK_UNLIKELY(c) (c)
#endif
#define MK_RING_MASK (MK_RING - 1u)
/* A ring word holds a pair as v | i << 16 (codes 0..4095, nothing else: the
 * resampler multiplies whole words); clipped samples are marked in clipMap. */
#define MK_CODE_MASK 0xFFFFu
#if MK_DELAY + MK_RUN + 11u > MK_RING
#error "ring too small for the delay and the run"
#endif
#if MK_RUN * 16769025u > 4294967295u
#error "a run's sums of squares (4095^2 = 16769025 each) must fit 32 bits"
#endif
#if MK_RING_MIRROR + 1 != MK_INTERP_TAPS || MK_RING % 32 != 0 || (MK_RING & (MK_RING - 1)) != 0
#error "ring mirror must hold the interpolator's taps - 1; MK_RING a power of two"
#endif

#define MK_EV_RISE 1u
#define MK_EV_FALL 2u
#define MK_EV_SYNTH 4u
#define MK_EV_PERIOD 8u /* a rising crossing that ended a measured period (tPredQ16 set from it) */

#define EXPECT_SEEK 0u
#define EXPECT_FALL 1u
#define EXPECT_RISE 2u

/* Interpolator passband (fraction of fs) inside which its error is below 7e-4
 * (gen/genTables.ts prints the figures). */
#define MK_PASS_NUM 3u
#define MK_PASS_DEN 10u

const char *mk_error_text(int code) {
  switch (code) {
    case MK_OK: return "ok";
    case MK_E_RATE: return "sampleRateHz must be 1000..102400";
    case MK_E_RING:
      return "sampleRateHz too high for this build's sample ring: MK_RING=128 (the meter) takes up to 14875 Hz "
             "(50 Hz) or 17850 Hz (60 Hz), MK_RING=1024 (the Node addon) 102400 Hz";
    case MK_E_NOMINAL: return "nominalHz must be 50 or 60";
    case MK_E_CYCLES: return "cycles must be 0, 10 or 12 (12 needs a build with MK_FFT_N_MAX=2048)";
    case MK_E_FIT: return "fitHalfWidth must be 0..16";
    default: return "unknown kernel error";
  }
}

/* The crossing detector's dimensions at a rate, all fractions of a nominal cycle so
 * that detection behaves the same at every rate (issue 13: with the moving average
 * capped at 48 samples and the margin at what a fixed 88-sample delay allowed, a
 * 42.5 Hz sine read 52.82 Hz at 51.2 kHz):
 *   lpM    moving average of 3/16 cycle (48 samples at 12.8 kHz / 50 Hz);
 *   margin wait past a predicted crossing before placing a synthetic one: 1/5 cycle
 *          (covers a 15 % frequency step before the first measured period and the
 *          half-cycle asymmetry of distorted waves);
 *   delay  head-to-tail distance: the margin plus the average's delay (a synthetic
 *          crossing lies that far behind the newest sample when it is placed) and
 *          K plus that delay (a refined one), plus 2, at least MK_DELAY.
 * Returns 0 when the ring cannot hold that delay, a run and the interpolator's taps,
 * or the fit's look-back (2K + lpM samples). */
typedef struct {
  uint32_t tNomQ16, lpM, lpDelayQ16, marginQ16, delay;
} mk_plan_t;

static int plan(uint32_t fs, uint32_t fnom, uint32_t K, mk_plan_t *p) {
  uint32_t m = (fs * 3u + 8u * fnom) / (16u * fnom), need;
  p->tNomQ16 = (uint32_t)(((uint64_t)fs << 16) / fnom);
  p->lpM = m < 1u ? 1u : m;
  p->lpDelayQ16 = (p->lpM - 1u) << 15;
  p->marginQ16 = p->tNomQ16 / 5u;
  p->delay = MK_DELAY;
  need = ((p->marginQ16 + p->lpDelayQ16 + 0xFFFFu) >> 16) + 2u;
  if (need > p->delay) p->delay = need;
  need = K + ((p->lpDelayQ16 + 0xFFFFu) >> 16) + 2u;
  if (need > p->delay) p->delay = need;
  return p->delay + MK_RUN + MK_RING_MIRROR <= MK_RING && 2u * K + p->lpM < MK_RING;
}

/* the default least-squares half-width: about 0.25 rad of the fundamental each
 * side, round(fs * 0.04 / fnom), 2..16 */
static uint32_t defaultFit(uint32_t fs, uint32_t fnom) {
  uint32_t kk = (fs * 4u + 50u * fnom) / (100u * fnom);
  return kk < 2u ? 2u : kk > 16u ? 16u : kk;
}

uint32_t mk_max_rate_hz(uint8_t nominalHz) {
  uint32_t lo = 1000u, hi = 102400u;
  mk_plan_t p;
  if (nominalHz != 50u && nominalHz != 60u) return 0u;
  if (plan(hi, nominalHz, defaultFit(hi, nominalHz), &p)) return hi;
  while (hi - lo > 1u) { /* plan() fits below some rate and not above it */
    uint32_t mid = lo + (hi - lo) / 2u;
    if (plan(mid, nominalHz, defaultFit(mid, nominalHz), &p)) lo = mid; else hi = mid;
  }
  return lo;
}

int mk_init(mk_kernel_t *k, const mk_config_t *cfg) {
  mk_config_t c = *cfg;
  uint32_t n;
  mk_plan_t p;
  if (c.sampleRateHz < 1000u || c.sampleRateHz > 102400u) return MK_E_RATE;
  if (c.nominalHz != 50u && c.nominalHz != 60u) return MK_E_NOMINAL;
  if (c.cycles == 0u) c.cycles = c.nominalHz == 50u ? 10u : 12u;
  if (c.cycles != 10u && c.cycles != 12u) return MK_E_CYCLES;
  n = c.cycles == 10u ? 1024u : 2048u;
  if (n > MK_FFT_N_MAX) return MK_E_CYCLES;
  if (c.fitHalfWidth > 16u) return MK_E_FIT;
  if (c.fitHalfWidth == 0u) c.fitHalfWidth = (uint8_t)defaultFit(c.sampleRateHz, c.nominalHz);
  if (!plan(c.sampleRateHz, c.nominalHz, c.fitHalfWidth, &p)) return MK_E_RING;
  if (c.vMidLsb == 0u) c.vMidLsb = 2048u;
  if (c.hysteresisLsb == 0u) c.hysteresisLsb = 8u;

  memset(k, 0, sizeof *k);
  k->cfg = c;
  k->fftN = n;
  k->fftLog2 = n == 1024u ? 10u : 11u;
  k->K = c.fitHalfWidth;
  k->hyst = c.hysteresisLsb;
  k->tNomQ16 = p.tNomQ16;
  k->tPredQ16 = k->tNomQ16;
  k->marginQ16 = p.marginQ16;
  k->guardQ16 = k->tNomQ16 / 4u;
  /* Crossings are found on a moving average of 3/16 of a nominal cycle (48 codes
   * at 12.8 kHz): it keeps the fundamental (0.94) and the crossing shape, and
   * divides the slope that a high harmonic adds near the crossing by 20 (39th:
   * 0.046), so 8 % THD cannot create extra crossings; its delay is exact (linear
   * phase) and subtracted. */
  k->lpM = p.lpM;
  k->lpDelayQ16 = p.lpDelayQ16;
  k->delay = p.delay;
  {
    /* 4 pi^2 c2 in Q40, c2 = sum x^2/(4K) - sum x^4/(6 sum x^2) with x = j - K + 0.5;
     * in doubled abscissae q2 = sum (2x)^2, q4 = sum (2x)^4: c2 = q2/(16K) - q4/(24 q2) */
    uint64_t q2 = 0, q4 = 0, c2Q24;
    int32_t j;
    for (j = 0; j < 2 * (int32_t)k->K; j++) {
      int64_t x2 = 2 * j - 2 * (int32_t)k->K + 1;
      q2 += (uint64_t)(x2 * x2);
      q4 += (uint64_t)(x2 * x2 * x2 * x2);
    }
    c2Q24 = (q2 << 24) / (16u * k->K) - (q4 << 24) / (24u * q2);
    k->curvQ40 = c2Q24 * 2587246u; /* 4 pi^2 in Q16 */
  }
  k->vMid = c.vMidLsb;
  k->vMidQ8 = (uint32_t)c.vMidLsb << 8;
  k->iMid = 2048u;
  k->expect = EXPECT_SEEK;
  k->firstWindow = 1u;
  return MK_OK;
}

/* Recomputes the sample at which a missing crossing is declared (after the last
 * boundary, the predicted half period plus a margin). */
static void updateDeadline(mk_kernel_t *k) {
  int64_t at = k->lastEventQ16 + (int64_t)(k->tPredQ16 / 2u) + (int64_t)k->marginQ16 + (int64_t)k->lpDelayQ16;
  k->synthAt = (uint64_t)((at + 0xFFFF) >> 16);
}

static void pushEvent(mk_kernel_t *k, uint64_t sample, int64_t posQ16, uint8_t kind) {
  mk_event_t *e;
  if (k->evHead - k->evTail >= MK_EVENTS) return; /* cannot happen: at most ~8 half cycles in flight */
  e = &k->ev[k->evHead % MK_EVENTS];
  e->sample = sample;
  e->posQ16 = posQ16;
  e->kind = kind;
  k->evHead++;
}

/* Least-squares line y = a + b x through the 2K samples d-K .. d+K-1 around a rising
 * detection at d (first sample at or above mid), x measured from d - 0.5; the
 * crossing is at x0 = -a/b. With x symmetric, a = Sy/2K and b = Sxy/Sxx, so in
 * doubled abscissae (odd integers) x0 = -Sy * Q / (4K * Sxy2), Q = sum (2x)^2.
 * The moving sums are not stored per sample: walking back from the newest one
 * (lpH at sample h = d+K-1), lp[n-1] = lp[n] - v[n] + v[n-lpM], exact integers;
 * the ring still holds v[d-K-lpM+1..h] (2K + lpM <= 80 samples; slots of samples
 * before the first one are still zero, as the moving sum assumed). */
static void refineRise(mk_kernel_t *k, uint64_t h, int32_t lpH) {
  uint64_t d = k->pendingDet;
  int32_t K = k->K, j, sy = 0, lp = lpH;
  int64_t sxy = 0;
  int64_t q = (int64_t)2 * K * (2 * K - 1) * (2 * K + 1) / 3;
  int64_t x0Q16 = 0, pos;
  uint8_t kind = MK_EV_RISE;
  int32_t midSum = (int32_t)(k->lpM * k->vMid);
  uint32_t n = (uint32_t)h, m = k->lpM;
  const uint32_t *ring = k->ring;
#define MK_LP_BACK() (lp -= (int32_t)(ring[n & MK_RING_MASK] & 0xFFFFu) - (int32_t)(ring[(n - m) & MK_RING_MASK] & 0xFFFFu), n--)
  while (n != (uint32_t)(d + (uint64_t)K - 1u)) MK_LP_BACK(); /* not taken: detect() runs at d+K-1 */
  for (j = 2 * K - 1; j >= 0; j--) {
    int32_t y = lp - midSum;
    sy += y;
    sxy += (int64_t)(2 * j - 2 * K + 1) * y;
    MK_LP_BACK();
  }
#undef MK_LP_BACK
  if (sxy > 0) {
    int64_t t2;
    x0Q16 = -((int64_t)sy * q * 65536) / ((int64_t)4 * K * sxy);
    /* The line through a sine A sin(w (x - d)) crosses at tan(w d) C/S with
     * C = mean cos(w x), S = sum x sin(w x) / (w sum x^2): d = x0 (1 + w^2 c2),
     * c2 = m2/2 - m4/(6 m2), to second order in w K (w K ~ 0.25 rad). Without
     * it the bias, up to 3e-3 samples, varies with the crossing's fractional
     * position and costs 0.13 mHz. */
    t2 = ((int64_t)k->tPredQ16 * k->tPredQ16) >> 16; /* T^2 in Q16 */
    if (t2 > 0) x0Q16 += (x0Q16 * (int64_t)(k->curvQ40 / (uint64_t)t2)) >> 24;
    /* keep the boundary within a sample of the detection: noise cannot move a
     * crossing further, and the resampler's look-back relies on it */
    if (x0Q16 > 98304) x0Q16 = 98304;
    if (x0Q16 < -98304) x0Q16 = -98304;
  }
  pos = ((int64_t)d << 16) - 32768 + x0Q16 - (int64_t)k->lpDelayQ16;
  if (k->lastRiseReal) {
    int64_t t = pos - k->lastRiseQ16;
    if (t * 10 >= (int64_t)k->tNomQ16 * 7 && t * 10 <= (int64_t)k->tNomQ16 * 14) {
      k->tPredQ16 = (uint32_t)t;
      kind |= MK_EV_PERIOD;
    } else {
      k->freqRangeSeen = 1u;
    }
  }
  k->lastRiseQ16 = pos;
  k->lastRiseReal = 1u;
  k->lastEventQ16 = pos;
  updateDeadline(k);
  pushEvent(k, (uint64_t)((pos + 0xFFFF) >> 16), pos, kind);
}

/* dv: moving sum of the voltage minus lpM * mid at the newest sample h. */
static MK_NOINLINE void detect(mk_kernel_t *k, uint64_t h, int32_t dv) {
  int32_t hy = (int32_t)(k->hyst * k->lpM);
  /* position of a crossing between h-1 and h of the moving average, in the
   * signal's own time */
  int64_t hQ = ((int64_t)h << 16) - 32768 - (int64_t)k->lpDelayQ16;
  if (k->pendingFit && h >= k->pendingDet + k->K - 1u) {
    k->pendingFit = 0u;
    refineRise(k, h, dv + (int32_t)(k->lpM * k->vMid));
  }
  if (k->expect == EXPECT_FALL) {
    if (dv > hy) {
      k->armed = 1u;
    } else if (dv < 0 && k->armed && !k->pendingFit && hQ - k->lastEventQ16 >= (int64_t)k->guardQ16) {
      pushEvent(k, (uint64_t)((hQ + 0xFFFF) >> 16), hQ, MK_EV_FALL);
      k->lastEventQ16 = hQ;
      updateDeadline(k);
      k->armed = 0u;
      k->expect = EXPECT_RISE;
    }
  } else {
    if (dv < -hy) {
      k->armed = 1u;
    } else if (dv >= 0 && k->armed && (k->expect == EXPECT_SEEK || hQ - k->lastEventQ16 >= (int64_t)k->guardQ16)) {
      k->pendingFit = 1u;
      k->pendingDet = h;
      k->armed = 0u;
      k->expect = EXPECT_FALL;
    }
  }
  /* No crossing where one was due (dip to near zero, interruption): place it at
   * the predicted half period so windows and Urms(1/2) keep their rhythm. */
  if (h >= k->synthAt && k->expect != EXPECT_SEEK && !k->pendingFit) {
    int64_t pos = k->lastEventQ16 + (int64_t)(k->tPredQ16 / 2u);
    uint64_t sample = (uint64_t)((pos + 0xFFFF) >> 16);
    if (k->expect == EXPECT_FALL) {
      pushEvent(k, sample, pos, MK_EV_FALL | MK_EV_SYNTH);
      k->expect = EXPECT_RISE;
    } else {
      pushEvent(k, sample, pos, MK_EV_RISE | MK_EV_SYNTH);
      k->lastRiseQ16 = pos;
      k->lastRiseReal = 0u;
      k->expect = EXPECT_FALL;
    }
    k->lastEventQ16 = pos;
    updateDeadline(k);
    k->armed = 0u;
  }
}

/* Saturates x >> 11 to int16. Reachable, so kept: a row's coefficients sum to 16384
 * but their absolute values to up to 1.81 x 16384, so a point is bounded by
 * 8 * 1.81 * |code - mid| LSB, over 32767 once |code - mid| > 2268 (a mid code
 * outside about 1827..2268, i.e. an offset input, with full-scale codes in the
 * sinc's sign pattern). One instruction on ARMv7-M (SSAT with the shift). */
#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__)
static inline int32_t sat16Shr11(int32_t x) {
  int32_t r;
  __asm__("ssat %0, #16, %1, asr #11" : "=r"(r) : "r"(x));
  return r;
}
#else
static inline int32_t sat16Shr11(int32_t x) {
  x >>= 11; /* arithmetic shift: gcc, clang and msvc */
  return x > 32767 ? 32767 : x < -32768 ? -32768 : x;
}
#endif

/* Position of the next point, Q32 samples relative to rsBase. */
static int64_t rsPosQ32(const mk_kernel_t *k) {
  int32_t n = (int32_t)(k->rsAt - (uint32_t)k->rsBase);
  return (int64_t)n * 4294967296 + (int64_t)k->rsFracR - ((int64_t)1 << 24);
}

static void rsSetPosQ32(mk_kernel_t *k, int64_t posQ32) {
  int64_t r = posQ32 + ((int64_t)1 << 24);
  k->rsAt = (uint32_t)k->rsBase + (uint32_t)(uint64_t)(r >> 32);
  k->rsFracR = (uint32_t)(uint64_t)r;
}

/* One resampled point at absolute sample n0 + frac/2^32 for both channels, the
 * general way: taps through the ring mask and clamped to the newest sample (only
 * after a large frequency jump, flagged by the sync error). Used when a window
 * ends; resampleUpTo does the same arithmetic without the checks. Each phase's
 * coefficients sum to exactly 16384, so the mid code is removed once. */
static void resamplePointClamped(mk_kernel_t *k, uint64_t n0, uint32_t frac, uint32_t j) {
  uint32_t ph = ((frac >> 24) + 1u) >> 1; /* nearest of 128 phases; 128 = next sample */
  const int16_t *h = mk_interp[ph];
  uint64_t base = n0 - (MK_INTERP_TAPS / 2u - 1u), newest = k->head - 1u;
  int32_t accV = 0, accI = 0;
  uint32_t m;
  for (m = 0; m < MK_INTERP_TAPS; m++) {
    uint64_t n = base + m > newest ? newest : base + m;
    uint32_t w = k->ring[(uint32_t)n & MK_RING_MASK];
    accV += h[m] * (int32_t)(w & 0xFFFFu);
    accI += h[m] * (int32_t)(w >> 16);
  }
  accV += (int32_t)(k->rsBiasW - (k->rsBiasI << 16));
  accI += (int32_t)k->rsBiasI;
  k->bufV[j] = (int16_t)sat16Shr11(accV);
  k->bufI[j] = (int16_t)sat16Shr11(accI);
}

/* The point at sample at + (fr - 2^24) / 2^32 lies before sample lim: a 64-bit
 * compare of at:fr with lim:2^24 (the unrounded position decides, as it did
 * before the rounding moved into fr, so steps are recomputed at the same point). */
static inline int before(uint32_t at, uint32_t fr, uint32_t lim) {
  return (int64_t)((uint64_t)(at - lim) << 32 | fr) < ((int64_t)1 << 24);
}

/* Produces the window's points that lie before sample `limit` (all if force).
 *
 * Hot path (about 0.4 points per pair at 50 Hz / 1024 points, 0.8 at 60 Hz / 2048).
 * Both channels from one multiply-accumulate chain on the packed ring word
 * w = v + 2^16 i (clip marks live in clipMap, so w holds the codes only):
 *   accW = sum c w = sum c v + 2^16 sum c i  (mod 2^32),   accI = sum c i,
 * so sum c v = accW - 2^16 accI (mod 2^32), exact because |sum c v| <= 1.81 * 16384
 * * 4095 < 2^27 (1.81: the largest sum of |c| over a row) fits an int32. Two
 * multiplies per tap, one shift, no masks.
 * Taps never reach past the newest sample here: points lie before `limit`, which
 * is at most head - k->delay, and the last tap is 6 samples after the point. The
 * position is an absolute sample number modulo 2^32 plus a 32-bit fraction that
 * carries half a phase step (rounding to the nearest phase is a shift; phase 128
 * equals phase 0 of the next sample, row 128 being row 0 moved by one tap). */
static MK_NOINLINE void resampleUpTo(mk_kernel_t *k, uint64_t limit, int force) {
  uint32_t j = k->rsNext, n = k->fftN, at = k->rsAt, fr = k->rsFracR;
  const uint32_t stepInt = k->rsStepInt, stepFrac = k->rsStepFrac, biasW = k->rsBiasW, biasI = k->rsBiasI;
  const uint32_t lim = (uint32_t)limit;
  const uint32_t *ring = k->ring;
  int16_t *bufV = k->bufV, *bufI = k->bufI;
  if (force) {
    for (; j < n; j++) {
      uint32_t f = fr - (1u << 24);
      /* at - 1 when the rounding offset carried into the sample number */
      uint64_t n0 = k->rsBase + (uint64_t)(int64_t)(int32_t)(at - (f > fr ? 1u : 0u) - (uint32_t)k->rsBase);
      uint32_t f2 = fr + stepFrac;
      resamplePointClamped(k, n0, f, j);
      at += stepInt + (f2 < fr ? 1u : 0u);
      fr = f2;
    }
  } else if (j < n && before(at, fr, lim)) {
    /* the taps of these points span [at - 5, lim + 7): refresh the mirror words
     * after the ring's end if that span wraps (all its samples are in the ring:
     * delay + MK_RUN + 11 <= MK_RING) */
    if (((at - 5u) & MK_RING_MASK) + (lim - at) + MK_INTERP_TAPS > MK_RING) {
      uint32_t t;
      for (t = 0; t < MK_RING_MIRROR; t++) k->ring[MK_RING + t] = k->ring[t];
    }
    do {
      const uint32_t *p = &ring[(at - (MK_INTERP_TAPS / 2u - 1u)) & MK_RING_MASK];
      const int16_t *c = mk_interp[fr >> 25];
      uint32_t accW = biasW, accI = biasI, f2;
      uint32_t m;
#pragma GCC unroll 12
      for (m = 0; m < MK_INTERP_TAPS; m++) {
        uint32_t w = p[m];
        uint32_t cm = (uint32_t)(int32_t)c[m];
        accW += cm * w;
        accI += cm * (w >> 16);
      }
      bufI[j] = (int16_t)sat16Shr11((int32_t)accI);
      bufV[j] = (int16_t)sat16Shr11((int32_t)(accW - (accI << 16)));
      j++;
      f2 = fr + stepFrac;
      at += stepInt + (f2 < fr ? 1u : 0u);
      fr = f2;
    } while (j != n && before(at, fr, lim));
  }
  k->rsNext = j;
  k->rsAt = at;
  k->rsFracR = fr;
}

static void startWindow(mk_kernel_t *k, uint64_t s, int64_t posQ16) {
  mk_window_t *w = &k->cur;
  memset(w, 0, sizeof *w);
  w->index = k->windows;
  w->startSample = s;
  w->cycles = k->cfg.cycles;
  w->crossingCount = (uint8_t)(k->cfg.cycles + 1u);
  w->vMidLsb = k->vMid;
  w->crossingQ16[0] = (int32_t)(posQ16 - ((int64_t)s << 16));
  if (k->firstWindow) {
    w->flags |= MK_FLAG_FIRST;
    k->firstWindow = 0u;
  }
  k->inWindow = 1u;
  k->cyclesSeen = 0u;
  k->freqRangeSeen = 0u;
  k->rsBase = s;
  rsSetPosQ32(k, (int64_t)w->crossingQ16[0] * 65536); /* may be negative: no shift */
  {
    uint64_t step = ((uint64_t)k->tPredQ16 * k->cfg.cycles << 16) / k->fftN;
    k->rsStepInt = (uint32_t)(step >> 32);
    k->rsStepFrac = (uint32_t)step;
  }
  k->rsNext = 0u;
  /* Q14 rounding (half of 2^11) minus the mid codes, in the packed form of resampleUpTo */
  k->rsBiasI = (1u << 10) - ((uint32_t)k->iMid << 14);
  k->rsBiasW = (1u << 10) - ((uint32_t)k->vMid << 14) + (k->rsBiasI << 16);
}

/* The window's mean becomes the next window's mid code (it follows the ADC offset's
 * drift), but in one step only from a window of steady amplitude. A dip, swell or
 * interruption that starts or ends inside the window leaves half cycles of unequal
 * amplitude, whose DC is not the offset: a dip to 20 % starting at a falling zero
 * crossing moves the mean by 24 LSB, which on the residual voltage shifts the next
 * window's rising and falling crossings by 0.13 rad in opposite directions, so the
 * cycle made of the last half cycle before that window and its first one is not a
 * period and its Urms(1/2) is 1.2 % low. Steady: no Urms(1/2) mean square of the
 * window more than 17/16 of another (rms within 3 %; a step that small leaves at
 * most 1 % of a 10 % residual's amplitude as DC). Otherwise the mid code moves
 * at most 1 LSB towards the mean: the offset drifts far slower than that. */
static int steadyAmplitude(const mk_window_t *w) {
  uint32_t lo = 0xFFFFFFFFu, hi = 0u, j;
  for (j = 0; j < w->urmsCount; j++) {
    uint32_t ms = w->urmsMsQ8[j];
    if (ms < lo) lo = ms;
    if (ms > hi) hi = ms;
  }
  return w->urmsCount == 0u || (uint64_t)hi * 16u <= (uint64_t)lo * 17u;
}

/* Counts a finished window and copies it into the next queue slot, which the caller
 * completes and publishes (qHead++); NULL when the consumer is late and the queue is
 * full: the window is dropped and counted in the next one's droppedBefore. */
static mk_window_t *claimSlot(mk_kernel_t *k, const mk_window_t *w) {
  mk_window_t *slot;
  k->windows++;
  if (k->qHead - k->qTail >= MK_QUEUE_LEN) {
    if (k->dropped < 0xFFFFu) k->dropped++;
    return 0;
  }
  slot = &k->queue[k->qHead % MK_QUEUE_LEN];
  *slot = *w;
  slot->droppedBefore = k->dropped;
  k->dropped = 0u;
  return slot;
}

/* The window's last two samples (s - 2, s - 1; s is the first sample after it, and
 * both are still in the ring) for the end correction of kernelWindow.ts. */
static void lastEdges(const mk_kernel_t *k, mk_window_t *w, uint64_t s) {
  uint32_t a = k->ring[(uint32_t)(s - 2u) & MK_RING_MASK], b = k->ring[(uint32_t)(s - 1u) & MK_RING_MASK];
  w->edgeV[2] = (uint16_t)(a & MK_CODE_MASK);
  w->edgeI[2] = (uint16_t)((a >> 16) & MK_CODE_MASK);
  w->edgeV[3] = (uint16_t)(b & MK_CODE_MASK);
  w->edgeI[3] = (uint16_t)((b >> 16) & MK_CODE_MASK);
}

static void finishWindow(mk_kernel_t *k, uint64_t s, int64_t posQ16) {
  mk_window_t *w = &k->cur, *slot;
  int64_t endRelQ16 = posQ16 - ((int64_t)w->startSample << 16);
  int64_t spanQ16 = endRelQ16 - w->crossingQ16[0];
  int64_t syncQ16;
  uint32_t order;
  w->crossingQ16[k->cfg.cycles] = (int32_t)endRelQ16;
  resampleUpTo(k, 0, 1);
  syncQ16 = (rsPosQ32(k) >> 16) - endRelQ16;
  w->syncErrorQ16 = (int32_t)syncQ16;
  if ((syncQ16 < 0 ? -syncQ16 : syncQ16) * 1000 > spanQ16) w->flags |= MK_FLAG_SYNC;
  if (k->freqRangeSeen) w->flags |= MK_FLAG_FREQ_RANGE;
  lastEdges(k, w, s);
  order = (uint32_t)(((uint64_t)k->tPredQ16 * MK_PASS_NUM / MK_PASS_DEN) >> 16);
  w->harmonicMaxOrder = (uint8_t)(order > 50u ? 50u : order);
  w->thdMaxOrder = (uint8_t)(order > MK_THD_ORDER_MAX ? MK_THD_ORDER_MAX : order);
  if (w->sampleCount > 0u) {
    uint16_t mean = (uint16_t)((w->sumV + w->sampleCount / 2u) / w->sampleCount);
    /* 64-bit: sumV << 8 passes 2^32 once a window holds about 8 200 samples (a 10-cycle
     * window at 41 kHz), and Urms(1/2) was then taken about a wrong zero (issue 13) */
    uint32_t meanQ8 = (uint32_t)((((uint64_t)w->sumV << 8) + w->sampleCount / 2u) / w->sampleCount);
    if (steadyAmplitude(w)) {
      k->vMid = mean;
      k->vMidQ8 = meanQ8;
    } else {
      if (mean > k->vMid) k->vMid++;
      else if (mean < k->vMid) k->vMid--;
      if (meanQ8 > k->vMidQ8) k->vMidQ8 += meanQ8 - k->vMidQ8 > 256u ? 256u : meanQ8 - k->vMidQ8;
      else k->vMidQ8 -= k->vMidQ8 - meanQ8 > 256u ? 256u : k->vMidQ8 - meanQ8;
    }
    k->iMid = (uint16_t)((w->sumI + w->sampleCount / 2u) / w->sampleCount);
  }
  slot = claimSlot(k, w);
  if (!slot) return; /* the consumer is late: skip the FFT as well */
  mk_harmonic_groups(k->bufV, k->fftN, k->fftLog2, k->cfg.cycles, slot->hVQ16);
  mk_harmonic_groups(k->bufI, k->fftN, k->fftLog2, k->cfg.cycles, slot->hIQ16);
  /* group 0 (DC) from the exact sums: the FFT's rounding biases its DC bin */
  slot->hVQ16[0] = w->sampleCount ? (uint32_t)((((uint64_t)w->sumV << 16) + w->sampleCount / 2u) / w->sampleCount) : 0u;
  slot->hIQ16[0] = w->sampleCount ? (uint32_t)((((uint64_t)w->sumI << 16) + w->sampleCount / 2u) / w->sampleCount) : 0u;
  /* no fundamental, no THD: the groups of a dead or DC-only channel are noise */
  if (slot->hVQ16[1] < (MK_FUND_MIN_LSB << 16)) slot->flags |= MK_FLAG_NO_FUND_V;
  if (slot->hIQ16[1] < (MK_FUND_MIN_LSB << 16)) slot->flags |= MK_FLAG_NO_FUND_I;
  k->qHead++;
}

/* A half-cycle boundary: the cycle made of the last two half cycles gives one
 * Urms(1/2) value, its mean square about the zero code M (vMidQ8, 1/256 LSB):
 *   ms = sum (v - M/256)^2 / n = (65536 SS - 512 M S + n M^2) / (65536 n).
 * IEC 61000-4-30 5.4.2: Urms(1/2) is the rms of the cycle, so a DC the signal
 * itself carries (a line's trapped charge after it opens) counts; removing each
 * cycle's own mean instead would under-read such a cycle and, by a little, every
 * cycle whose half cycles differ (the one where a dip starts). M is the ADC's zero,
 * taken from windows of steady amplitude only (finishWindow). Range: SS <= 1205 x
 * 4095^2 < 2^35 (1205 samples per cycle at 51.2 kHz / 42.5 Hz), M < 2^20, so every
 * term stays below 2^52. */
static void halfBoundary(mk_kernel_t *k, uint64_t s) {
  if (k->halves > 0u) {
    k->halfN[0] = k->halfN[1];
    k->halfSumV[0] = k->halfSumV[1];
    k->halfSumVV[0] = k->halfSumVV[1];
    k->halfN[1] = k->curHalfN;
    k->halfSumV[1] = k->curHalfSumV;
    k->halfSumVV[1] = k->curHalfSumVV;
    if (k->halves >= 2u && k->inWindow) {
      uint64_t n = (uint64_t)k->halfN[0] + k->halfN[1];
      uint64_t sv = k->halfSumV[0] + k->halfSumV[1];
      uint64_t svv = k->halfSumVV[0] + k->halfSumVV[1];
      uint64_t m = k->vMidQ8;
      uint64_t pos = (svv << 16) + n * m * m, neg = (sv * m) << 9, ms;
      /* pos - neg = sum (256 v - M)^2 >= 0 exactly */
      uint64_t num = pos - neg;
      mk_window_t *w = &k->cur;
      uint64_t tS = k->tPredQ16 >> 16;
      ms = n == 0u ? 0u : (num + n * 128u) / (n * 256u);
      if (10u * n < 7u * tS || 10u * n > 13u * tS) {
        /* Two half cycles that do not make a cycle (0.7..1.3 of the measured period):
         * a distorted voltage crossed zero between the fundamental's crossings (an
         * opened line's trapped charge and ringing). The rms of such a span is not a
         * Urms(1/2) value (it read 6 % where the cycle's rms was 52 % on a recorded
         * 220 kV fault): dropped, and the window says so. */
        w->flags |= MK_FLAG_CYCLE;
      } else if (w->urmsCount < MK_URMS_MAX) {
        w->urmsMsQ8[w->urmsCount] = ms > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)ms;
        w->urmsEndSample[w->urmsCount] = (uint16_t)(s - w->startSample);
        w->urmsCount++;
      } else {
        w->flags |= MK_FLAG_URMS_FULL;
      }
    }
  }
  if (k->halves < 2u) k->halves++;
  k->curHalfN = 0u;
  k->curHalfSumV = 0u;
  k->curHalfSumVV = 0u;
}

static void handleEvent(mk_kernel_t *k, const mk_event_t *e, uint64_t s) {
  halfBoundary(k, s);
  if (k->inWindow && (e->kind & MK_EV_SYNTH)) k->cur.flags |= MK_FLAG_SYNTHETIC;
  if (!(e->kind & MK_EV_RISE)) return;
  if (!k->inWindow) {
    /* The first window waits for a rising crossing that ends a measured period, so
     * that its resampling starts at that period, not the nominal one (which left the
     * first window's THD 1.3..3.3 pp high at 42.5 or 57.5 Hz); after two crossings
     * without one (frequency out of range, crossings missing) it starts anyway and
     * says so with MK_FLAG_SYNC. Later windows start where the previous one ends. */
    if (k->firstWindow && !(e->kind & MK_EV_PERIOD) && k->risesBefore < 2u) {
      k->risesBefore++;
      return;
    }
    startWindow(k, s, e->posQ16);
    if (k->risesBefore >= 2u && !(e->kind & MK_EV_PERIOD)) k->cur.flags |= MK_FLAG_SYNC;
    k->risesBefore = 0u;
  } else {
    k->cyclesSeen++;
    if (k->cyclesSeen >= k->cfg.cycles) {
      finishWindow(k, s, e->posQ16);
      startWindow(k, s, e->posQ16);
    } else {
      mk_window_t *w = &k->cur;
      int64_t relQ16 = e->posQ16 - ((int64_t)w->startSample << 16);
      w->crossingQ16[k->cyclesSeen] = (int32_t)relQ16;
      /* phase-lock the resampler: spread the points still due over the cycles
       * still expected, at the latest measured period */
      if (k->rsNext < k->fftN) {
        int64_t endQ32 = (relQ16 + (int64_t)(k->cfg.cycles - k->cyclesSeen) * k->tPredQ16) * 65536;
        int64_t step = (endQ32 - rsPosQ32(k)) / (int64_t)(k->fftN - k->rsNext);
        if (step > 0) {
          k->rsStepInt = (uint32_t)((uint64_t)step >> 32);
          k->rsStepFrac = (uint32_t)(uint64_t)step;
        }
      }
    }
  }
  if (e->kind & MK_EV_SYNTH) k->cur.flags |= MK_FLAG_SYNTHETIC;
}

/* The accumulation's sums work on whole ring words w = v + 2^16 i (codes only,
 * clip marks are elsewhere) with i = w >> 16, modulo 2^32:
 *   w w = v v + 2^17 v i (+ 2^32 i i, gone),   w i = v i + 2^16 i i,   w = v + 2^16 i,
 *   w[n] i[n-1] = v[n] i[n-1] + 2^16 i[n] i[n-1],   w[n-1] i[n] = v[n-1] i[n] + 2^16 i[n-1] i[n],
 * so every sum the window needs follows from these with shifts and subtractions,
 * exactly, because each true sum over a run (at most MK_RUN = 28 samples: 28 *
 * 4095^2 < 2^32) fits 32 bits. One shift per sample instead of two masks. */

/* Pass 1 over n ring words: out[0] += sum w, [1] += sum i, [2] += sum w w,
 * [3] += sum w i, [4] += sum i i (mod 2^32). Own function: five accumulators and
 * a two-sample body fit the registers. */
static MK_NOINLINE void sumsSquares(const uint32_t *p, uint32_t n, uint32_t *out) {
  uint32_t sW = 0, sI = 0, sWW = 0, sWI = 0, sII = 0;
  if (n & 1u) {
    uint32_t w = *p++, i = w >> 16;
    sW = w;
    sI = i;
    sWW = w * w;
    sWI = w * i;
    sII = i * i;
  }
  n >>= 1;
  if (n != 0u) {
    do { /* counts down: the loop ends in subs + bne */
      uint32_t w = p[0], i = w >> 16, x = p[1], j = x >> 16;
      sW += w;
      sI += i;
      sWW += w * w;
      sWI += w * i;
      sII += i * i;
      MK_KEEP(sW);
      MK_KEEP(sI);
      MK_KEEP(sWW);
      MK_KEEP(sWI);
      MK_KEEP(sII);
      sW += x;
      sI += j;
      sWW += x * x;
      sWI += x * j;
      sII += j * j;
      p += 2;
    } while (--n != 0u);
  }
  out[0] += sW;
  out[1] += sI;
  out[2] += sWW;
  out[3] += sWI;
  out[4] += sII;
}

/* Pass 2: out[0] += sum w[n] i[n-1], [1] += sum w[n-1] i[n], [2] += sum i[n] i[n-1]
 * (mod 2^32); *prevW holds the word before p and is updated. */
static MK_NOINLINE void sumsProducts(const uint32_t *p, uint32_t n, uint32_t *prevW, uint32_t *out) {
  uint32_t pw = *prevW, pi = pw >> 16, b1 = 0, b2 = 0, b3 = 0;
  if (n & 1u) {
    uint32_t w = *p++, i = w >> 16;
    b1 = w * pi;
    b2 = pw * i;
    b3 = i * pi;
    pw = w;
    pi = i;
  }
  n >>= 1;
  if (n != 0u) {
    do {
      uint32_t w = p[0], i = w >> 16, x = p[1], j = x >> 16;
      b1 += w * pi;
      b2 += pw * i;
      b3 += i * pi;
      MK_KEEP(b1);
      MK_KEEP(b2);
      MK_KEEP(b3);
      b1 += x * i;
      b2 += w * j;
      b3 += j * i;
      pw = x;
      pi = j;
      p += 2;
    } while (--n != 0u);
  }
  *prevW = pw;
  out[0] += b1;
  out[1] += b2;
  out[2] += b3;
}

/* Clip marks of samples [s, s + n): bit 0 voltage, bit 1 current; clears them
 * (the slot is written again MK_RING samples later). Only while marks exist. */
static uint32_t takeClips(mk_kernel_t *k, uint64_t s, uint32_t n) {
  uint32_t clip = 0u, j, ch, any = 0u;
  for (j = 0; j < n; j++) {
    uint32_t t = (uint32_t)(s + j) % MK_RING, bit = 1u << (t % 32u);
    for (ch = 0; ch < 2u; ch++) {
      if (k->clipMap[ch][t / 32u] & bit) {
        clip |= 1u << ch;
        k->clipMap[ch][t / 32u] &= ~bit;
      }
    }
  }
  for (j = 0; j < MK_RING / 32u; j++) any |= k->clipMap[0][j] | k->clipMap[1][j];
  k->clipPending = any ? 1u : 0u;
  return clip;
}

/* Accumulates samples [s, s + n) (n <= MK_RUN, no event inside): 32-bit partial sums
 * (MK_RUN * 4095^2 < 2^32, which the word sums above rely on), added to the window
 * and half-cycle sums. */
static void accumulate(mk_kernel_t *k, uint64_t s, uint32_t n) {
  uint32_t sq[5] = {0, 0, 0, 0, 0}, pr[3] = {0, 0, 0}, prevW;
  uint32_t first = (uint32_t)s & MK_RING_MASK, done = 0;
  uint32_t sV, sI, sVV, sII, sVI, sVIp, sVpI, clip;
  prevW = (uint32_t)k->prevV | (uint32_t)k->prevI << 16;
  while (done < n) { /* at most two contiguous pieces of the ring */
    uint32_t at = (first + done) & MK_RING_MASK, seg = MK_RING - at;
    if (seg > n - done) seg = n - done;
    sumsSquares(&k->ring[at], seg, sq);
    sumsProducts(&k->ring[at], seg, &prevW, pr);
    done += seg;
  }
  sI = sq[1];
  sV = sq[0] - (sI << 16);
  sII = sq[4];
  sVI = sq[3] - (sII << 16);
  sVV = sq[2] - (sVI << 17);
  sVIp = pr[0] - (pr[2] << 16);
  sVpI = pr[1] - (pr[2] << 16);
  clip = k->clipPending ? takeClips(k, s, n) : 0u;
  k->prevV = (uint16_t)prevW;
  k->prevI = (uint16_t)(prevW >> 16);
  if (k->halves > 0u) {
    k->curHalfN += n;
    k->curHalfSumV += sV;
    k->curHalfSumVV += sVV;
  }
  if (k->inWindow) {
    mk_window_t *w = &k->cur;
    uint32_t j;
    for (j = 0; w->sampleCount + j < 2u && j < n; j++) {
      uint32_t x = k->ring[(uint32_t)(s + j) & MK_RING_MASK];
      w->edgeV[w->sampleCount + j] = (uint16_t)(x & MK_CODE_MASK);
      w->edgeI[w->sampleCount + j] = (uint16_t)((x >> 16) & MK_CODE_MASK);
    }
    if (clip & 1u) w->flags |= MK_FLAG_CLIP_V;
    if (clip & 2u) w->flags |= MK_FLAG_CLIP_I;
    w->sampleCount += n;
    w->sumV += sV;
    w->sumI += sI;
    w->sumVV += sVV;
    w->sumII += sII;
    w->sumVI += sVI;
    w->sumVIp += sVIp;
    w->sumVpI += sVpI;
  }
}

/* Accumulation side: everything before sample `to`, split at events and in runs
 * of at most MK_RUN samples (the ring must still hold the interpolator's look-back). */
static MK_NOINLINE void tailTo(mk_kernel_t *k, uint64_t to) {
  uint64_t s = k->tailAt;
  while (s < to) {
    uint64_t end = to;
    while (k->evTail != k->evHead && k->ev[k->evTail % MK_EVENTS].sample <= s) {
      handleEvent(k, &k->ev[k->evTail % MK_EVENTS], s);
      k->evTail++;
    }
    if (k->evTail != k->evHead && k->ev[k->evTail % MK_EVENTS].sample < end) end = k->ev[k->evTail % MK_EVENTS].sample;
    if (end - s > MK_RUN) end = s + MK_RUN;
    accumulate(k, s, (uint32_t)(end - s));
    if (k->inWindow) resampleUpTo(k, end, 0);
    s = end;
  }
  k->tailAt = s;
}

/* Sample n of channel ch (0 voltage, 1 current) was clipped. */
static void markClip(mk_kernel_t *k, uint32_t ch, uint32_t n) {
  k->clipMap[ch][(n / 32u) % (MK_RING / 32u)] |= 1u << (n % 32u);
  k->clipPending = 1u;
}

/* Sample at which detect() has work whatever the signal does. */
static uint64_t nextWake(const mk_kernel_t *k) {
  if (k->pendingFit) return k->pendingDet + k->K - 1u;
  if (k->expect != EXPECT_SEEK) return k->synthAt;
  return ~(uint64_t)0;
}

/* A pair word with a code outside 1..4094 (rare): clamps codes above 4095 to
 * 4095 and marks 0 and 4095 as clipped for the accumulation. */
static MK_NOINLINE uint32_t clampWord(mk_kernel_t *k, uint32_t w, uint32_t n) {
  uint32_t v = w & 0xFFFFu, i = w >> 16;
  if (v - 1u >= 4094u) {
    v = v == 0u ? 0u : 4095u;
    markClip(k, 0, n);
  }
  if (i - 1u >= 4094u) {
    i = i == 0u ? 0u : 4095u;
    markClip(k, 1, n);
  }
  return v | i << 16;
}

/* The detector's per-sample test as one sign: y = (lp ^ xm) + xc is negative
 * exactly when the sample needs detect() (xm = -1 negates lp: -lp = (lp ^ -1) + 1).
 *   expecting a fall, not armed: arms when dv > hy    -> y = hy + midSum - lp
 *   expecting a fall, armed:     falls when dv < 0    -> y = lp - midSum
 *   seeking / expecting a rise, not armed: dv < -hy   -> y = lp - midSum + hy
 *   seeking / expecting a rise, armed: rises, dv >= 0 -> y = midSum - 1 - lp
 * with dv = lp - midSum. detect() re-evaluates everything, so a call where the
 * fast test fired is the reference behaviour, not a shortcut of it. */
static void detectTest(uint32_t armed, uint32_t expect, int32_t midSum, int32_t hy, uint32_t *xm, int32_t *xc) {
  if (expect == EXPECT_FALL) {
    *xm = armed ? 0u : ~0u;
    *xc = armed ? -midSum : hy + midSum + 1;
  } else {
    *xm = armed ? ~0u : 0u;
    *xc = armed ? midSum : hy - midSum;
  }
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define MK_LITTLE_ENDIAN 1
#else
#define MK_LITTLE_ENDIAN 0
#endif

/* Detection side for a run of pair words (v | i << 16; src need not be aligned),
 * then accumulation up to k->delay behind. Per pair: range check, ring write,
 * moving sum, one sign test. detect() runs only when the test fires (arming, a
 * crossing: a few times per cycle) or at nextWake (a pending fit, a missing
 * crossing), never while the moving sum is not full (h < lpM). */
/* The per-pair loop: pairs [in, end) starting at sample `at`, moving sum in
 * k->lpSum. Stops after the first pair whose detector test fires; returns the
 * pointer past the last pair taken. Few live values, so they stay in registers
 * (the test's two values come first: argument registers). */
static MK_NOINLINE const unsigned char *scanPairs(const unsigned char *in, const unsigned char *end, uint32_t xm,
                                                  int32_t xc, mk_kernel_t *k, uint32_t at) {
  uint32_t *ring = k->ring;
  const uint32_t m = k->lpM;
  int32_t lp = k->lpSum;
  while (in != end) {
    uint32_t w;
    memcpy(&w, in, 4u);
    in += 4;
    /* some code 0 or >= 4095: (v - 1) or (v + 1) reaches bit 12 in either half
     * (a borrow or carry between the halves only happens when the lower one is
     * 0 or 0xFFFF, itself caught) */
    if (MK_UNLIKELY((((w - 0x00010001u) | (w + 0x00010001u)) & 0xF000F000u) != 0u)) w = clampWord(k, w, at);
    lp += (int32_t)(w & 0xFFFFu) - (int32_t)(ring[(at - m) & MK_RING_MASK] & 0xFFFFu);
    ring[at & MK_RING_MASK] = w;
    at++;
    if ((int32_t)(((uint32_t)lp ^ xm) + (uint32_t)xc) < 0) break;
  }
  k->lpSum = lp;
  return in;
}

static void feedRun(mk_kernel_t *k, const void *src, size_t count) {
  const unsigned char *in = (const unsigned char *)src, *end = in + 4u * count;
  const int32_t midSum = (int32_t)(k->lpM * k->vMid), hy = (int32_t)(k->hyst * k->lpM);
  for (;;) {
    uint64_t h = k->head, wake;
    const unsigned char *stop = end, *next;
    uint32_t xm = 0u;
    int32_t xc = 0, wakeHere = 0; /* moving sum not full: xm = xc = 0, y = lp >= 0 never fires */
    if (h < k->lpM) {
      wake = k->lpM;
    } else {
      wake = nextWake(k);
      detectTest(k->armed, k->expect, midSum, hy, &xm, &xc);
    }
    /* pairs [in, stop) need no detect() unless the test fires; the last one is
     * the wake sample when that lies in this run (a wake already past, which
     * the state machine does not produce, means every sample, as before) */
    if (wake < h) wake = h;
    if (wake - h < (uint64_t)(end - in) / 4u) {
      stop = in + 4u * (uint32_t)(wake - h + 1u);
      wakeHere = 1;
    }
    next = scanPairs(in, stop, xm, xc, k, (uint32_t)h);
    k->head = h + (uint64_t)((next - in) / 4);
    in = next;
    /* the scan stops early only when the test fires, so the test on the last
     * moving sum tells whether it fired */
    if (!wakeHere && (int32_t)(((uint32_t)k->lpSum ^ xm) + (uint32_t)xc) >= 0) break;
    /* sample head - 1 needs detect() (the test fired, or the wake) */
    detect(k, k->head - 1u, k->lpSum - midSum);
    if (in == end) break;
  }
  if (k->head > k->delay) tailTo(k, k->head - k->delay);
}

/* Runs of at most MK_RUN pairs keep the accumulation within the ring. */
int mk_feed_packed(mk_kernel_t *k, const uint32_t *words, size_t count) {
  size_t off;
  for (off = 0; off < count; off += MK_RUN) feedRun(k, words + off, count - off < MK_RUN ? count - off : MK_RUN);
  return (int)(k->qHead - k->qTail);
}

/* {v, i} uint16 pairs are the packed words' memory on a little-endian CPU. */
int mk_feed_pairs(mk_kernel_t *k, const uint16_t *vi, size_t pairs) {
#if MK_LITTLE_ENDIAN
  size_t off;
  for (off = 0; off < pairs; off += MK_RUN) feedRun(k, vi + 2u * off, pairs - off < MK_RUN ? pairs - off : MK_RUN);
#else
  uint32_t words[MK_RUN];
  size_t off, j;
  for (off = 0; off < pairs; off += MK_RUN) {
    size_t n = pairs - off < MK_RUN ? pairs - off : MK_RUN;
    for (j = 0; j < n; j++) words[j] = (uint32_t)vi[2u * (off + j)] | (uint32_t)vi[2u * (off + j) + 1u] << 16;
    feedRun(k, words, n);
  }
#endif
  return (int)(k->qHead - k->qTail);
}

int mk_flush(mk_kernel_t *k) {
  mk_window_t *w = &k->cur;
  /* Detection saw every sample; a crossing still waiting for its fit's look-ahead
   * cannot be refined and is not used. A window that completes inside these samples
   * ends at a refined crossing at least K samples before the newest, so its points
   * are made from real samples as usual; the open window's last points read ring
   * words past the newest sample, which is harmless: a partial window has no FFT. */
  tailTo(k, k->head);
  if (!k->inWindow || w->sampleCount == 0u) return (int)(k->qHead - k->qTail);
  k->inWindow = 0u;
  w->flags |= MK_FLAG_PARTIAL;
  if (k->freqRangeSeen) w->flags |= MK_FLAG_FREQ_RANGE;
  w->cycles = k->cyclesSeen;
  w->crossingCount = (uint8_t)(k->cyclesSeen + 1u);
  w->harmonicMaxOrder = 0u;
  w->thdMaxOrder = 0u;
  w->syncErrorQ16 = 0;
  lastEdges(k, w, w->startSample + w->sampleCount);
  {
    mk_window_t *slot = claimSlot(k, w);
    if (slot) {
      memset(slot->hVQ16, 0, sizeof slot->hVQ16);
      memset(slot->hIQ16, 0, sizeof slot->hIQ16);
      k->qHead++;
    }
  }
  return (int)(k->qHead - k->qTail);
}

int mk_take_window(mk_kernel_t *k, mk_window_t *out) {
  if (k->qTail == k->qHead) return 0;
  *out = k->queue[k->qTail % MK_QUEUE_LEN];
  k->qTail++;
  return 1;
}
