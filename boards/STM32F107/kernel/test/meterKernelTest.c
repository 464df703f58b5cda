/* Known-answer tests of the kernel. Runs on the host (gcc) and on a Cortex-M3
 * under qemu-system-arm (semihosting printf). Last line: "N passed, M failed". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../meterKernel.h"
#include "testSignal.h"
#include "testCheck.h"

static mk_kernel_t kern, k2; /* k2: a second kernel for tests that compare two feeds */
static sig_t sig;
/* 16 windows = 3.2 s; sized for the 64 KB of RAM under QEMU */
#define MAX_WINS 16
static mk_window_t wins[MAX_WINS];
static int nWins;


static mk_config_t config(uint32_t fs, uint8_t fnom) {
  mk_config_t c;
  memset(&c, 0, sizeof c);
  c.sampleRateHz = fs;
  c.nominalHz = fnom;
  return c;
}

/* Feeds `seconds` of sig in DMA-sized blocks, keeping up to MAX_WINS windows. */
static void run(double seconds) {
  static mk_window_t spare;
  static uint16_t block[2 * 64];
  uint32_t total = (uint32_t)(seconds * sig.fs), done = 0;
  while (done < total) {
    uint32_t n = total - done > 64 ? 64 : total - done;
    sig_gen(&sig, block, n);
    mk_feed_pairs(&kern, block, n);
    while (nWins < MAX_WINS && mk_take_window(&kern, &wins[nWins])) nWins++;
    while (nWins >= MAX_WINS && mk_take_window(&kern, &spare)) {
    }
    done += n;
  }
}

static void start(uint32_t fs, uint8_t fnom, double f, double noise) {
  mk_config_t c = config(fs, fnom);
  c.vMidLsb = 1862;
  mk_init(&kern, &c);
  sig_init(&sig, fs, f, 1862, 2100, noise);
  nWins = 0;
}

static double rel(double got, double want) { return (got - want) / want; }

static void test_init_errors(void) {
  int ok = 1;
  mk_config_t c = config(12800, 50);
  CHECK(mk_init(&kern, &c) == MK_OK, "default config");
  c.sampleRateHz = 999;
  CHECK(mk_init(&kern, &c) == MK_E_RATE, "rate");
  c = config(12800, 55);
  CHECK(mk_init(&kern, &c) == MK_E_NOMINAL, "nominal");
  c = config(12800, 50);
  c.cycles = 11;
  CHECK(mk_init(&kern, &c) == MK_E_CYCLES, "cycles");
  c = config(12800, 50);
  c.fitHalfWidth = 17;
  CHECK(mk_init(&kern, &c) == MK_E_FIT, "fit");
  CHECK(strlen(mk_error_text(MK_E_RATE)) > 10, "text");
  report("init rejects bad configuration with a reason", ok);
}

static void test_dc_and_sine_rms(void) {
  int ok = 1, w;
  double worstV = 0, worstI = 0, worstDc = 0;
  start(12800, 50, 50.3, 0);
  sig_add(&sig, 0, 1, 931, 0);
  sig_add(&sig, 1, 1, 1500, 0.7);
  run(1.5);
  CHECK(nWins >= 6, "windows %d", nWins);
  for (w = 1; w < nWins; w++) {
    double mv = win_mean(&wins[w], 0);
    double ev = fabs(rel(win_rms_v(&wins[w]), 931 / sqrt(2)));
    double ei = fabs(rel(win_rms_i(&wins[w]), 1500 / sqrt(2)));
    if (ev > worstV) worstV = ev;
    if (ei > worstI) worstI = ei;
    if (fabs(mv - 1862) > worstDc) worstDc = fabs(mv - 1862);
    CHECK(wins[w].sampleCount >= 2543 && wins[w].sampleCount <= 2546, "N %u", (unsigned)wins[w].sampleCount);
    CHECK(wins[w].flags == 0, "flags %x", wins[w].flags);
  }
  printf("  50.3 Hz sine: worst rms error V %.2e, I %.2e (relative), DC error %.4f LSB\n", worstV, worstI, worstDc);
  CHECK(worstV < 5e-5 && worstI < 5e-5, "rms");
  CHECK(worstDc < 0.02, "dc");
  CHECK(wins[0].flags & MK_FLAG_FIRST, "first flag");
  report("DC offset and rms of pure sines at 50.3 Hz (12 bit, no noise)", ok);
}

static void test_power_phase(void) {
  int ok = 1, w;
  double phi = 1.0472, worst = 0, worstPc = 0; /* 60 degrees */
  start(12800, 50, 44.1, 0.5);
  sig_add(&sig, 0, 1, 900, 0);
  sig_add(&sig, 1, 1, 1200, -phi);
  run(2.0);
  for (w = 1; w < nWins; w++) {
    double s = 900 * 1200 / 2.0;
    double p = win_p(&wins[w]);
    double e = fabs(p - s * cos(phi)) / s;
    /* phase compensation from the lagged sums: advance the current by phi */
    double wrad = 2 * M_PI / win_period(&wins[w]);
    double mv = wins[w].sumV / (double)wins[w].sampleCount, mi = wins[w].sumI / (double)wins[w].sampleCount;
    double n = wins[w].sampleCount;
    double sp = (double)wins[w].sumVIp / n - mv * mi, sm = (double)wins[w].sumVpI / n - mv * mi;
    double q = (sm - sp) / (2 * sin(wrad));
    double pc = cos(phi) * win_p(&wins[w]) + sin(phi) * q;
    if (e > worst) worst = e;
    if (fabs(pc - s) / s > worstPc) worstPc = fabs(pc - s) / s;
  }
  printf("  44.1 Hz, 60 deg, 0.5 LSB noise: worst |P error| %.2e of S; phase-compensated P %.2e of S\n", worst, worstPc);
  CHECK(worst < 1.5e-4, "P");
  CHECK(worstPc < 1e-3, "compensated P");
  report("active power of phase-shifted sines, and phase compensation from the lagged sums", ok);
}

static void test_frequency(void) {
  int ok = 1, w, fi;
  static const double fs_[] = {42.5, 47.3, 50.0, 53.21, 57.5};
  double sum2 = 0;
  int count = 0;
  double worstClean = 0;
  for (fi = 0; fi < 5; fi++) {
    double f = fs_[fi];
    start(12800, 50, f, 0);
    sig_add(&sig, 0, 1, 931, 0.3);
    sig_add(&sig, 1, 1, 1000, 0);
    run(1.2);
    for (w = 1; w < nWins; w++) {
      double e = fabs(12800 / win_period(&wins[w]) - f);
      if (e > worstClean) worstClean = e;
    }
    start(12800, 50, f, 0.5);
    sig_add(&sig, 0, 1, 465, 0.3); /* 50 % of 230 V */
    sig_add(&sig, 1, 1, 1000, 0);
    run(2.2);
    for (w = 1; w < nWins; w++) {
      double e = 12800 / win_period(&wins[w]) - f;
      sum2 += e * e;
      count++;
    }
  }
  printf("  frequency 42.5..57.5 Hz: worst error without noise %.3f mHz; rms error at 50 %% voltage, 0.5 LSB noise %.3f mHz (%d windows)\n",
         worstClean * 1e3, sqrt(sum2 / count) * 1e3, count);
  CHECK(worstClean < 0.15e-3, "clean (12-bit quantisation only)");
  CHECK(sqrt(sum2 / count) < 0.33e-3, "noisy rms");
  report("frequency from refined zero crossings (least-squares over the window)", ok);
}

static void test_harmonics(void) {
  int ok = 1, w, g;
  double a1 = 931;
  start(12800, 50, 48.7, 0);
  sig_add(&sig, 0, 1, a1, 0);
  sig_add(&sig, 0, 5, a1 * 0.05, 1.0);
  sig_add(&sig, 0, 39, a1 * 0.03, 2.0);
  sig_add(&sig, 0, 50, a1 * 0.01, 0.5);
  sig_add(&sig, 1, 1, 1500, 0);
  sig_add(&sig, 1, 3, 300, 0.2);
  run(1.0);
  CHECK(nWins >= 3, "windows");
  for (w = 1; w < nWins; w++) {
    const mk_window_t *x = &wins[w];
    double h1 = x->hVQ16[1] / 65536.0, h5 = x->hVQ16[5] / 65536.0, h39 = x->hVQ16[39] / 65536.0;
    double h50 = x->hVQ16[50] / 65536.0, i3 = x->hIQ16[3] / 65536.0, dc = x->hVQ16[0] / 65536.0;
    double leak = 0;
    for (g = 2; g <= 50; g++)
      if (g != 5 && g != 39 && g != 50 && x->hVQ16[g] / 65536.0 > leak) leak = x->hVQ16[g] / 65536.0;
    if (w == 1)
      printf("  48.7 Hz: group errors h1 %.1e h5 %.1e h39 %.1e h50 %.1e I3 %.1e (relative), worst other group %.3f LSB, DC %.3f\n",
             rel(h1, a1 / sqrt(2)), rel(h5, a1 * 0.05 / sqrt(2)), rel(h39, a1 * 0.03 / sqrt(2)),
             rel(h50, a1 * 0.01 / sqrt(2)), rel(i3, 300 / sqrt(2)), leak, dc);
    CHECK(fabs(rel(h1, a1 / sqrt(2))) < 2e-4, "h1 %f", h1);
    /* the int16 FFT's floor is about 0.2 LSB per group (double DFT of the same
     * points: 0.05 LSB, the 12-bit quantisation) */
    CHECK(fabs(h5 - a1 * 0.05 / sqrt(2)) < 0.12, "h5 %f", h5);
    CHECK(fabs(h39 - a1 * 0.03 / sqrt(2)) < 0.12, "h39 %f", h39);
    CHECK(fabs(h50 - a1 * 0.01 / sqrt(2)) < 0.12, "h50 %f", h50);
    CHECK(fabs(i3 - 300 / sqrt(2)) < 0.12, "i3 %f", i3);
    CHECK(leak < 0.4, "leak %f", leak);
    CHECK(fabs(dc - 1862) < 0.02, "dc %f", dc);
    CHECK(x->harmonicMaxOrder == 50, "max order %u", x->harmonicMaxOrder);
  }
  report("harmonic groups 1, 5, 39, 50 of V and 3 of I (IEC 61000-4-7 groups, 48.7 Hz)", ok);
}

static void test_thd(void) {
  int ok = 1, w, trial, n, count = 0;
  static const int ords[5] = {3, 5, 7, 11, 39};
  double sum2 = 0;
  for (trial = 0; trial < 4; trial++) {
    double a1 = trial & 1 ? 465 : 931, h = 0.08 / sqrt(5.0);
    start(12800, 50, 43.0 + trial * 4.4, 0.5);
    sig.rng = 1000u + (uint32_t)trial;
    sig_add(&sig, 0, 1, a1, 0);
    for (n = 0; n < 5; n++) sig_add(&sig, 0, ords[n], a1 * h, n * 1.3 + trial);
    sig_add(&sig, 1, 1, 1500, 0);
    run(1.2);
    for (w = 1; w < nWins; w++) {
      double s = 0, e;
      for (n = 2; n <= 40; n++) s += pow(wins[w].hVQ16[n] / 65536.0, 2);
      e = 100 * sqrt(s) / (wins[w].hVQ16[1] / 65536.0) - 8.0;
      sum2 += e * e;
      count++;
    }
  }
  printf("  THD 8 %% (3, 5, 7, 11, 39), 43..56 Hz, 50/100 %% voltage, 0.5 LSB noise: rms error %.4f pp (%d windows)\n",
         sqrt(sum2 / count), count);
  CHECK(sqrt(sum2 / count) < 0.018, "THD error");
  report("THD from harmonic groups 2..40 at 8 % (half the 0.036 pp target at most)", ok);
}

static void test_clipping(void) {
  int ok = 1, w, clipped = 0;
  start(12800, 50, 50.0, 0);
  sig_add(&sig, 0, 1, 931, 0);
  sig_add(&sig, 1, 1, 1500, 0);
  run(0.5);
  sig.iMid = 2600; /* current now reaches 4095 */
  run(0.5);
  for (w = 0; w < nWins; w++) {
    CHECK(!(wins[w].flags & MK_FLAG_CLIP_V), "no voltage clipping");
    if (wins[w].flags & MK_FLAG_CLIP_I) clipped++;
  }
  CHECK(clipped >= 2 && !(wins[1].flags & MK_FLAG_CLIP_I), "current clipping flagged from the step on (%d)", clipped);
  report("clipped current codes (4095) flag the window", ok);
}

static void test_dip(void) {
  int ok = 1, w, u, found = 0;
  double a = 931, rmsFull = a / sqrt(2);
  uint64_t dipStart = 0, firstLow = 0;
  double lowest = 1e9;
  start(12800, 50, 50.0, 0.5);
  sig_add(&sig, 0, 1, a, 0);
  sig_add(&sig, 1, 1, 1000, 0);
  run(0.5);
  sig.gainV = 0.5; /* dip to 50 %, starting at a peak (90 degrees) */
  dipStart = sig.n;
  run(0.3);
  sig.gainV = 1.0;
  run(0.3);
  for (w = 0; w < nWins; w++) {
    for (u = 0; u < wins[w].urmsCount; u++) {
      double r = sqrt(wins[w].urmsMsQ8[u] / 256.0);
      uint64_t end = wins[w].startSample + wins[w].urmsEndSample[u];
      if (!found && r < 0.9 * rmsFull) {
        found = 1;
        firstLow = end;
      }
      if (r < lowest) lowest = r;
    }
  }
  printf("  dip to 50 %%: first Urms(1/2) below 90 %% ends %ld samples after the dip start; lowest %.4f of nominal\n",
         (long)(firstLow - dipStart), lowest / rmsFull);
  CHECK(found, "no value below 90 %%");
  CHECK(firstLow > dipStart && firstLow - dipStart <= 256 / 2 + 4, "dip detected within half a cycle of its start");
  CHECK(fabs(lowest / rmsFull - 0.5) < 0.002, "residual %f", lowest / rmsFull);
  CHECK(wins[2].urmsCount == 20, "20 values per window, got %u", wins[2].urmsCount);
  report("Urms(1/2): one-cycle rms refreshed each half cycle, on a 50 % dip", ok);
}

/* A deep dip that starts at a zero crossing: the window it starts in holds a half
 * cycle at full amplitude and one at the residual, so its mean is not the ADC
 * offset (24 LSB off at 20 %). Taken as the next window's mid code it would move
 * that window's half-cycle boundaries by 0.13 rad on the residual voltage and bias
 * a Urms(1/2) value low by about 1 % (IEC 61000-4-30 residual: lowest Urms(1/2)). */
static void test_deep_dip_at_zero_crossing(void) {
  int ok = 1, w, u;
  double a = 931, rmsFull = a / sqrt(2), lowest = 1e9, lowestLate = 1e9;
  uint64_t dipStart, dipEnd;
  start(12800, 50, 50.0, 0.5);
  sig_add(&sig, 0, 1, a, 0);
  sig_add(&sig, 1, 1, 1000, 0);
  run(0.43); /* 5504 samples = 21.5 cycles: a falling zero crossing, inside a window */
  sig.gainV = 0.2;
  dipStart = sig.n;
  run(0.25);
  dipEnd = sig.n;
  sig.gainV = 1.0;
  run(0.4);
  for (w = 0; w < nWins; w++) {
    for (u = 0; u < wins[w].urmsCount; u++) {
      uint64_t end = wins[w].startSample + wins[w].urmsEndSample[u];
      double r = sqrt(wins[w].urmsMsQ8[u] / 256.0);
      /* values whose cycle lies wholly inside the dip */
      if (end >= dipStart + 256 && end <= dipEnd) {
        if (r < lowest) lowest = r;
        if (wins[w].startSample > dipStart && r < lowestLate) lowestLate = r;
      }
    }
    if (wins[w].startSample > dipStart && wins[w].startSample < dipEnd + 2560)
      CHECK(abs((int)wins[w].vMidLsb - 1862) <= 1, "window %d after the step: mid code %u, want 1862", w, wins[w].vMidLsb);
  }
  printf("  dip to 20 %% at a zero crossing: lowest Urms(1/2) %.5f of nominal (%.5f in the window after the step)\n",
         lowest / rmsFull, lowestLate / rmsFull);
  CHECK(fabs(lowest / rmsFull - 0.2) < 0.002, "residual %f", lowest / rmsFull);
  CHECK(lowestLate < 1e9, "a window starts inside the dip");
  report("Urms(1/2) on a dip to 20 % starting at a zero crossing: the step's DC does not move the mid code", ok);
}

static void test_interruption(void) {
  int ok = 1, w, synth = 0;
  uint64_t prevEnd = 0;
  start(12800, 50, 50.0, 0.5);
  sig_add(&sig, 0, 1, 931, 0);
  sig_add(&sig, 1, 1, 1000, 0);
  run(0.5);
  sig.gainV = 0.0;
  run(0.5);
  sig.gainV = 1.0;
  run(0.5);
  CHECK(nWins >= 6, "windows continue: %d", nWins);
  for (w = 0; w < nWins; w++) {
    if (wins[w].flags & MK_FLAG_SYNTHETIC) synth++;
    if (w > 0) CHECK(wins[w].startSample == prevEnd, "contiguous windows");
    prevEnd = wins[w].startSample + wins[w].sampleCount;
    CHECK(wins[w].sampleCount > 2400 && wins[w].sampleCount < 2700, "window %d length %u", w, (unsigned)wins[w].sampleCount);
  }
  CHECK(synth >= 2, "synthetic windows %d", synth);
  report("interruption: windows stay contiguous at the predicted period and are flagged", ok);
}

static void test_low_rate_record(void) {
  int ok = 1, w;
  double worst = 0;
  start(1000, 50, 49.9, 0.5); /* synchronous 12-bit sampling without noise does not average quantisation */
  sig_add(&sig, 0, 1, 931, 0);
  sig_add(&sig, 0, 3, 93.1, 0);
  sig_add(&sig, 1, 1, 1000, 0.5);
  run(2.0);
  CHECK(nWins >= 8, "windows %d", nWins);
  for (w = 1; w < nWins; w++) {
    double e = fabs(rel(win_rms_v(&wins[w]), sqrt(931 * 931 / 2.0 + 93.1 * 93.1 / 2)));
    if (e > worst) worst = e;
    CHECK(wins[w].harmonicMaxOrder == 6, "max order %u", wins[w].harmonicMaxOrder);
    /* 200 samples of 0.5 LSB noise per window: ~0.15 LSB rms per group */
    CHECK(fabs(wins[w].hVQ16[3] / 65536.0 - 93.1 / sqrt(2)) < 0.45, "h3 %f", wins[w].hVQ16[3] / 65536.0);
  }
  printf("  1 kHz record, 10 %% 3rd harmonic: worst V rms error %.1e\n", worst);
  /* At 20 samples per cycle the 4-point line through a crossing is biased by the
   * harmonic's curvature (up to ~0.04 sample), and the span error enters the rms
   * as delta/N: 1e-3 is what such a record allows, not the meter's 12.8 kHz. */
  CHECK(worst < 1.2e-3, "rms");
  report("fixed-rate 1 kHz record: rms, 3rd harmonic, valid-order limit 6", ok);
}

static void test_60hz_5760(void) {
  int ok = 1, w;
  mk_config_t c = config(5760, 60);
  if (MK_FFT_N_MAX < 2048) {
    CHECK(mk_init(&kern, &c) == MK_E_CYCLES, "12 cycles need 2048 points");
    report("60 Hz / 12 cycles rejected on a 1024-point build", ok);
    return;
  }
  c.vMidLsb = 1862;
  CHECK(mk_init(&kern, &c) == MK_OK, "init");
  sig_init(&sig, 5760, 60.0, 1862, 2100, 0);
  nWins = 0;
  sig_add(&sig, 0, 1, 931, 0);
  sig_add(&sig, 0, 25, 46.55, 0);
  sig_add(&sig, 1, 1, 1000, 0.5);
  run(1.5);
  CHECK(nWins >= 6, "windows %d", nWins);
  for (w = 1; w < nWins; w++) {
    CHECK(wins[w].cycles == 12 && wins[w].crossingCount == 13, "12 cycles");
    CHECK(wins[w].harmonicMaxOrder == 28, "max order %u", wins[w].harmonicMaxOrder);
    CHECK(fabs(rel(wins[w].hVQ16[25] / 65536.0, 46.55 / sqrt(2))) < 2e-3, "h25 %f", wins[w].hVQ16[25] / 65536.0);
    CHECK(fabs(5760 / win_period(&wins[w]) - 60) < 1e-4, "f");
  }
  report("60 Hz record at 5760 Hz (COMTRADE rate): 12-cycle windows, 25th harmonic", ok);
}

static void test_packed_and_queue(void) {
  int ok = 1, i, got = 0;
  static uint16_t pairs[2 * 1024];
  static uint32_t words[1024];
  mk_window_t a, b;
  mk_config_t c = config(12800, 50);
  mk_init(&kern, &c);
  mk_init(&k2, &c);
  sig_init(&sig, 12800, 50, 2048, 2048, 0.5);
  sig_add(&sig, 0, 1, 900, 0);
  sig_add(&sig, 1, 1, 900, 1);
  for (i = 0; i < 16; i++) {
    int j;
    sig_gen(&sig, pairs, 1024);
    for (j = 0; j < 1024; j++) words[j] = pairs[2 * j] | ((uint32_t)pairs[2 * j + 1] << 16);
    mk_feed_pairs(&kern, pairs, 1024);
    mk_feed_packed(&k2, words, 1024);
  }
  /* 16384 samples = 6 windows; the queue keeps MK_QUEUE_LEN */
  while (mk_take_window(&kern, &a)) {
    CHECK(mk_take_window(&k2, &b) == 1, "same count");
    CHECK(memcmp(&a, &b, sizeof a) == 0, "same window");
    got++;
  }
  CHECK(got == MK_QUEUE_LEN, "queue length %d", got);
  for (i = 0; i < 4; i++) {
    sig_gen(&sig, pairs, 1024);
    mk_feed_pairs(&kern, pairs, 1024);
  }
  CHECK(mk_take_window(&kern, &a) == 1 && a.droppedBefore > 0, "dropped count %u", a.droppedBefore);
  report("packed DMA words equal uint16 pairs; a full queue drops and counts windows", ok);
}

static void test_random_input(void) {
  int ok = 1, round, p;
  static uint16_t block[2 * 64];
  /* 51.2 and 102.4 kHz only where the build's ring serves them (the addon build) */
  static const uint32_t rates[5] = {1000, 5760, 12800, 51200, 102400};
  uint32_t seed = 99;
  for (round = 0; round < 5; round++) {
    mk_config_t c = config(rates[round], 50);
    uint64_t next = 0;
    int first = 1, n, got = 0;
    mk_window_t w;
    if (mk_init(&kern, &c) == MK_E_RING) {
      CHECK(rates[round] > mk_max_rate_hz(50), "%u Hz refused", (unsigned)rates[round]);
      continue;
    }
    for (n = 0; n < 400 * (int)(rates[round] > 12800 ? rates[round] / 12800 : 1); n++) { /* 2 s at the higher rates */
      for (p = 0; p < 128; p++) {
        seed = seed * 1664525u + 1013904223u;
        /* uniform 0..4095, and one code in 16 out of range (up to 65535) */
        block[p] = (uint16_t)((seed >> 28) == 0u ? 0xF000u | (seed >> 16) : (seed >> 16) & 0x0FFFu);
      }
      mk_feed_pairs(&kern, block, 64);
      while (mk_take_window(&kern, &w)) {
        CHECK(first || w.startSample == next || w.droppedBefore > 0, "contiguous");
        CHECK(w.crossingCount == w.cycles + 1 && w.urmsCount <= MK_URMS_MAX, "counts");
        CHECK(w.flags & (MK_FLAG_CLIP_V | MK_FLAG_CLIP_I), "out-of-range codes are flagged");
        next = w.startSample + w.sampleCount;
        first = 0;
        got++;
      }
    }
    CHECK(got > 0, "windows from noise at %u Hz", (unsigned)rates[round]);
  }
  report("random and out-of-range input: no fault, windows stay well formed", ok);
}

/* Windows of two kernels fed the same stream differently must be equal, byte for
 * byte; returns the number compared (-1 on a difference) and ORs their flags. */
static int compareTaken(mk_kernel_t *x, mk_kernel_t *y, int *ok, uint32_t *synthetic, uint32_t *clipped) {
  mk_window_t a, b;
  int n = 0;
  while (mk_take_window(x, &a)) {
    if (mk_take_window(y, &b) != 1 || memcmp(&a, &b, sizeof a) != 0) {
      printf("  check failed: window %u differs\n", (unsigned)a.index);
      *ok = 0;
      return -1;
    }
    if (a.flags & MK_FLAG_SYNTHETIC) (*synthetic)++;
    if (a.flags & MK_FLAG_CLIP_I) (*clipped)++;
    n++;
  }
  if (mk_take_window(y, &b)) {
    printf("  check failed: extra window\n");
    *ok = 0;
    return -1;
  }
  return n;
}

/* The feed splits the stream into runs, stops its per-pair loop at detector wakes
 * and marks clipped codes outside the ring: none of this may depend on where
 * the caller's blocks end. One kernel gets single pairs, the other blocks of
 * 1..200 pairs, as uint16 pairs or packed words, through a distorted 49.7 Hz wave,
 * a dip to zero (synthetic crossings), a 3 % frequency step and a current that
 * clips. */
static void test_block_sizes(void) {
  int ok = 1, windows = 0, part, n;
  uint32_t synthetic = 0, clipped = 0;
  static uint16_t pairs[2 * 256];
  static uint32_t words[256];
  uint32_t seed = 7;
  mk_config_t c = config(12800, 50);
  c.vMidLsb = 1862;
  mk_init(&kern, &c);
  mk_init(&k2, &c);
  sig_init(&sig, 12800, 49.7, 1862, 2048, 0.5);
  sig_add(&sig, 0, 1, 931, 0);
  sig_add(&sig, 0, 3, 33, 0.3);
  sig_add(&sig, 0, 39, 33, 1.9);
  sig_add(&sig, 1, 1, 1500, -0.6);
  sig_add(&sig, 1, 3, 300, 0.1);
  for (part = 0; part < 5 * 12800 / 256; part++) {
    uint32_t t = (uint32_t)part * 256u, done = 0;
    int j;
    sig.gainV = t >= 12800u && t < 16640u ? 0.0 : 1.0; /* 0.3 s without voltage */
    if (t == 25600u) sig.f = 49.7 * 1.03;
    sig.iMid = t >= 38400u ? 2700 : 2048; /* current clips from 3 s on */
    sig_gen(&sig, pairs, 256);
    for (j = 0; j < 256; j++) {
      words[j] = pairs[2 * j] | ((uint32_t)pairs[2 * j + 1] << 16);
      mk_feed_pairs(&kern, &pairs[2 * j], 1);
    }
    while (done < 256u) {
      seed = seed * 1664525u + 1013904223u;
      n = 1 + (int)((seed >> 16) % 200u);
      if (n > (int)(256u - done)) n = (int)(256u - done);
      if (seed & 0x80000000u) mk_feed_packed(&k2, &words[done], (size_t)n);
      else mk_feed_pairs(&k2, &pairs[2u * done], (size_t)n);
      done += (uint32_t)n;
    }
    /* both have consumed the same pairs: same windows, none dropped */
    n = compareTaken(&kern, &k2, &ok, &synthetic, &clipped);
    if (n < 0) break;
    windows += n;
  }
  printf("  %d windows equal, %u with synthetic crossings, %u with current clipping\n", windows, (unsigned)synthetic,
         (unsigned)clipped);
  CHECK(windows >= 22, "windows %d", windows);
  CHECK(synthetic >= 1 && clipped >= 3, "synthetic %u, clipped %u", (unsigned)synthetic, (unsigned)clipped);
  report("windows do not depend on the feed's block sizes (1..200 pairs, packed or not)", ok);
}

/* Codes outside 1..4094 in either half of a pair word: 0 and 4095 are clipped,
 * larger codes are clamped to 4095 and clipped. A stream with such codes at known
 * samples must give exactly the windows of the stream with the clamped codes
 * (clamping, sums, resampling), and only the windows holding them are flagged,
 * for the right channel (the marks live outside the ring and are cleared). */
static void test_clip_codes(void) {
  static const uint16_t code[8] = {0, 4095, 4096, 0xFFFF, 0xFFFF, 4096, 4095, 0};
  static const uint16_t clamped[8] = {0, 4095, 4095, 4095, 4095, 4095, 4095, 0};
  static uint16_t pairs[2 * 128], ref[2 * 128];
  uint64_t at[8];
  int ok = 1, part, e, windows = 0, flagged = 0;
  mk_config_t c = config(12800, 50);
  c.vMidLsb = 1862;
  mk_init(&kern, &c);
  mk_init(&k2, &c);
  sig_init(&sig, 12800, 50.3, 1862, 2048, 0.5);
  sig_add(&sig, 0, 1, 931, 0);
  sig_add(&sig, 1, 1, 1500, -0.6);
  /* one special code per window from window 1 on; even entries voltage, odd current */
  for (e = 0; e < 8; e++) at[e] = 2900u + 2545u * (uint64_t)e + 97u * (uint64_t)e;
  for (part = 0; part < 25000 / 128; part++) {
    uint64_t t = (uint64_t)part * 128u;
    mk_window_t a, b;
    sig_gen(&sig, pairs, 128);
    memcpy(ref, pairs, sizeof pairs);
    for (e = 0; e < 8; e++) {
      if (at[e] >= t && at[e] < t + 128u) {
        uint32_t idx = 2u * (uint32_t)(at[e] - t) + (uint32_t)(e & 1);
        pairs[idx] = code[e];
        ref[idx] = clamped[e];
      }
    }
    mk_feed_pairs(&kern, pairs, 128);
    mk_feed_pairs(&k2, ref, 128);
    while (mk_take_window(&kern, &a)) {
      uint16_t want = 0;
      CHECK(mk_take_window(&k2, &b) == 1 && memcmp(&a, &b, sizeof a) == 0, "window %u equals the clamped stream's",
            (unsigned)a.index);
      for (e = 0; e < 8; e++)
        if (at[e] >= a.startSample && at[e] < a.startSample + a.sampleCount) want |= (e & 1) ? MK_FLAG_CLIP_I : MK_FLAG_CLIP_V;
      CHECK((a.flags & (MK_FLAG_CLIP_V | MK_FLAG_CLIP_I)) == want, "window %u clip flags %x, want %x", (unsigned)a.index,
            (unsigned)a.flags, (unsigned)want);
      if (want) flagged++;
      windows++;
    }
  }
  printf("  %d windows equal to the clamped stream's, %d flagged (8 special codes)\n", windows, flagged);
  CHECK(windows >= 9 && flagged == 8, "windows %d, flagged %d", windows, flagged);
  report("codes 0, 4095, 4096, 65535 in either channel: clamped, and flag only their window", ok);
}

/* End of data inside a window (a record that stops during a dip): mk_flush must
 * accumulate the held-back samples and hand over the open window as PARTIAL with
 * its Urms(1/2) values, so a dip in the last cycles is not lost. */
static void test_flush(void) {
  int ok = 1, u, before, queued, g, zeroGroups = 1;
  double a = 931, rmsFull = a / sqrt(2), lowest = 1e9;
  mk_window_t *p;
  start(12800, 50, 50.0, 0.5);
  sig_add(&sig, 0, 1, a, 0);
  sig_add(&sig, 1, 1, 1000, 0);
  run(0.45);
  sig.gainV = 0.5; /* dip to 50 % in the last 0.1 s of the data */
  run(0.1);
  before = nWins;
  queued = mk_flush(&kern);
  while (nWins < MAX_WINS && mk_take_window(&kern, &wins[nWins])) nWins++;
  CHECK(queued == 1 && nWins == before + 1, "one partial window, got %d queued, %d new", queued, nWins - before);
  p = &wins[nWins - 1];
  for (u = 0; u < p->urmsCount; u++) {
    double r = sqrt(p->urmsMsQ8[u] / 256.0);
    if (r < lowest) lowest = r;
  }
  for (g = 0; g < MK_GROUPS; g++) zeroGroups &= p->hVQ16[g] == 0u && p->hIQ16[g] == 0u;
  printf("  flush: partial window of %u cycles, %u samples, %u Urms(1/2) values, lowest %.4f of nominal\n",
         p->cycles, (unsigned)p->sampleCount, p->urmsCount, lowest / rmsFull);
  CHECK(p->flags & MK_FLAG_PARTIAL, "flags 0x%x lack PARTIAL", p->flags);
  CHECK(p->cycles >= 5 && p->cycles <= 6 && p->crossingCount == p->cycles + 1, "cycles %u", p->cycles);
  CHECK(p->startSample + p->sampleCount == sig.n, "every sample accumulated: ends at %lu, data %lu",
        (unsigned long)(p->startSample + p->sampleCount), (unsigned long)sig.n);
  CHECK(p->urmsCount >= 2 * p->cycles, "Urms(1/2) values %u", p->urmsCount);
  CHECK(fabs(lowest / rmsFull - 0.5) < 0.002, "residual %f", lowest / rmsFull);
  CHECK(zeroGroups, "a partial window carries no harmonic groups");
  CHECK(mk_flush(&kern) == 0, "a second flush queues nothing");
  /* without flush the same data leaves the dip unseen */
  CHECK(before >= 1 && !(wins[before - 1].flags & MK_FLAG_PARTIAL), "complete windows are not partial");
  for (u = 0; u < wins[before - 1].urmsCount; u++) CHECK(sqrt(wins[before - 1].urmsMsQ8[u] / 256.0) > 0.9 * rmsFull, "dip before the flush?");
  report("mk_flush: end of data inside a window gives a PARTIAL window with its Urms(1/2)", ok);
}

/* A cycle's own DC belongs to its rms (IEC 61000-4-30 Urms(1/2)): after a line
 * opens, trapped charge leaves a DC on a small residual voltage. Urms(1/2) is taken
 * about the ADC's zero (the last steady window's mean), so the DC counts until a
 * steady window makes it the new zero. */
static void test_urms_keeps_dc(void) {
  int ok = 1, w, u, n = 0;
  double a = 931, resid = 0.3 * a, dc = 150, want = sqrt(resid * resid / 2 + dc * dc), lo = 1e9, hi = 0;
  uint64_t stepAt;
  start(12800, 50, 50.0, 0.0);
  sig_add(&sig, 0, 1, a, 0);
  sig_add(&sig, 1, 1, 1000, 0);
  run(0.5);
  stepAt = sig.n;
  sig.gainV = 0.3;
  sig.vMid += dc;
  run(0.25);
  mk_flush(&kern);
  while (nWins < MAX_WINS && mk_take_window(&kern, &wins[nWins])) nWins++;
  for (w = 0; w < nWins; w++) {
    for (u = 0; u < wins[w].urmsCount; u++) {
      uint64_t end = wins[w].startSample + wins[w].urmsEndSample[u];
      double r = sqrt(wins[w].urmsMsQ8[u] / 256.0);
      if (end < stepAt + 3 * 256) continue; /* the cycles that hold the step, and one more */
      n++;
      if (r < lo) lo = r;
      if (r > hi) hi = r;
    }
  }
  printf("  residual 30 %% + DC 150 LSB: Urms(1/2) %.2f..%.2f LSB over %d values (with the DC %.2f, without %.2f)\n", lo, hi, n, want,
         resid / sqrt(2));
  CHECK(n >= 10, "values after the step: %d", n);
  CHECK(lo > want * 0.995 && hi < want * 1.002, "Urms(1/2) %.2f..%.2f, want %.2f", lo, hi, want);
  report("Urms(1/2) keeps a DC the signal carries (trapped charge)", ok);
}

/* Feeds half-sine lobes of chosen widths (in periods of 256 samples), alternating
 * sign, from code 1862 with peak a: a voltage whose zero crossings come where the test
 * says. Returns the pairs fed. */
static uint32_t feedLobes(const double *w, int count, double a) {
  static uint16_t vi[2 * 256];
  uint32_t n = 0;
  int j;
  for (j = 0; j < count; j++) {
    uint32_t len = (uint32_t)lround(w[j] * 256.0), t;
    double sign = (j % 2 == 0) ? 1.0 : -1.0;
    for (t = 0; t < len; t++) {
      vi[2 * t] = (uint16_t)lround(1862.0 + sign * a * sin(M_PI * (t + 0.5) / len));
      vi[2 * t + 1] = 2100;
    }
    mk_feed_pairs(&kern, vi, len);
    while (nWins < MAX_WINS && mk_take_window(&kern, &wins[nWins])) nWins++;
    n += len;
  }
  return n;
}

/* Crossings between the fundamental's (a distorted voltage: an opened line's trapped
 * charge and ringing) make half cycles whose pair is no cycle. Such a span's rms is not
 * a Urms(1/2) value: on a recorded 220 kV fault it read 6 % where the cycle held 52 %.
 * Lobes +0.30, -0.28 make a 0.58-period "cycle": its value must be dropped and the
 * window flagged; the 0.8 and 0.73 spans around it stay. */
static void test_short_cycle_dropped(void) {
  static double w[80];
  int ok = 1, n = 0, j, u, found = 0, flagged = 0, flaggedNormal = 0;
  uint32_t dropEnd = 0;
  double at = 0;
  for (j = 0; j < 40; j++) w[n++] = 0.5;                 /* 20 normal cycles */
  w[n++] = 0.30; w[n++] = 0.28; w[n++] = 0.45; w[n++] = 0.47; /* the distorted stretch */
  for (j = 0; j < 30; j++) w[n++] = 0.5;                 /* 15 normal cycles */
  for (j = 0; j < 42; j++) at += w[j];
  dropEnd = (uint32_t)lround(at * 256.0);                /* end of the -0.28 lobe */
  start(12800, 50, 50.0, 0.0);
  feedLobes(w, n, 900.0);
  mk_flush(&kern);
  while (nWins < MAX_WINS && mk_take_window(&kern, &wins[nWins])) nWins++;
  for (j = 0; j < nWins; j++) {
    uint64_t s0 = wins[j].startSample, s1 = s0 + wins[j].sampleCount;
    int holds = dropEnd >= s0 && dropEnd < s1;
    if (wins[j].flags & MK_FLAG_CYCLE) {
      if (holds) flagged = 1;
      else flaggedNormal = 1;
    }
    for (u = 0; u < wins[j].urmsCount; u++) {
      uint64_t e = s0 + wins[j].urmsEndSample[u];
      if (e + 4 >= dropEnd && e <= dropEnd + 4) found = 1;
      CHECK(fabs(sqrt(wins[j].urmsMsQ8[u] / 256.0) / (900.0 / sqrt(2)) - 1) < 0.01, "value %f", sqrt(wins[j].urmsMsQ8[u] / 256.0));
    }
  }
  CHECK(!found, "a value ends at the 0.58-period span (sample %lu)", (unsigned long)dropEnd);
  CHECK(flagged, "the window holding it is not flagged MK_FLAG_CYCLE");
  CHECK(!flaggedNormal, "a window of normal cycles is flagged");
  report("Urms(1/2): a span of two half cycles that is no cycle (0.58 T) is dropped and flagged", ok);
}

/* Issue 13 item 3: the first window after a start was resampled at the nominal
 * period until the second crossing, so away from 50 Hz its THD read 1.5 % (42.5 Hz)
 * to 3.3 % (57.5 Hz) on a pure sine. It now starts at the first crossing that ends a
 * measured period: right, and flagged only as the first (MK_FLAG_FIRST). Without
 * any measurable period (a 33 Hz voltage on a 50 Hz system) it still comes, one
 * more cycle later, flagged MK_FLAG_SYNC as well. */
static double thdPct(const mk_window_t *w, const uint32_t *h) {
  double s = 0;
  unsigned n;
  for (n = 2; n <= w->thdMaxOrder; n++) s += pow(h[n] / 65536.0, 2);
  return 100 * sqrt(s) / (h[1] / 65536.0);
}

static void test_first_window(void) {
  int ok = 1, fi;
  static const double fs_[] = {42.5, 50.0, 57.5};
  for (fi = 0; fi < 3; fi++) {
    start(12800, 50, fs_[fi], 0.5);
    sig_add(&sig, 0, 1, 931, 0.4);
    sig_add(&sig, 1, 1, 1000, 0);
    run(0.6);
    CHECK(nWins >= 2, "windows %d", nWins);
    if (nWins < 2) continue;
    printf("  pure %.1f Hz sine, 0.5 LSB noise: THD V first window %.4f %%, second %.4f %% (the noise floor); first window "
           "frequency error %.3f mHz, flags 0x%x, starts at sample %lu\n", fs_[fi], thdPct(&wins[0], wins[0].hVQ16),
           thdPct(&wins[1], wins[1].hVQ16), (12800 / win_period(&wins[0]) - fs_[fi]) * 1e3, wins[0].flags,
           (unsigned long)wins[0].startSample);
    CHECK(fabs(thdPct(&wins[0], wins[0].hVQ16) - thdPct(&wins[1], wins[1].hVQ16)) < 0.02 && thdPct(&wins[0], wins[0].hVQ16) < 0.15,
          "first window THD %.4f %%", thdPct(&wins[0], wins[0].hVQ16));
    CHECK(fabs(12800 / win_period(&wins[0]) - fs_[fi]) < 0.3e-3, "first window frequency");
    CHECK(wins[0].flags == MK_FLAG_FIRST, "flags 0x%x", wins[0].flags);
    CHECK(nWins < 2 || wins[1].flags == 0, "second window flags 0x%x", wins[1].flags);
    /* the first crossing is within a cycle of the start; the window starts one period after it */
    CHECK(wins[0].startSample > 12800 / fs_[fi] && wins[0].startSample < 2.2 * 12800 / fs_[fi], "start %lu", (unsigned long)wins[0].startSample);
  }
  start(12800, 50, 33.0, 0.5);
  sig_add(&sig, 0, 1, 931, 0.4);
  sig_add(&sig, 1, 1, 1000, 0);
  run(1.0);
  CHECK(nWins >= 1 && (wins[0].flags & (MK_FLAG_FIRST | MK_FLAG_SYNC)) == (MK_FLAG_FIRST | MK_FLAG_SYNC),
        "33 Hz: first window flags 0x%x", nWins ? wins[0].flags : 0);
  report("first window after a start: right away from 50 Hz (THD of a pure sine), or flagged SYNC", ok);
}

/* Issue 13 item 5: a DC-only current read THD I 795 %. A channel whose fundamental
 * group is below MK_FUND_MIN_LSB (14 LSB rms, 1 % of the ADC's largest sine) is
 * flagged: no THD. A dead voltage (interruption) is flagged the same way. */
static void test_no_fundamental(void) {
  int ok = 1, w, dcOnly = 0, small = 0, dead = 0;
  start(12800, 50, 50.0, 0.5);
  sig_add(&sig, 0, 1, 931, 0);
  sig.iMid = 2300; /* a DC current: the offset moved, no AC */
  run(1.0);
  for (w = 0; w < nWins; w++) {
    CHECK((wins[w].flags & (MK_FLAG_NO_FUND_I | MK_FLAG_NO_FUND_V)) == MK_FLAG_NO_FUND_I, "DC-only current: flags 0x%x", wins[w].flags);
    if (w == 1) printf("  DC-only current: group 1 %.3f LSB, THD I would be %.0f %%\n", wins[w].hIQ16[1] / 65536.0, thdPct(&wins[w], wins[w].hIQ16));
    dcOnly++;
  }
  start(12800, 50, 50.0, 0.5);
  sig_add(&sig, 0, 1, 931, 0);
  sig_add(&sig, 1, 1, 30, 0); /* 21 LSB rms: above the floor */
  run(0.6);
  for (w = 0; w < nWins; w++) {
    CHECK(!(wins[w].flags & (MK_FLAG_NO_FUND_I | MK_FLAG_NO_FUND_V)), "21 LSB rms current: flags 0x%x", wins[w].flags);
    small++;
  }
  start(12800, 50, 50.0, 0.5);
  sig_add(&sig, 0, 1, 931, 0);
  sig_add(&sig, 1, 1, 1000, 0);
  run(0.5);
  sig.gainV = 0; /* interruption */
  run(0.6);
  for (w = 0; w < nWins; w++)
    if ((wins[w].flags & MK_FLAG_SYNTHETIC) && wins[w].hVQ16[1] < (1u << 16)) {
      CHECK(wins[w].flags & MK_FLAG_NO_FUND_V, "dead voltage: flags 0x%x", wins[w].flags);
      dead++;
    }
  CHECK(dcOnly >= 3 && small >= 2 && dead >= 1, "windows %d %d %d", dcOnly, small, dead);
  report("no fundamental (DC-only current, dead voltage): flagged NO_FUND, no THD", ok);
}

int main(void) {
  printf("meterKernel tests, MK_FFT_N_MAX=%d, kernel RAM %u bytes (window %u bytes)\n", MK_FFT_N_MAX,
         (unsigned)sizeof(mk_kernel_t), (unsigned)sizeof(mk_window_t));
  test_init_errors();
  test_dc_and_sine_rms();
  test_power_phase();
  test_frequency();
  test_harmonics();
  test_thd();
  test_clipping();
  test_dip();
  test_deep_dip_at_zero_crossing();
  test_interruption();
  test_low_rate_record();
  test_60hz_5760();
  test_packed_and_queue();
  test_random_input();
  test_block_sizes();
  test_clip_codes();
  test_flush();
  test_urms_keeps_dc();
  test_short_cycle_dropped();
  test_first_window();
  test_no_fundamental();
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
