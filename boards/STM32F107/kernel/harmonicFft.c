/*
 * harmonicFft: see harmonicFft.h. The fixed-point choices (block floating point,
 * Q15 twiddles, 16-bit square roots) and their measured error floor are in README.md.
 */
#include "harmonicFft.h"
#include "meterKernelTables.h"

#include <string.h>

static uint32_t isqrt32(uint32_t x) {
  uint32_t r = 0, bit = 1u << 30;
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
  return r;
}

/* sqrt(g) * 2^h, rounded, saturated to uint32; 16 significant bits (1.5e-5). */
static uint32_t sqrtScaled(uint64_t g, int h) {
  int lz, s;
  uint32_t r;
  if (g == 0) return 0;
  lz = __builtin_clzll(g);
  if (lz >= 2) {
    s = (lz - 2) >> 1; /* g << 2s has its top bit at 60 or 61: g >> 30 fits 32 bits */
    g <<= 2 * s;
  } else {
    s = -1;
    g >>= 2;
  }
  r = isqrt32((uint32_t)(g >> 30)); /* sqrt(g) = r * 2^15 */
  h += 15 - s;
  if (h >= 0) {
    if (h >= 32 || r > (0xFFFFFFFFu >> h)) return 0xFFFFFFFFu;
    return r << h;
  }
  if (h <= -32) return 0;
  return (uint32_t)(((uint64_t)r + ((uint64_t)1 << (-h - 1))) >> -h);
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

/* The butterflies of one twiddle in one stage: t = W b, a' = (a + t) >> sh,
 * b' = (a - t) >> sh (rounded), with the magnitude bound of the outputs in orv. */
#define MK_BUTTERFLIES(TR, TI)                                                   \
  do {                                                                           \
    for (i = j; i < m; i += len) {                                               \
      int16_t *a = &z[2 * i], *b = &z[2 * (i + half)];                           \
      int32_t br = b[0], bi = b[1];                                              \
      int32_t tr = (TR), ti = (TI);                                              \
      int32_t ur = (a[0] + tr + rnd) >> sh, ui = (a[1] + ti + rnd) >> sh;        \
      int32_t vr = (a[0] - tr + rnd) >> sh, vi = (a[1] - ti + rnd) >> sh;        \
      a[0] = (int16_t)ur;                                                        \
      a[1] = (int16_t)ui;                                                        \
      b[0] = (int16_t)vr;                                                        \
      b[1] = (int16_t)vi;                                                        \
      orv |= (uint32_t)((ur ^ (ur >> 31)) | (ui ^ (ui >> 31)) | (vr ^ (vr >> 31)) | (vi ^ (vi >> 31))); \
    }                                                                            \
  } while (0)

/* In-place radix-2 complex FFT of m points (interleaved re, im), block floating
 * point: a stage halves its outputs when any input component reaches 2^13, which
 * keeps every complex magnitude below 2^15 (unscaled: |a|+|b| < 2*sqrt(2)*2^13;
 * scaled: (|a|+|b|)/2 <= max). Returns the number of halvings. */
static int cfft(int16_t *z, uint32_t m) {
  uint32_t i, j, len;
  uint32_t orv = 0;
  int e = 0;
  /* bit-reversal permutation, incremental reversed counter */
  for (i = 0, j = 0; i < m; i++) {
    uint32_t bit;
    if (j > i) {
      int16_t t = z[2 * i];
      z[2 * i] = z[2 * j];
      z[2 * j] = t;
      t = z[2 * i + 1];
      z[2 * i + 1] = z[2 * j + 1];
      z[2 * j + 1] = t;
    }
    for (bit = m >> 1; j & bit; bit >>= 1) j ^= bit;
    j |= bit;
  }
  /* x ^ (x >> 31) is |x| for x >= 0 and |x| - 1 below: enough for a bound */
  for (i = 0; i < 2 * m; i++) {
    int32_t v = z[i];
    orv |= (uint32_t)(v ^ (v >> 31));
  }
  for (len = 2; len <= m; len <<= 1) {
    uint32_t half = len >> 1, stride = 2048u / len;
    int sh = orv >= 8192u ? 1 : 0;
    int32_t rnd = sh;
    e += sh;
    orv = 0;
    for (j = 0; j < half; j++) {
      int32_t c, s;
      /* W = 1 (j = 0) and W = -j (j = len/4) need no multiply: a fifth of all
       * butterflies, and the whole first two stages */
      if (j == 0) {
        MK_BUTTERFLIES(br, bi);
      } else if (4u * j == len) {
        MK_BUTTERFLIES(bi, -br);
      } else {
        twiddle(j * stride, &c, &s);
        MK_BUTTERFLIES((c * br + s * bi + 0x4000) >> 15, (c * bi - s * br + 0x4000) >> 15);
      }
    }
  }
  return e;
}

/* Real FFT of the window's N resampled points (as N/2 complex points plus the
 * split step) and IEC 61000-4-7 harmonic groups:
 *   G_n^2 = C_{k-C/2}^2 / 2 + sum_{i=-C/2+1}^{C/2-1} C_{k+i}^2 + C_{k+C/2}^2 / 2, k = C n,
 * C the cycles per window, C_k the bin rms. Group 0 is the DC bin alone. */
void mk_harmonic_groups(int16_t *buf, uint32_t n, uint32_t log2n, uint32_t cycles, uint32_t out[MK_GROUPS]) {
  uint32_t m = n / 2u, cyc = cycles, halfC = cyc / 2u;
  uint32_t kmax = 50u * cyc + halfC, kk;
  uint64_t g[MK_GROUPS];
  int e = cfft(buf, m), q = (int)log2n;
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

