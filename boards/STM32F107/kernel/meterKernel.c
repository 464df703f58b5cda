/*
 * meterKernel: see meterKernel.h for the contract and README.md for the choices
 * (sampling rate, resampling, fixed-point FFT) and their measured cost.
 *
 * Two pointers walk the sample stream. Detection runs on the newest sample (head):
 * it finds voltage zero crossings and refines each rising one once the K samples
 * after it have arrived. Accumulation runs MK_DELAY samples behind (tail), so every
 * crossing, including a synthetic one placed at the predicted period when the
 * voltage is gone, is known before the tail reaches it: window boundaries and
 * half-cycle boundaries then fall on exact samples without look-back.
 */
#include "meterKernel.h"
#include "meterKernelTables.h"
#include "harmonicFft.h"

#include <string.h>

/* Pairs written to the ring before the accumulation catches up: small, so the
 * ring stays small (MK_DELAY + MK_RUN + the interpolator's 11 <= MK_RING). */
#define MK_RUN 28u

/* Samples between head (detection) and tail (accumulation). A crossing is known
 * K + (lpM - 1)/2 samples after it happened (fit look-ahead plus the moving
 * average's delay, at most 16 + 23.5), a missing one only after the margin past its
 * predicted time (a fifth of a nominal cycle, capped here): both must come before
 * the tail reaches it. */
#define MK_DELAY 88u
/* hot loops stay in their own functions so that each gets the registers */
#define MK_NOINLINE __attribute__((noinline))
#define MK_RING_MASK (MK_RING - 1u)
/* A ring word holds a pair as v | i << 16; bit 15 of each half marks a clipped
 * sample (code 0 or 4095), so the accumulation finds clipping with one OR. */
#define MK_CODE_MASK 0x0FFFu
#define MK_CLIP_MARK 0x8000u
#if MK_DELAY + MK_RUN + 11u > MK_RING
#error "ring too small for the delay and the run"
#endif

#define MK_EV_RISE 1u
#define MK_EV_FALL 2u
#define MK_EV_SYNTH 4u

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
    case MK_E_RATE: return "sampleRateHz must be 1000..51200";
    case MK_E_NOMINAL: return "nominalHz must be 50 or 60";
    case MK_E_CYCLES: return "cycles must be 0, 10 or 12 (12 needs a build with MK_FFT_N_MAX=2048)";
    case MK_E_FIT: return "fitHalfWidth must be 0..16";
    default: return "unknown kernel error";
  }
}

int mk_init(mk_kernel_t *k, const mk_config_t *cfg) {
  mk_config_t c = *cfg;
  uint32_t n;
  if (c.sampleRateHz < 1000u || c.sampleRateHz > 51200u) return MK_E_RATE;
  if (c.nominalHz != 50u && c.nominalHz != 60u) return MK_E_NOMINAL;
  if (c.cycles == 0u) c.cycles = c.nominalHz == 50u ? 10u : 12u;
  if (c.cycles != 10u && c.cycles != 12u) return MK_E_CYCLES;
  n = c.cycles == 10u ? 1024u : 2048u;
  if (n > MK_FFT_N_MAX) return MK_E_CYCLES;
  if (c.fitHalfWidth > 16u) return MK_E_FIT;
  if (c.fitHalfWidth == 0u) {
    /* about 0.25 rad of the fundamental each side: round(fs * 0.04 / fnom) */
    uint32_t kk = (c.sampleRateHz * 4u + 50u * c.nominalHz) / (100u * c.nominalHz);
    c.fitHalfWidth = (uint8_t)(kk < 2u ? 2u : kk > 16u ? 16u : kk);
  }
  if (c.vMidLsb == 0u) c.vMidLsb = 2048u;
  if (c.hysteresisLsb == 0u) c.hysteresisLsb = 8u;

  memset(k, 0, sizeof *k);
  k->cfg = c;
  k->fftN = n;
  k->fftLog2 = n == 1024u ? 10u : 11u;
  k->K = c.fitHalfWidth;
  k->hyst = c.hysteresisLsb;
  k->tNomQ16 = (uint32_t)(((uint64_t)c.sampleRateHz << 16) / c.nominalHz);
  k->tPredQ16 = k->tNomQ16;
  /* a fifth of a cycle: covers a 15 % frequency step before the first measured
   * period and the half-cycle asymmetry of distorted waves */
  k->marginQ16 = k->tNomQ16 / 5u;
  k->guardQ16 = k->tNomQ16 / 4u;
  /* Crossings are found on a moving average of 3/16 of a nominal cycle (48 codes
   * at 12.8 kHz): it keeps the fundamental (0.94) and the crossing shape, and
   * divides the slope that a high harmonic adds near the crossing by 20 (39th:
   * 0.046), so 8 % THD cannot create extra crossings; its delay is exact (linear
   * phase) and subtracted. */
  {
    uint32_t m = (c.sampleRateHz * 3u + 8u * c.nominalHz) / (16u * c.nominalHz);
    k->lpM = m < 1u ? 1u : m > 48u ? 48u : m;
    k->lpDelayQ16 = (k->lpM - 1u) << 15;
  }
  /* the synthetic crossing must still lie ahead of the accumulation */
  if (k->marginQ16 + k->lpDelayQ16 > ((MK_DELAY - 2u) << 16)) k->marginQ16 = ((MK_DELAY - 2u) << 16) - k->lpDelayQ16;
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
 * doubled abscissae (odd integers) x0 = -Sy * Q / (4K * Sxy2), Q = sum (2x)^2. */
static void refineRise(mk_kernel_t *k) {
  uint64_t d = k->pendingDet;
  int32_t K = k->K, j, sy = 0;
  int64_t sxy = 0;
  int64_t q = (int64_t)2 * K * (2 * K - 1) * (2 * K + 1) / 3;
  int64_t x0Q16 = 0, pos;
  int32_t midSum = (int32_t)(k->lpM * k->vMid);
  for (j = 0; j < 2 * K; j++) {
    int32_t y = k->lpRing[(uint32_t)(d - (uint64_t)K + (uint64_t)j) & 63u] - midSum;
    sy += y;
    sxy += (int64_t)(2 * j - 2 * K + 1) * y;
  }
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
    } else {
      k->freqRangeSeen = 1u;
    }
  }
  k->lastRiseQ16 = pos;
  k->lastRiseReal = 1u;
  k->lastEventQ16 = pos;
  updateDeadline(k);
  pushEvent(k, (uint64_t)((pos + 0xFFFF) >> 16), pos, MK_EV_RISE);
}

/* dv: moving sum of the voltage minus lpM * mid at the newest sample h. */
static MK_NOINLINE void detect(mk_kernel_t *k, uint64_t h, int32_t dv) {
  int32_t hy = (int32_t)(k->hyst * k->lpM);
  /* position of a crossing between h-1 and h of the moving average, in the
   * signal's own time */
  int64_t hQ = ((int64_t)h << 16) - 32768 - (int64_t)k->lpDelayQ16;
  if (k->pendingFit && h >= k->pendingDet + k->K - 1u) {
    k->pendingFit = 0u;
    refineRise(k);
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

/* One resampled point at absolute sample n0 + frac/2^32 for both channels. Each
 * phase's coefficients sum to exactly 16384, so the mid code is removed once. */
static void resamplePoint(mk_kernel_t *k, uint64_t n0, uint32_t frac, uint32_t j) {
  uint32_t ph = ((frac >> 24) + 1u) >> 1; /* nearest of 128 phases; 128 = next sample */
  const int16_t *h = mk_interp[ph];
  uint64_t base = n0 - (MK_INTERP_TAPS / 2u - 1u);
  int32_t accV = 0, accI = 0;
  uint32_t m;
  if (base + MK_INTERP_TAPS <= k->head && ((uint32_t)base & MK_RING_MASK) <= MK_RING - MK_INTERP_TAPS) {
    /* common case: the taps do not wrap around the ring */
    const uint32_t *p = &k->ring[(uint32_t)base & MK_RING_MASK];
#pragma GCC unroll 12
    for (m = 0; m < MK_INTERP_TAPS; m++) {
      int32_t c = h[m];
      uint32_t w = p[m];
      accV += c * (int32_t)(w & MK_CODE_MASK);
      accI += c * (int32_t)((w >> 16) & MK_CODE_MASK);
    }
  } else {
    /* wrapping, or (only after a large frequency jump, flagged by the sync
     * error) reaching past the newest sample */
    uint64_t newest = k->head - 1u;
    for (m = 0; m < MK_INTERP_TAPS; m++) {
      uint64_t n = base + m > newest ? newest : base + m;
      uint32_t w = k->ring[(uint32_t)n & MK_RING_MASK];
      accV += h[m] * (int32_t)(w & MK_CODE_MASK);
      accI += h[m] * (int32_t)((w >> 16) & MK_CODE_MASK);
    }
  }
  accV -= (int32_t)k->rsMidV << 14;
  accI -= (int32_t)k->rsMidI << 14;
  /* Q14 coefficients -> 3 fractional bits (x8) kept for the FFT */
  accV = (accV + (1 << 10)) >> 11;
  accI = (accI + (1 << 10)) >> 11;
  if (accV > 32767) accV = 32767;
  if (accV < -32768) accV = -32768;
  if (accI > 32767) accI = 32767;
  if (accI < -32768) accI = -32768;
  k->bufV[j] = (int16_t)accV;
  k->bufI[j] = (int16_t)accI;
}

/* Produces the window's points that lie before sample `limit` (all if force). */
static MK_NOINLINE void resampleUpTo(mk_kernel_t *k, uint64_t limit, int force) {
  while (k->rsNext < k->fftN) {
    int64_t n0rel = k->rsPosQ32 >> 32;
    uint64_t n0 = k->rsBase + (uint64_t)n0rel;
    if (!force && n0 >= limit) break;
    resamplePoint(k, n0, (uint32_t)k->rsPosQ32, k->rsNext);
    k->rsPosQ32 += k->rsStepQ32;
    k->rsNext++;
  }
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
  k->rsPosQ32 = (int64_t)w->crossingQ16[0] * 65536; /* may be negative: no shift */
  k->rsStepQ32 = (int64_t)(((uint64_t)k->tPredQ16 * k->cfg.cycles << 16) / k->fftN);
  k->rsNext = 0u;
  k->rsMidV = k->vMid;
  k->rsMidI = k->iMid;
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

static void finishWindow(mk_kernel_t *k, uint64_t s, int64_t posQ16) {
  mk_window_t *w = &k->cur, *slot;
  int64_t endRelQ16 = posQ16 - ((int64_t)w->startSample << 16);
  int64_t spanQ16 = endRelQ16 - w->crossingQ16[0];
  int64_t syncQ16;
  uint32_t order;
  w->crossingQ16[k->cfg.cycles] = (int32_t)endRelQ16;
  resampleUpTo(k, 0, 1);
  syncQ16 = (k->rsPosQ32 >> 16) - endRelQ16;
  w->syncErrorQ16 = (int32_t)syncQ16;
  if ((syncQ16 < 0 ? -syncQ16 : syncQ16) * 1000 > spanQ16) w->flags |= MK_FLAG_SYNC;
  if (k->freqRangeSeen) w->flags |= MK_FLAG_FREQ_RANGE;
  /* samples N-2 and N-1 are s-2 and s-1, still in the ring */
  {
    uint32_t a = k->ring[(uint32_t)(s - 2u) & MK_RING_MASK], b = k->ring[(uint32_t)(s - 1u) & MK_RING_MASK];
    w->edgeV[2] = (uint16_t)(a & MK_CODE_MASK);
    w->edgeI[2] = (uint16_t)((a >> 16) & MK_CODE_MASK);
    w->edgeV[3] = (uint16_t)(b & MK_CODE_MASK);
    w->edgeI[3] = (uint16_t)((b >> 16) & MK_CODE_MASK);
  }
  order = (uint32_t)(((uint64_t)k->tPredQ16 * MK_PASS_NUM / MK_PASS_DEN) >> 16);
  w->harmonicMaxOrder = (uint8_t)(order > 50u ? 50u : order);
  if (w->sampleCount > 0u) {
    uint16_t mean = (uint16_t)((w->sumV + w->sampleCount / 2u) / w->sampleCount);
    if (steadyAmplitude(w)) k->vMid = mean;
    else if (mean > k->vMid) k->vMid++;
    else if (mean < k->vMid) k->vMid--;
    k->iMid = (uint16_t)((w->sumI + w->sampleCount / 2u) / w->sampleCount);
  }
  k->windows++;
  if (k->qHead - k->qTail >= MK_QUEUE_LEN) {
    if (k->dropped < 0xFFFFu) k->dropped++;
    return; /* the consumer is late: skip the FFT as well */
  }
  slot = &k->queue[k->qHead % MK_QUEUE_LEN];
  *slot = *w;
  slot->droppedBefore = k->dropped;
  k->dropped = 0u;
  mk_harmonic_groups(k->bufV, k->fftN, k->fftLog2, k->cfg.cycles, slot->hVQ16);
  mk_harmonic_groups(k->bufI, k->fftN, k->fftLog2, k->cfg.cycles, slot->hIQ16);
  /* group 0 (DC) from the exact sums: the FFT's rounding biases its DC bin */
  slot->hVQ16[0] = w->sampleCount ? (uint32_t)((((uint64_t)w->sumV << 16) + w->sampleCount / 2u) / w->sampleCount) : 0u;
  slot->hIQ16[0] = w->sampleCount ? (uint32_t)((((uint64_t)w->sumI << 16) + w->sampleCount / 2u) / w->sampleCount) : 0u;
  k->qHead++;
}

/* A half-cycle boundary: the cycle made of the last two half cycles gives one
 * Urms(1/2) value, ms = (n SS - S^2) / n^2 (its own DC removed). */
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
      uint64_t num = n * svv - sv * sv, ms;
      mk_window_t *w = &k->cur;
      ms = n == 0u ? 0u : (num << 8) / (n * n);
      if (w->urmsCount < MK_URMS_MAX) {
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
    startWindow(k, s, e->posQ16);
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
        int64_t step = (endQ32 - k->rsPosQ32) / (int64_t)(k->fftN - k->rsNext);
        if (step > 0) k->rsStepQ32 = step;
      }
    }
  }
  if (e->kind & MK_EV_SYNTH) k->cur.flags |= MK_FLAG_SYNTHETIC;
}

/* Accumulates samples [s, s + n) (n <= MK_RUN, no event inside): 32-bit partial sums
 * (64 * 4095^2 < 2^32), added to the window and half-cycle sums. Two passes of
 * few accumulators each, so that each fits the Cortex-M3's registers. */
/* Sums over n ring words: [0] v, [1] i, [2] v*v, [3] i*i, [4] OR of the words
 * (clip marks). Own function: its accumulators fit the registers. */
static MK_NOINLINE void sumsSquares(const uint32_t *p, uint32_t n, uint32_t *out) {
  uint32_t sV = 0, sI = 0, sVV = 0, sII = 0, marks = 0;
  const uint32_t *e = p + n;
  for (; p != e; p++) {
    uint32_t w = *p, v = w & MK_CODE_MASK, i = (w >> 16) & MK_CODE_MASK;
    sV += v;
    sI += i;
    sVV += v * v;
    sII += i * i;
    marks |= w;
  }
  out[0] += sV;
  out[1] += sI;
  out[2] += sVV;
  out[3] += sII;
  out[4] |= marks;
}

/* Sums v*i, v[n]*i[n-1], v[n-1]*i[n] over n ring words; prev holds the pair
 * before the first word and is updated. */
static MK_NOINLINE void sumsProducts(const uint32_t *p, uint32_t n, uint32_t *prev, uint32_t *out) {
  uint32_t sVI = 0, sVIp = 0, sVpI = 0, pv = prev[0], pi = prev[1];
  const uint32_t *e = p + n;
  for (; p != e; p++) {
    uint32_t w = *p, v = w & MK_CODE_MASK, i = (w >> 16) & MK_CODE_MASK;
    sVI += v * i;
    sVIp += v * pi;
    sVpI += pv * i;
    pv = v;
    pi = i;
  }
  prev[0] = pv;
  prev[1] = pi;
  out[0] += sVI;
  out[1] += sVIp;
  out[2] += sVpI;
}

/* Accumulates samples [s, s + n) (n <= MK_RUN, no event inside): 32-bit partial sums
 * (64 * 4095^2 < 2^32), added to the window and half-cycle sums. */
static void accumulate(mk_kernel_t *k, uint64_t s, uint32_t n) {
  uint32_t sq[5] = {0, 0, 0, 0, 0}, pr[3] = {0, 0, 0}, prev[2];
  uint32_t first = (uint32_t)s & MK_RING_MASK, done = 0;
  uint32_t sV, sI, sVV, sII, sVI, sVIp, sVpI, clip;
  prev[0] = k->prevV;
  prev[1] = k->prevI;
  while (done < n) { /* at most two contiguous pieces of the ring */
    uint32_t at = (first + done) & MK_RING_MASK, seg = MK_RING - at;
    if (seg > n - done) seg = n - done;
    sumsSquares(&k->ring[at], seg, sq);
    sumsProducts(&k->ring[at], seg, prev, pr);
    done += seg;
  }
  sV = sq[0];
  sI = sq[1];
  sVV = sq[2];
  sII = sq[3];
  clip = ((sq[4] & MK_CLIP_MARK) ? 1u : 0u) | ((sq[4] & (MK_CLIP_MARK << 16)) ? 2u : 0u);
  sVI = pr[0];
  sVIp = pr[1];
  sVpI = pr[2];
  k->prevV = (uint16_t)prev[0];
  k->prevI = (uint16_t)prev[1];
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

/* Sample at which detect() has work whatever the signal does. */
static uint64_t nextWake(const mk_kernel_t *k) {
  if (k->pendingFit) return k->pendingDet + k->K - 1u;
  if (k->expect != EXPECT_SEEK) return k->synthAt;
  return ~(uint64_t)0;
}

/* Detection side for a run of pairs, then accumulation up to MK_DELAY behind.
 * The loop keeps the detector state in locals and calls detect() only when a
 * crossing, a pending fit or a missing crossing is due (a few times per cycle). */
static void feedRun(mk_kernel_t *k, const uint16_t *vi, size_t stride, size_t count, int packed) {
  size_t p;
  uint64_t h = k->head, wake = nextWake(k);
  int32_t midSum = (int32_t)(k->lpM * k->vMid), hy = (int32_t)(k->hyst * k->lpM), lp = k->lpSum;
  uint32_t armed = k->armed, expect = k->expect, m = k->lpM;
  uint32_t *ring = k->ring;
  for (p = 0; p < count; p++) {
    uint32_t v, i;
    int32_t dv;
    if (packed) {
      uint32_t word = ((const uint32_t *)(const void *)vi)[p];
      v = word & 0xFFFFu;
      i = word >> 16;
    } else {
      v = vi[stride * p];
      i = vi[stride * p + 1];
    }
    /* 0 and 4095 are clipped codes: mark them (above 4095: clamp and mark) */
    if (v - 1u >= 4094u) v = (v == 0u ? 0u : 4095u) | MK_CLIP_MARK;
    if (i - 1u >= 4094u) i = (i == 0u ? 0u : 4095u) | MK_CLIP_MARK;
    {
      uint32_t at = (uint32_t)h;
      lp += (int32_t)(v & MK_CODE_MASK) - (int32_t)(ring[(at - m) & MK_RING_MASK] & MK_CODE_MASK);
      ring[at & MK_RING_MASK] = v | (i << 16);
      k->lpRing[at & 63u] = lp;
    }
    dv = lp - midSum;
    if (h < m) { /* the moving sum is not full yet: no arming, no detection */
      h++;
      continue;
    }
    if (expect == EXPECT_FALL) {
      if (dv > hy) armed = 1u;
      else if (dv < 0 && armed) goto slow;
    } else {
      if (dv < -hy) armed = 1u;
      else if (dv >= 0 && armed) goto slow;
    }
    if (h < wake) {
      h++;
      continue;
    }
  slow:
    k->armed = (uint8_t)armed;
    k->head = h + 1u;
    detect(k, h, dv);
    armed = k->armed;
    expect = k->expect;
    wake = nextWake(k);
    h++;
  }
  k->head = h;
  k->armed = (uint8_t)armed;
  k->lpSum = lp;
  if (h > MK_DELAY) tailTo(k, h - MK_DELAY);
}

/* Runs of at most MK_RUN pairs keep the accumulation within the ring. */
int mk_feed_pairs(mk_kernel_t *k, const uint16_t *vi, size_t pairs) {
  size_t off;
  for (off = 0; off < pairs; off += MK_RUN) feedRun(k, vi + 2u * off, 2u, pairs - off < MK_RUN ? pairs - off : MK_RUN, 0);
  return (int)(k->qHead - k->qTail);
}

int mk_feed_packed(mk_kernel_t *k, const uint32_t *words, size_t count) {
  size_t off;
  for (off = 0; off < count; off += MK_RUN)
    feedRun(k, (const uint16_t *)(const void *)(words + off), 1u, count - off < MK_RUN ? count - off : MK_RUN, 1);
  return (int)(k->qHead - k->qTail);
}

int mk_take_window(mk_kernel_t *k, mk_window_t *out) {
  if (k->qTail == k->qHead) return 0;
  *out = k->queue[k->qTail % MK_QUEUE_LEN];
  k->qTail++;
  return 1;
}
