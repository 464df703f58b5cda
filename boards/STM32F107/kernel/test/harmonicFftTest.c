/* Known-answer tests of mk_harmonic_groups alone (harmonicFft.c): int16 inputs whose
 * groups are computed here by a double-precision DFT of the same points and the
 * same IEC 61000-4-7 group formula, at N = 1024 / 10 cycles (50 Hz windows) and
 * N = 2048 / 12 cycles (60 Hz). Runs on the host (gcc) and on a Cortex-M3 under
 * qemu-system-arm. Prints the worst error of each case; last line "N passed, M failed". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harmonicFft.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static int passed, failed;
static int16_t x[2048], buf[2048];
static double cosTab[2048]; /* cos(2 pi i / n) for the reference DFT */

/* Reference groups 1..50 in LSB (the input is LSB x 8): bin rms C_k = sqrt(2) |X[k]| / N,
 * G_h^2 = C_{k-C/2}^2 / 2 + sum of the C - 1 inner C^2 + C_{k+C/2}^2 / 2, k = C h. */
static void refGroups(const int16_t *v, uint32_t n, uint32_t cyc, double g[MK_GROUPS]) {
  uint32_t h, i, t;
  for (i = 0; i < n; i++) cosTab[i] = cos(2.0 * M_PI * i / n);
  g[0] = 0;
  for (h = 1; h < MK_GROUPS; h++) {
    double s = 0;
    for (i = 0; i <= cyc; i++) {
      uint32_t k = cyc * h - cyc / 2u + i;
      double re = 0, im = 0, p;
      uint32_t a = 0; /* k t mod n (n a power of two) */
      for (t = 0; t < n; t++, a = (a + k) & (n - 1u)) {
        re += v[t] * cosTab[a];
        im -= v[t] * cosTab[(a + 3u * n / 4u) & (n - 1u)]; /* sin(a) = cos(a - n/4) */
      }
      p = (re * re + im * im) * 2.0 / ((double)n * n) / 64.0;
      s += (i == 0 || i == cyc) ? p / 2 : p;
    }
    g[h] = sqrt(s);
  }
}

/* Runs mk_harmonic_groups on x[0..n) and checks every group 1..50 against the
 * reference within absLsb + rel * reference. */
static void check(const char *name, uint32_t n, uint32_t log2n, uint32_t cyc, double absLsb, double rel) {
  double ref[MK_GROUPS], worst = 0, worstRel = 0;
  uint32_t out[MK_GROUPS], h, worstH = 0;
  int ok = 1;
  refGroups(x, n, cyc, ref);
  memcpy(buf, x, n * sizeof x[0]);
  mk_harmonic_groups(buf, n, log2n, cyc, out);
  if (out[0] != 0u) ok = 0;
  for (h = 1; h < MK_GROUPS; h++) {
    double e = fabs(out[h] / 65536.0 - ref[h]);
    if (e > absLsb + rel * ref[h]) ok = 0;
    if (e > worst) {
      worst = e;
      worstH = h;
    }
    if (ref[h] > 1.0 && e / ref[h] > worstRel) worstRel = e / ref[h];
  }
  if (ok) passed++; else failed++;
  printf("%s %s (N=%u): worst |error| %.4f LSB at group %u (reference %.3f), worst relative %.1e; bound %.3f LSB + %.0e\n",
         ok ? "ok" : "FAIL", name, (unsigned)n, worst, (unsigned)worstH, ref[worstH], worstRel, absLsb, rel);
}

/* x = sum of cosines at the given bins (amplitudes in LSB x 8), rounded, saturated */
static void tones(uint32_t n, int count, const double *bin, const double *amp, const double *phase) {
  uint32_t t;
  int i;
  for (t = 0; t < n; t++) {
    double v = 0;
    long r;
    for (i = 0; i < count; i++) v += amp[i] * cos(2.0 * M_PI * bin[i] * t / n + phase[i]);
    r = lround(v);
    x[t] = (int16_t)(r > 32767 ? 32767 : r < -32768 ? -32768 : r);
  }
}

static uint32_t rng = 12345u;
static double noise(void) { /* uniform in [-0.5, 0.5) */
  rng = rng * 1664525u + 1013904223u;
  return (double)(rng >> 8) / 16777216.0 - 0.5;
}

static void runSize(uint32_t n, uint32_t log2n, uint32_t cyc) {
  uint32_t t;
  /* pure bins at orders 1, 5, 39, 50 (1000, 30, 20, 10 LSB peak, i.e. x8) */
  {
    const double bin[4] = {1.0 * cyc, 5.0 * cyc, 39.0 * cyc, 50.0 * cyc};
    const double amp[4] = {8000, 240, 160, 80}, ph[4] = {0.3, 1.1, 2.0, -0.7};
    tones(n, 4, bin, amp, ph);
    check("orders 1, 5, 39, 50", n, log2n, cyc, 0.05, 3e-5);
  }
  /* a 230 V-like fundamental near full scale (2000 LSB peak) with a boundary-bin and
   * an off-bin interharmonic between groups 7 and 8 and between 20 and 21 */
  {
    const double bin[3] = {1.0 * cyc, 7.0 * cyc + cyc / 2.0, 20.37 * cyc};
    const double amp[3] = {16000, 400, 120}, ph[3] = {0.0, 0.4, 1.7};
    tones(n, 3, bin, amp, ph);
    check("interharmonics between groups", n, log2n, cyc, 0.25, 3e-5);
  }
  /* a small current: 3 LSB fundamental, 0.5 LSB 3rd, plus 0.3 LSB rms noise */
  {
    const double bin[2] = {1.0 * cyc, 3.0 * cyc}, amp[2] = {24, 4}, ph[2] = {0.2, 0.9};
    tones(n, 2, bin, amp, ph);
    for (t = 0; t < n; t++) x[t] = (int16_t)(x[t] + lround(8.0 * noise()));
    check("small signal with noise", n, log2n, cyc, 0.005, 1e-3);
  }
  /* full scale: square wave of the fundamental at -32768 / 32767 (block floating
   * point must halve every pass; an int16 overflow would show as a wrong group) */
  for (t = 0; t < n; t++) x[t] = (int16_t)(((t * 2u * cyc) / n) & 1u ? -32768 : 32767);
  check("full-scale square wave", n, log2n, cyc, 0.4, 1e-4);
  /* full scale: random -32768 / 32767 (white, every bin large) */
  for (t = 0; t < n; t++) x[t] = (int16_t)(noise() < 0 ? -32768 : 32767);
  check("full-scale random", n, log2n, cyc, 0.4, 1e-4);
  /* all zero: every group exactly 0 */
  {
    uint32_t out[MK_GROUPS], h;
    int ok = 1;
    memset(buf, 0, sizeof buf);
    mk_harmonic_groups(buf, n, log2n, cyc, out);
    for (h = 0; h < MK_GROUPS; h++)
      if (out[h] != 0u) ok = 0;
    if (ok) passed++; else failed++;
    printf("%s all-zero input gives zero groups (N=%u)\n", ok ? "ok" : "FAIL", (unsigned)n);
  }
}

int main(void) {
  runSize(1024u, 10u, 10u);
  runSize(2048u, 11u, 12u);
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
