/*
 * harmonicFft: see harmonicFft.h. The fixed-point choices (block floating point,
 * Q15 twiddles, 16-bit square roots) and their measured error floor are in README.md.
 *
 * Complex FFT of m = N/2 points: bit reversal, one twiddle-free first pass
 * (radix-2 when log2 m is odd, radix-4 when even), then radix-4 decimation-in-time
 * passes (half the passes over memory of radix-2 and 3 complex multiplies per 4
 * points per 2 stages instead of 4). Then the split to the N-point real spectrum,
 * fused with the group sums.
 *
 * Block floating point. Every pass keeps a rigorous bound M on the complex magnitude
 * of its outputs, the smaller of (a) the pass's gain applied to its input's M and
 * (b) sqrt(2) times the largest component measured on the input. A pass of gain G
 * (2 or 4) halves its outputs sh times, sh the smallest with
 *   (G M + 2 G) / 2^sh + 1 <= 32767
 * (2 G: twiddles up to 1 + 2^-15.5 in magnitude; + 1: output rounding), so every
 * output component fits an int16 for any input (|x| <= 32768), and after the last
 * pass every magnitude is below 2^15, which keeps the split's 32-bit products from
 * overflowing. Twiddled outputs are formed in Q8 (products >> 7, floor error
 * <= 3/256 LSB) and rounded once, at the final shift.
 */
#include "harmonicFft.h"
#include "meterKernelTables.h"

#include <string.h>

/* floor(sqrt(x)) for 2^30 <= x < 2^32 (sqrtScaled normalises to that range): Newton
 * from above, start (x / 2^16 + 2^16) / 2 + 1 >= sqrt(x) (AM-GM), 3 to 5 steps. */
static uint32_t isqrt32(uint32_t x) {
  uint32_t r = (x >> 17) + 32769u, y;
  for (;;) {
    y = (r + x / r) >> 1;
    if (y >= r) return r;
    r = y;
  }
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

#if defined(__GNUC__)
#define MK_INLINE static inline __attribute__((always_inline))
#else
#define MK_INLINE static inline
#endif

/* c + j s = e^(j 2 pi a / 2048) in Q15 (1.0 = 32768) for 0 <= a < 1536 (the angles
 * of W^j, W^2j, W^3j in a radix-4 pass); the twiddle e^(-j 2 pi a / 2048) is c - j s. */
MK_INLINE void twiddle(uint32_t a, int32_t *c, int32_t *s) {
  if (a <= 512u) {
    *c = mk_cos[a];
    *s = mk_cos[512u - a];
  } else if (a <= 1024u) {
    *c = -(int32_t)mk_cos[1024u - a];
    *s = mk_cos[a - 512u];
  } else {
    *c = -(int32_t)mk_cos[a - 1024u];
    *s = -(int32_t)mk_cos[1536u - a];
  }
}

/* |v| for v >= 0, |v| - 1 below: an OR of these bounds every |component| by OR + 1 */
#define ABSBITS(v) ((uint32_t)((v) ^ ((v) >> 31)))

/* Output magnitude bound and shift of a pass of gain g on inputs of magnitude <= mIn
 * (see the header comment). */
static uint32_t passShift(uint32_t mIn, uint32_t g, uint32_t *mOut) {
  uint32_t x = g * mIn + 2u * g, sh = 0;
  while (((x + (1u << sh) - 1u) >> sh) + 1u > 32767u) sh++;
  *mOut = ((x + (1u << sh) - 1u) >> sh) + 1u;
  return sh;
}

/* sqrt(2) (b + 1), rounded up: the magnitude bound of components bounded by b + 1 */
static uint32_t magOfBits(uint32_t b) { return ((b + 1u) * 46341u + 32767u) >> 15; }

#if defined(__arm__) && defined(__ARM_ARCH_ISA_THUMB) && __ARM_ARCH_ISA_THUMB >= 2
#define MK_HAVE_RBIT 1
static inline uint32_t rbit32(uint32_t x) {
  uint32_t r;
  __asm__("rbit %0, %1" : "=r"(r) : "r"(x));
  return r;
}
#else
#define MK_HAVE_RBIT 0
#endif

/* One's-complement |.| of both int16 halves of w (|x| for x >= 0, |x| - 1 below),
 * without unpacking: the sign bits spread to 16-bit masks by one multiply. */
#define MK_ABS2(w) ((w) ^ ((((w) >> 15) & 0x00010001u) * 0xFFFFu))

/* Bit-reversal permutation of the m = 2^q complex points, two per step (for even i,
 * rev(i + 1) = rev(i) + m/2), one 32-bit move per point. Returns the OR bound of
 * the input's components. */
static uint32_t bitReverse(int16_t *z, uint32_t m, uint32_t q) {
  uint32_t i, j = 0, orv = 0;
  const uint32_t half = m / 2u;
  for (i = 0; i < m; i += 2u) {
    uint32_t a, b;
    memcpy(&a, &z[2 * i], 4);
    memcpy(&b, &z[2 * i + 2], 4);
    orv |= MK_ABS2(a) | MK_ABS2(b);
#if MK_HAVE_RBIT
    j = rbit32(i) >> (32u - q);
#endif
    if (j > i) {
      memcpy(&z[2 * i], &z[2 * j], 4);
      memcpy(&z[2 * j], &a, 4);
    }
    if (j + half > i + 1u) {
      memcpy(&z[2 * i + 2], &z[2 * (j + half)], 4);
      memcpy(&z[2 * (j + half)], &b, 4);
    }
#if !MK_HAVE_RBIT
    {
      uint32_t bit;
      for (bit = m >> 2; j & bit; bit >>= 1) j ^= bit;
      j |= bit;
    }
#endif
  }
  (void)q;
  return (orv & 0xFFFFu) > (orv >> 16) ? (orv & 0xFFFFu) : (orv >> 16);
}

/* First pass when log2 m is odd: radix-2 butterflies of length 2, twiddle 1. */
static uint32_t radix2First(int16_t *z, uint32_t m, uint32_t sh) {
  int16_t *p, *end = z + 2 * m;
  int32_t rnd = (int32_t)(1u << sh) >> 1;
  uint32_t orv = 0;
  for (p = z; p != end; p += 4) {
    int32_t ar = p[0] + rnd, ai = p[1] + rnd, br = p[2], bi = p[3];
    int32_t ur = (ar + br) >> sh, ui = (ai + bi) >> sh, vr = (ar - br) >> sh, vi = (ai - bi) >> sh;
    p[0] = (int16_t)ur;
    p[1] = (int16_t)ui;
    p[2] = (int16_t)vr;
    p[3] = (int16_t)vi;
    orv |= ABSBITS(ur) | ABSBITS(ui) | ABSBITS(vr) | ABSBITS(vi);
  }
  return orv;
}

/* Radix-4 DIT butterfly on the 4 points at p, p1 = p + q2, p2, p3 (q2 = L/2 int16).
 * After the bit reversal the second quarter holds the sub-DFT of the inputs
 * = 2 mod 4 and the third those = 1 mod 4, so D1 (times W^j) is read from p2 and
 * D2 (times W^2j) from p1:
 *   X0 = D0 + t1 + t2 + t3, X1 = D0 - j t1 - t2 + j t3,
 *   X2 = D0 - t1 + t2 - t3, X3 = D0 + j t1 - t2 - j t3,  t_k = W^(kj) D_k,
 * as A +- C and B -+ j D with A, B = D0 +- t2, C, D = t1 +- t3. ar..bi hold D0 +- t2
 * with the rounding constant, t1r..t3i the t's, both in the scale that SH removes. */
#define MK_R4_OUT(SH, MEASURE)                                                           \
  do {                                                                                   \
    int32_t cr = t1r + t3r, ci = t1i + t3i, dr = t1r - t3r, di = t1i - t3i;              \
    int32_t x0r = (ar + cr) >> (SH), x0i = (ai + ci) >> (SH);                            \
    int32_t x2r = (ar - cr) >> (SH), x2i = (ai - ci) >> (SH);                            \
    int32_t x1r = (br + di) >> (SH), x1i = (bi - dr) >> (SH);                            \
    int32_t x3r = (br - di) >> (SH), x3i = (bi + dr) >> (SH);                            \
    p[0] = (int16_t)x0r;                                                                 \
    p[1] = (int16_t)x0i;                                                                 \
    p1[0] = (int16_t)x1r;                                                                \
    p1[1] = (int16_t)x1i;                                                                \
    p2[0] = (int16_t)x2r;                                                                \
    p2[1] = (int16_t)x2i;                                                                \
    p3[0] = (int16_t)x3r;                                                                \
    p3[1] = (int16_t)x3i;                                                                \
    if (MEASURE)                                                                         \
      orv |= ABSBITS(x0r) | ABSBITS(x0i) | ABSBITS(x1r) | ABSBITS(x1i) | ABSBITS(x2r) |  \
             ABSBITS(x2i) | ABSBITS(x3r) | ABSBITS(x3i);                                 \
  } while (0)

/* j > 0: Q15 twiddles, products >> 7 into Q8, one rounding at the final shift.
 * Twiddles as c and -s (both fit an int16 here: |W| = 1 exactly only at W = -j). */
#define MK_R4_TWIDDLED(C1, N1, C2, N2, C3, N3, MEASURE)                                  \
  do {                                                                                   \
    int16_t *p1 = p + q2, *p2 = p1 + q2, *p3 = p2 + q2;                                  \
    int32_t d0r = p[0] * 256 + rnd, d0i = p[1] * 256 + rnd;                              \
    int32_t u2r = p1[0], u2i = p1[1], c = (C2), ns = (N2);                               \
    int32_t t2r = (c * u2r - ns * u2i) >> 7, t2i = (c * u2i + ns * u2r) >> 7;            \
    int32_t ar = d0r + t2r, ai = d0i + t2i, br = d0r - t2r, bi = d0i - t2i;              \
    int32_t u1r = p2[0], u1i = p2[1], t1r, t1i, t3r, t3i, u3r, u3i;                      \
    c = (C1);                                                                            \
    ns = (N1);                                                                           \
    t1r = (c * u1r - ns * u1i) >> 7;                                                     \
    t1i = (c * u1i + ns * u1r) >> 7;                                                     \
    u3r = p3[0];                                                                         \
    u3i = p3[1];                                                                         \
    c = (C3);                                                                            \
    ns = (N3);                                                                           \
    t3r = (c * u3r - ns * u3i) >> 7;                                                     \
    t3i = (c * u3i + ns * u3r) >> 7;                                                     \
    MK_R4_OUT(fs, MEASURE);                                                              \
  } while (0)

#if defined(__GNUC__)
#define MK_NOINLINE __attribute__((noinline))
#else
#define MK_NOINLINE
#endif

/* The butterflies of one twiddle group, tw = {c1, -s1, c2, -s2, c3, -s3}. Not
 * inlined: tw stays in memory (read per butterfly) instead of taking six registers
 * that the compiler would spill anyway. */
static MK_NOINLINE uint32_t radix4Group(int16_t *p, const int16_t *end, uint32_t q2, const int16_t *tw, uint32_t sh,
                                        uint32_t orv) {
  const int32_t rnd = (int32_t)(1u << (7u + sh));
  const uint32_t fs = 8u + sh, jump = 4u * q2;
  for (; p < end; p += jump) MK_R4_TWIDDLED(tw[0], tw[1], tw[2], tw[3], tw[4], tw[5], 1);
  return orv;
}

/* The butterflies of twiddle group 0 (all twiddles 1): integer arithmetic. */
static MK_NOINLINE uint32_t radix4Trivial(int16_t *p, const int16_t *end, uint32_t q2, uint32_t sh) {
  const int32_t rnd = (int32_t)(1u << sh) >> 1;
  const uint32_t jump = 4u * q2;
  uint32_t orv = 0;
  for (; p < end; p += jump) {
    int16_t *p1 = p + q2, *p2 = p1 + q2, *p3 = p2 + q2;
    int32_t d0r = p[0] + rnd, d0i = p[1] + rnd;
    int32_t t2r = p1[0], t2i = p1[1];
    int32_t ar = d0r + t2r, ai = d0i + t2i, br = d0r - t2r, bi = d0i - t2i;
    int32_t t1r = p2[0], t1i = p2[1], t3r = p3[0], t3i = p3[1];
    MK_R4_OUT(sh, 1);
  }
  return orv;
}

/* One radix-4 pass of length L (L/4 twiddle groups, m/L butterflies each); the
 * bound of its outputs is measured unless it is the last pass. */
static uint32_t radix4Pass(int16_t *z, uint32_t m, uint32_t L, uint32_t sh) {
  const uint32_t q2 = L >> 1, step = 2048u / L;
  int16_t *const end = z + 2 * m;
  int16_t *p;
  uint32_t orv = 0, j;
  /* j = 0: all twiddles 1 */
  orv = radix4Trivial(z, end, q2, sh);
  if (L == m) {
    /* last pass: one butterfly per twiddle group, no bound needed */
    const int32_t rnd = (int32_t)(1u << (7u + sh));
    const uint32_t fs = 8u + sh;
    for (j = 1, p = z + 2; j < (L >> 2); j++, p += 2) {
      int32_t c1, s1, c2, s2, c3, s3;
      twiddle(j * step, &c1, &s1);
      twiddle(2u * j * step, &c2, &s2);
      twiddle(3u * j * step, &c3, &s3);
      MK_R4_TWIDDLED(c1, -s1, c2, -s2, c3, -s3, 0);
    }
    return 0;
  }
  for (j = 1; j < (L >> 2); j++) {
    int32_t c, s;
    int16_t tw[6]; /* c in [-32767, 32767] and -s in [-32768, 32767] for 2 <= a < 1536, a != 1024 */
    twiddle(j * step, &c, &s);
    tw[0] = (int16_t)c;
    tw[1] = (int16_t)-s;
    twiddle(2u * j * step, &c, &s);
    tw[2] = (int16_t)c;
    tw[3] = (int16_t)-s;
    twiddle(3u * j * step, &c, &s);
    tw[4] = (int16_t)c;
    tw[5] = (int16_t)-s;
    orv = radix4Group(z + 2 * j, end, q2, tw, sh, orv);
  }
  return orv;
}

/* In-place complex FFT of m = 2^q points (interleaved re, im), block floating point
 * as described at the top. Returns the number of halvings. */
static int cfft(int16_t *z, uint32_t m, uint32_t q) {
  uint32_t orv = bitReverse(z, m, q), mag = magOfBits(orv), sh, L;
  int e = 0;
  if (q & 1u) {
    sh = passShift(mag, 2u, &mag);
    orv = radix2First(z, m, sh);
    L = 8;
  } else {
    sh = passShift(mag, 4u, &mag);
    orv = radix4Pass(z, m, 4u, sh);
    L = 16;
  }
  e += (int)sh;
  for (; L <= m; L <<= 2) {
    uint32_t measured = magOfBits(orv);
    if (measured < mag) mag = measured;
    sh = passShift(mag, 4u, &mag);
    orv = radix4Pass(z, m, L, sh);
    e += (int)sh;
  }
  return e;
}

/* The split for bin k, |X2[k]|^2 with X2 = 2 X[k] of the real N-point spectrum from
 * the m-point complex Z at zk = &Z[k], zm = &Z[m-k]:
 *   X2 = E + W^k D,  E = Z[k] + conj Z[m-k],  D = (Z[k] - conj Z[m-k]) / j,
 * W = c - j s = e^(-j 2 pi k / N). Every |Z| < 2^15 (the FFT's final bound), so
 * |D| <= 65534 and |c dr + s di| <= 32768.71 * 65534 + 2^14 < 2^31: 32-bit products;
 * the squares (|X2| < 2^17) accumulate in 64 bits. */
#define MK_SPLIT_BIN(C, S)                                                  \
  do {                                                                      \
    int32_t zr = zk[0], zi = zk[1], wr = zm[0], wi = zm[1];                 \
    int32_t er = zr + wr, ei = zi - wi, dr = zi + wi, di = wr - zr;         \
    int32_t c = (C), s = (S);                                               \
    int32_t xr = er + ((c * dr + s * di + 0x4000) >> 15);                   \
    int32_t xi = ei + ((c * di - s * dr + 0x4000) >> 15);                   \
    acc += (int64_t)xr * xr;                                                \
    acc += (int64_t)xi * xi;                                                \
  } while (0)

/* Sum of |X2|^2 over `count` bins from zk, with the twiddle's angle a (in table
 * units, a = k 2048/N) rising by STRIDE per bin: for a <= 512 (UPPER 0) c = cos a
 * from pa rising and s = cos(512 - a) from pb falling; above 512 (UPPER 1)
 * c = -cos(1024 - a) from pa falling, s = cos(a - 512) from pb rising. The
 * constant stride and direction keep the loop's state in registers. */
MK_INLINE int64_t splitRun(const int16_t *zk, const int16_t *zm, const uint16_t *pa, const uint16_t *pb, uint32_t count,
                           const int stride, const int upper) {
  int64_t acc = 0;
  for (; count != 0u; count--) {
    if (upper) {
      MK_SPLIT_BIN(-(int32_t)*pa, *pb);
      pa -= stride;
      pb += stride;
    } else {
      MK_SPLIT_BIN(*pa, *pb);
      pa += stride;
      pb -= stride;
    }
    zk += 2;
    zm -= 2;
  }
  return acc;
}

/* Sum of |X2[k]|^2 over `count` bins from k (all with a = k stride < 1024). */
static MK_NOINLINE uint64_t binsPower(const int16_t *z, uint32_t m, uint32_t k, uint32_t count, uint32_t stride) {
  uint32_t a = k * stride, n1 = 0;
  int64_t acc = 0;
  if (a <= 512u) {
    n1 = (512u - a) / stride + 1u; /* bins up to angle 512 */
    if (n1 > count) n1 = count;
    if (stride == 1u) {
      acc = splitRun(&z[2 * k], &z[2 * (m - k)], &mk_cos[a], &mk_cos[512u - a], n1, 1, 0);
    } else {
      acc = splitRun(&z[2 * k], &z[2 * (m - k)], &mk_cos[a], &mk_cos[512u - a], n1, 2, 0);
    }
    count -= n1;
    k += n1;
    a = k * stride;
  }
  if (count != 0u) {
    if (stride == 1u) {
      acc += splitRun(&z[2 * k], &z[2 * (m - k)], &mk_cos[1024u - a], &mk_cos[a - 512u], count, 1, 1);
    } else {
      acc += splitRun(&z[2 * k], &z[2 * (m - k)], &mk_cos[1024u - a], &mk_cos[a - 512u], count, 2, 1);
    }
  }
  return (uint64_t)acc;
}

/* |X2[k]|^2 of one bin (a group's boundary bin). */
MK_INLINE uint64_t binPower(const int16_t *z, uint32_t m, uint32_t k, uint32_t stride) {
  const int16_t *zk = &z[2 * k], *zm = &z[2 * (m - k)];
  int32_t tc, ts; /* not c, s: the macro declares those */
  int64_t acc = 0;
  twiddle(k * stride, &tc, &ts);
  MK_SPLIT_BIN(tc, ts);
  return (uint64_t)acc;
}

/* Real FFT of the window's N resampled points (as N/2 complex points plus the
 * split step) and IEC 61000-4-7 harmonic groups:
 *   G_n^2 = C_{k-C/2}^2 / 2 + sum_{i=-C/2+1}^{C/2-1} C_{k+i}^2 + C_{k+C/2}^2 / 2, k = C n,
 * C the cycles per window, C_k the bin rms. With S_n the sum over the C bins
 * k-C/2+1 .. k+C/2 and B_n the upper boundary bin's |X2|^2,
 *   sum w |X2|^2 = 2 S_n - B_n + B_{n-1}  (w = 2 inner, 1 boundary bins). */
void mk_harmonic_groups(int16_t *buf, uint32_t n, uint32_t log2n, uint32_t cycles, uint32_t out[MK_GROUPS]) {
  const uint32_t m = n / 2u, stride = 2048u / n; /* 2 or 1 */
  const int scale = cfft(buf, m, log2n - 1u) + 12 - (int)log2n;
  uint32_t h, k = cycles / 2u;
  uint64_t lower = binPower(buf, m, k, stride);
  for (h = 1; h < MK_GROUPS; h++) {
    uint64_t sum = binsPower(buf, m, k + 1u, cycles, stride), upper;
    k += cycles;
    upper = binPower(buf, m, k, stride);
    /* ms (LSB^2) = sum w |X2|^2 4^e / (256 N^2)  (input x8),
     * rms Q16 = sqrt(sum w |X2|^2) * 2^(e + 12 - log2 N) */
    out[h] = sqrtScaled(2u * sum - upper + lower, scale);
    lower = upper;
  }
  out[0] = 0u;
}
