/* Correctly rounded square root; see mtSqrt.h.
 *
 * x = m 2^E with m the 53-bit significand (hidden bit set) and E made even (m doubled
 * when it was odd), m in [2^52, 2^54). Then sqrt(x) = sqrt(m 2^52) 2^(E/2 - 26), and the
 * 53-bit root R of N = m 2^52 comes in three integer steps:
 *   1. s = floor(sqrt(m >> 22)), 16 bits, by Newton's iteration on 32-bit words
 *      (hardware divide);
 *   2. r = floor(sqrt(m)), 27 bits: r = s 2^11 + (m - s^2 2^22) / (s 2^12) to first
 *      order (32-bit divide), then made exact against rem = m - r^2 (0 <= rem <= 2r);
 *   3. the next 26 bits t: sqrt(N) = r 2^26 + t, t = rem 2^25 / r to first order,
 *      made exact against D = N - (r 2^26 + t)^2 = 2^27 (rem 2^25 - r t) - t^2
 *      (0 <= D <= 2 R'); then rounded: R = R' + 1 when D > R' (a tie cannot occur:
 *      the square root of a double is never exactly halfway between two doubles).
 * All intermediate values fit 64-bit integers (bounds in the comments). */
#include "mtSqrt.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* floor(n 2^25 / d) for n <= 2d, d < 2^27: long division in 32-bit steps (the
 * Cortex-M3 divides 32-bit words in hardware; a 64-bit division is a library call). */
static uint32_t div_shifted(uint32_t n, uint32_t d) {
  uint32_t q = (n << 4) / d, rr = (n << 4) % d; /* n < 2^28: n 2^4 < 2^32 */
  for (int step = 0; step < 4; step++) {       /* 4 x 5 bits, then 1: 25 bits in all after the first 4 */
    uint32_t x = rr << 5;                      /* rr < d < 2^27 */
    q = (q << 5) | (x / d);
    rr = x % d;
  }
  return (q << 1) | ((rr << 1) / d);
}

double mt_sqrt(double x) {
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  uint32_t e = (uint32_t)(bits >> 52); /* sign and biased exponent */
  if (e == 0 || e >= 0x7ff) {
    /* The rare inputs answered as IEEE 754's sqrt does, without calling it: libm's sqrt
     * is 480 bytes of the meter image for inputs a window never has. */
    if (x == 0) return x;      /* +0, -0 */
    if (!(x > 0)) return NAN;  /* negative, NaN */
    if (e == 0x7ff) return x;  /* +inf */
    return mt_sqrt(x * 0x1p108) * 0x1p-54; /* subnormal: scaled by an even power of two into the normal range, exactly */
  }
  uint64_t m = (bits & 0x000fffffffffffffull) | 0x0010000000000000ull;
  int32_t E = (int32_t)e - 1075; /* x = m 2^E */
  if (E & 1) {
    m <<= 1;
    E -= 1;
  }
  /* 1. s = floor(sqrt(a)), a = m >> 22 in [2^30, 2^32) */
  uint32_t a = (uint32_t)(m >> 22);
  uint32_t s = 65535, next;
  while ((next = (s + a / s) >> 1) < s) s = next; /* from above: decreases to floor(sqrt(a)) */
  /* 2. r = floor(sqrt(m)), m < 2^54: r < 2^27 */
  uint64_t r0 = (uint64_t)s << 11;
  uint64_t ex = m - r0 * r0; /* >= 0: r0^2 = s^2 2^22 <= a 2^22 <= m; < 2^41 */
  uint64_t r = r0 + (uint32_t)(ex >> 12) / s;
  int64_t rem = (int64_t)(m - r * r);
  while (rem < 0) {
    rem += (int64_t)(2 * r - 1);
    r--;
  }
  while (rem > (int64_t)(2 * r)) {
    r++;
    rem -= (int64_t)(2 * r - 1);
  }
  /* 3. R' = r 2^26 + t = floor(sqrt(m 2^52)); rem <= 2r < 2^28 */
  uint64_t t = div_shifted((uint32_t)rem, (uint32_t)r); /* rem 2^25 / r < 2^26 */
  uint64_t R = (r << 26) + t;
  /* D = 2^27 (rem 2^25 - r t) - t^2, |D| small near the root: |rem 2^25 - r t| <= r + t */
  int64_t A = (int64_t)((uint64_t)rem << 25) - (int64_t)(r * t);
  int64_t D = A * ((int64_t)1 << 27) - (int64_t)(t * t);
  while (D < 0) {
    D += (int64_t)(2 * R - 1);
    R--;
  }
  while (D > (int64_t)(2 * R)) {
    R++;
    D -= (int64_t)(2 * R - 1);
  }
  if (D > (int64_t)R) R++; /* round to nearest */
  /* R in [2^52, 2^53]: the result's significand and exponent, assembled directly */
  int32_t k = E / 2 - 26;
  if (R >> 53) {
    R >>= 1;
    k++;
  }
  bits = ((uint64_t)(uint32_t)(k + 52 + 1023) << 52) | (R & 0x000fffffffffffffull);
  memcpy(&x, &bits, sizeof x);
  return x;
}
