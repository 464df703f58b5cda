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

#include <string.h>

/* Samples between head and tail. Must exceed K (fit look-ahead), the
 * interpolator's 6-sample look-ahead and the synthetic-crossing margin, and leave
 * the interpolator's 5-sample look-back plus the fit's pre-crossing offset inside
 * the ring: K < MK_DELAY <= MK_RING - 16. */
#define MK_DELAY 48u
#define MK_RING_MASK (MK_RING - 1u)

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

static uint32_t isqrt64(uint64_t x) {
  uint64_t r = 0, bit = (uint64_t)1 << 62;
  while (bit > x) bit >>= 2;
  while (bit != 0) {
    if (x >= r + bit) {
      x -= r + bit;
      r = (r >> 1) + bit;
    } else {
      r >>= 1;
    }
    bit >>= 2;
  }
  return (uint32_t)r;
}

/* sqrt(g) * 2^h, rounded, saturated to uint32. */
static uint32_t sqrtScaled(uint64_t g, int h) {
  int s = 0;
  uint32_t r;
  if (g == 0) return 0;
  while (g < ((uint64_t)1 << 60) && s < 24) {
    g <<= 2;
    s++;
  }
  r = isqrt64(g);
  h -= s;
  if (h >= 0) {
    if (h >= 32 || r > (0xFFFFFFFFu >> h)) return 0xFFFFFFFFu;
    return r << h;
  }
  if (h <= -32) return 0;
  return (uint32_t)(((uint64_t)r + ((uint64_t)1 << (-h - 1))) >> -h);
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
  k->marginQ16 = k->tNomQ16 / 8u;
  if (k->marginQ16 > ((MK_DELAY - 2u) << 16)) k->marginQ16 = (MK_DELAY - 2u) << 16;
  k->guardQ16 = k->tNomQ16 / 4u;
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
  int32_t K = k->K, j, sy = 0, sxy = 0;
  int64_t q = (int64_t)2 * K * (2 * K - 1) * (2 * K + 1) / 3;
  int64_t x0Q16 = 0, pos;
  for (j = 0; j < 2 * K; j++) {
    int32_t y = (int32_t)k->ringV[(uint32_t)(d - (uint64_t)K + (uint64_t)j) & MK_RING_MASK] - (int32_t)k->vMid;
    sy += y;
    sxy += (2 * j - 2 * K + 1) * y;
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
  pos = ((int64_t)d << 16) - 32768 + x0Q16;
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
  pushEvent(k, d, pos, MK_EV_RISE);
}

static void detect(mk_kernel_t *k, uint64_t h, uint16_t v) {
  int32_t dv = (int32_t)v - (int32_t)k->vMid;
  int64_t hQ = (int64_t)h << 16;
  if (k->pendingFit && h >= k->pendingDet + k->K - 1u) {
    k->pendingFit = 0u;
    refineRise(k);
  }
  if (k->expect == EXPECT_FALL) {
    if (dv > (int32_t)k->hyst) {
      k->armed = 1u;
    } else if (k->armed && dv < 0 && !k->pendingFit && hQ - k->lastEventQ16 >= (int64_t)k->guardQ16) {
      pushEvent(k, h, hQ, MK_EV_FALL);
      k->lastEventQ16 = hQ;
      k->armed = 0u;
      k->expect = EXPECT_RISE;
    }
  } else {
    if (dv < -(int32_t)k->hyst) {
      k->armed = 1u;
    } else if (k->armed && dv >= 0 &&
               (k->expect == EXPECT_SEEK || hQ - k->lastEventQ16 >= (int64_t)k->guardQ16)) {
      k->pendingFit = 1u;
      k->pendingDet = h;
      k->armed = 0u;
      k->expect = EXPECT_FALL;
    }
  }
  /* No crossing where one was due (dip to near zero, interruption): place it at
   * the predicted half period so windows and Urms(1/2) keep their rhythm. */
  if (k->expect != EXPECT_SEEK && !k->pendingFit &&
      hQ >= k->lastEventQ16 + (int64_t)(k->tPredQ16 / 2u) + (int64_t)k->marginQ16) {
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
    k->armed = 0u;
  }
}

/* One resampled point at absolute sample n0 + frac/2^32 for both channels. */
static void resamplePoint(mk_kernel_t *k, uint64_t n0, uint32_t frac, uint32_t j) {
  uint32_t ph = ((frac >> 24) + 1u) >> 1; /* nearest of 128 phases; 128 = next sample */
  const int16_t *h = mk_interp[ph];
  uint64_t base = n0 - (MK_INTERP_TAPS / 2u - 1u);
  int32_t accV = 0, accI = 0, m;
  uint64_t newest = k->head - 1u;
  for (m = 0; m < (int32_t)MK_INTERP_TAPS; m++) {
    uint64_t n = base + (uint64_t)m;
    uint32_t r;
    if (n > newest) n = newest; /* only after a large frequency jump; flagged by sync error */
    r = (uint32_t)n & MK_RING_MASK;
    accV += h[m] * ((int32_t)k->ringV[r] - (int32_t)k->rsMidV);
    accI += h[m] * ((int32_t)k->ringI[r] - (int32_t)k->rsMidI);
  }
  /* Q14 coefficients -> 3 fractional bits (x8) kept for the FFT */
  accV = (accV + (1 << 10)) >> 11;
  accI = (accI + (1 << 10)) >> 11;
  if (accV > 32767) accV = 32767;
  if (accV < -32768) accV = -32768;
  if (accI > 32767) accI = 32767;
  if (accI < -32768) accI = -32768;
#ifdef MK_DEBUG_POINT
  MK_DEBUG_POINT(k, n0, frac, j, accV);
#endif
  k->bufV[j] = (int16_t)accV;
  k->bufI[j] = (int16_t)accI;
}

/* Produces the window's points that lie before sample `limit` (all if force). */
static void resampleUpTo(mk_kernel_t *k, uint64_t limit, int force) {
  while (k->rsNext < k->fftN) {
    int64_t n0rel = k->rsPosQ32 >> 32;
    uint64_t n0 = k->rsBase + (uint64_t)n0rel;
    if (!force && n0 >= limit) break;
    resamplePoint(k, n0, (uint32_t)k->rsPosQ32, k->rsNext);
    k->rsPosQ32 += k->rsStepQ32;
    k->rsNext++;
  }
}

/* cos and sin of 2*pi*a/2048 for 0 <= a < 1024, Q15. */
static void twiddle(uint32_t a, int32_t *c, int32_t *s) {
  if (a <= 512u) {
    *c = mk_cos[a];
    *s = mk_cos[512u - a];
  } else {
    *c = -mk_cos[1024u - a];
    *s = mk_cos[a - 512u];
  }
}

/* In-place radix-2 complex FFT of m points (interleaved re, im), block floating
 * point: a stage halves its outputs when any input component reaches 2^13, which
 * keeps every complex magnitude below 2^15 (unscaled: |a|+|b| < 2*sqrt(2)*2^13;
 * scaled: (|a|+|b|)/2 <= max). Returns the number of halvings. */
static int cfft(int16_t *z, uint32_t m) {
  uint32_t i, j, len, bits = 0;
  uint32_t orv = 0;
  int e = 0;
  for (i = 1; i < m; i <<= 1) bits++;
  for (i = 0; i < m; i++) {
    uint32_t r = 0, x = i, b;
    for (b = 0; b < bits; b++) {
      r = (r << 1) | (x & 1u);
      x >>= 1;
    }
    if (r > i) {
      int16_t t = z[2 * i];
      z[2 * i] = z[2 * r];
      z[2 * r] = t;
      t = z[2 * i + 1];
      z[2 * i + 1] = z[2 * r + 1];
      z[2 * r + 1] = t;
    }
  }
  for (i = 0; i < 2 * m; i++) {
    int32_t v = z[i];
    orv |= (uint32_t)(v < 0 ? -v : v);
  }
  for (len = 2; len <= m; len <<= 1) {
    uint32_t half = len >> 1, stride = 2048u / len;
    int sh = orv >= 8192u ? 1 : 0;
    int32_t rnd = sh;
    e += sh;
    orv = 0;
    for (j = 0; j < half; j++) {
      int32_t c, s;
      twiddle(j * stride, &c, &s);
      for (i = j; i < m; i += len) {
        int16_t *a = &z[2 * i], *b = &z[2 * (i + half)];
        int32_t br = b[0], bi = b[1];
        int32_t tr = (c * br + s * bi + 0x4000) >> 15;
        int32_t ti = (c * bi - s * br + 0x4000) >> 15;
        int32_t ur = (a[0] + tr + rnd) >> sh, ui = (a[1] + ti + rnd) >> sh;
        int32_t vr = (a[0] - tr + rnd) >> sh, vi = (a[1] - ti + rnd) >> sh;
        a[0] = (int16_t)ur;
        a[1] = (int16_t)ui;
        b[0] = (int16_t)vr;
        b[1] = (int16_t)vi;
        orv |= (uint32_t)(ur < 0 ? -ur : ur) | (uint32_t)(ui < 0 ? -ui : ui) |
               (uint32_t)(vr < 0 ? -vr : vr) | (uint32_t)(vi < 0 ? -vi : vi);
      }
    }
  }
  return e;
}

/* Real FFT of the window's N resampled points (as N/2 complex points plus the
 * split step) and IEC 61000-4-7 harmonic groups:
 *   G_n^2 = C_{k-C/2}^2 / 2 + sum_{i=-C/2+1}^{C/2-1} C_{k+i}^2 + C_{k+C/2}^2 / 2, k = C n,
 * C the cycles per window, C_k the bin rms. Group 0 is the DC bin alone. */
static void harmonicGroups(mk_kernel_t *k, int16_t *buf, uint32_t *out) {
  uint32_t n = k->fftN, m = n / 2u, cyc = k->cfg.cycles, halfC = cyc / 2u;
  uint32_t kmax = 50u * cyc + halfC, kk;
  uint64_t g[MK_GROUPS];
  int e = cfft(buf, m), q = (int)k->fftLog2;
  memset(g, 0, sizeof g);
  for (kk = 1; kk <= kmax; kk++) {
    int32_t zr = buf[2 * kk], zi = buf[2 * kk + 1];
    int32_t wr = buf[2 * (m - kk)], wi = buf[2 * (m - kk) + 1];
    int32_t er = zr + wr, ei = zi - wi; /* Z[k] + conj Z[m-k] = 2 Fe */
    int32_t dr = zi + wi, di = wr - zr; /* (Z[k] - conj Z[m-k]) / j = 2 Fo */
    int32_t c, s;
    int32_t xr, xi;
    uint64_t p;
    uint32_t grp = (kk + halfC) / cyc;
    twiddle(kk * (2048u / n), &c, &s);
    /* X2 = 2 X[k] = 2 Fe + W^k 2 Fo, W = cos - j sin */
    xr = er + (int32_t)(((int64_t)c * dr + (int64_t)s * di + 0x4000) >> 15);
    xi = ei + (int32_t)(((int64_t)c * di - (int64_t)s * dr + 0x4000) >> 15);
    p = (uint64_t)((int64_t)xr * xr) + (uint64_t)((int64_t)xi * xi);
    if ((kk + halfC) % cyc == 0u) {
      if (grp - 1u >= 1u) g[grp - 1u] += p;
      if (grp <= 50u) g[grp] += p;
    } else if (grp >= 1u) {
      g[grp] += 2u * p;
    }
  }
  /* ms (LSB^2) = sum w |X2|^2 4^e / (256 N^2)  (w = 2 inner, 1 outer bins; input x8),
   * rms Q16 = sqrt(sum w |X2|^2) * 2^(e + 12 - log2 N) */
  for (kk = 1; kk < MK_GROUPS; kk++) out[kk] = sqrtScaled(g[kk], e + 12 - q);
  out[0] = 0u;
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
  k->rsPosQ32 = (int64_t)w->crossingQ16[0] << 16;
  k->rsStepQ32 = (int64_t)(((uint64_t)k->tPredQ16 * k->cfg.cycles << 16) / k->fftN);
  k->rsNext = 0u;
  k->rsMidV = k->vMid;
  k->rsMidI = k->iMid;
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
  /* the tail has not taken sample s yet: prev is N-1, prev2 is N-2 */
  w->edgeV[2] = k->prev2V;
  w->edgeV[3] = k->prevV;
  w->edgeI[2] = k->prev2I;
  w->edgeI[3] = k->prevI;
  order = (uint32_t)(((uint64_t)k->tPredQ16 * MK_PASS_NUM / MK_PASS_DEN) >> 16);
  w->harmonicMaxOrder = (uint8_t)(order > 50u ? 50u : order);
  if (w->sampleCount > 0u) {
    k->vMid = (uint16_t)((w->sumV + w->sampleCount / 2u) / w->sampleCount);
    k->iMid = (uint16_t)((w->sumI + w->sampleCount / 2u) / w->sampleCount);
  }
  k->windows++;
  (void)s;
  if (k->qHead - k->qTail >= MK_QUEUE_LEN) {
    if (k->dropped < 0xFFFFu) k->dropped++;
    return; /* the consumer is late: skip the FFT as well */
  }
  slot = &k->queue[k->qHead % MK_QUEUE_LEN];
  *slot = *w;
  slot->droppedBefore = k->dropped;
  k->dropped = 0u;
#ifdef MK_DEBUG_HOOK
  MK_DEBUG_HOOK(k);
#endif
  harmonicGroups(k, k->bufV, slot->hVQ16);
  harmonicGroups(k, k->bufI, slot->hIQ16);
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
        int64_t endQ32 = (relQ16 + (int64_t)(k->cfg.cycles - k->cyclesSeen) * k->tPredQ16) << 16;
        int64_t step = (endQ32 - k->rsPosQ32) / (int64_t)(k->fftN - k->rsNext);
        if (step > 0) k->rsStepQ32 = step;
      }
    }
  }
  if (e->kind & MK_EV_SYNTH) k->cur.flags |= MK_FLAG_SYNTHETIC;
}

static void tail(mk_kernel_t *k, uint64_t s) {
  uint32_t r = (uint32_t)s & MK_RING_MASK;
  uint16_t v = k->ringV[r], i = k->ringI[r];
  while (k->evTail != k->evHead && k->ev[k->evTail % MK_EVENTS].sample <= s) {
    handleEvent(k, &k->ev[k->evTail % MK_EVENTS], s);
    k->evTail++;
  }
  if (k->halves > 0u) {
    k->curHalfN++;
    k->curHalfSumV += v;
    k->curHalfSumVV += (uint32_t)v * v;
  }
  if (k->inWindow) {
    mk_window_t *w = &k->cur;
    if (w->sampleCount < 2u) {
      w->edgeV[w->sampleCount] = v;
      w->edgeI[w->sampleCount] = i;
    }
    if (v == 0u || v >= 4095u) w->flags |= MK_FLAG_CLIP_V;
    if (i == 0u || i >= 4095u) w->flags |= MK_FLAG_CLIP_I;
    w->sampleCount++;
    w->sumV += v;
    w->sumI += i;
    w->sumVV += (uint32_t)v * v;
    w->sumII += (uint32_t)i * i;
    w->sumVI += (uint32_t)v * i;
    w->sumVIp += (uint32_t)v * k->prevI;
    w->sumVpI += (uint32_t)k->prevV * i;
    resampleUpTo(k, s, 0);
  }
  k->prev2V = k->prevV;
  k->prev2I = k->prevI;
  k->prevV = v;
  k->prevI = i;
}

static void step(mk_kernel_t *k, uint16_t v, uint16_t i) {
  uint64_t h = k->head;
  uint32_t r = (uint32_t)h & MK_RING_MASK;
  if (v > 4095u) v = 4095u;
  if (i > 4095u) i = 4095u;
  k->ringV[r] = v;
  k->ringI[r] = i;
  k->head = h + 1u; /* head is the count of samples in the ring, newest = head - 1 */
  detect(k, h, v);
  if (h >= MK_DELAY) tail(k, h - MK_DELAY);
}

int mk_feed_pairs(mk_kernel_t *k, const uint16_t *vi, size_t pairs) {
  size_t p;
  for (p = 0; p < pairs; p++) step(k, vi[2 * p], vi[2 * p + 1]);
  return (int)(k->qHead - k->qTail);
}

int mk_feed_packed(mk_kernel_t *k, const uint32_t *words, size_t count) {
  size_t p;
  for (p = 0; p < count; p++) step(k, (uint16_t)(words[p] & 0xFFFFu), (uint16_t)(words[p] >> 16));
  return (int)(k->qHead - k->qTail);
}

int mk_take_window(mk_kernel_t *k, mk_window_t *out) {
  if (k->qTail == k->qHead) return 0;
  *out = k->queue[k->qTail % MK_QUEUE_LEN];
  k->qTail++;
  return 1;
}
