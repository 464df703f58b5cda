/*
 * Tests of the pure-C parts (no registers): CAN bit timing, CAN filter
 * encoding, frame checks, sample-clock arithmetic, window view. Runs on the
 * host and on a Cortex-M3 under qemu-system-arm (lm3s6965evb, semihosting),
 * so the integer arithmetic is also checked on the target's instruction set.
 * Prints the bit-timing table quoted in README.md; last line "N passed, M failed".
 */
#include <stdio.h>
#include <string.h>

#include "../adc/sampleClock.h"
#include "../adc/windowView.h"
#include "../can/canBitTiming.h"
#include "../can/canFilter.h"
#include "../can/canFrame.h"
#include "../drivers/mnReg.h"

static int passed, failed, ok;

#define CHECK(cond)                                                   \
  do {                                                                \
    if (!(cond)) {                                                    \
      printf("  check failed (line %d): %s\n", __LINE__, #cond);      \
      ok = 0;                                                         \
    }                                                                 \
  } while (0)

static void run(const char *name, void (*fn)(void)) {
  ok = 1;
  fn();
  if (ok) passed++;
  else failed++;
  printf("%s %s\n", ok ? "ok" : "FAIL", name);
}

/* Smallest |sample point - 87.5 %| over every exact setting, by brute force
 * through RM0008's formula, in ppm of a bit. */
static unsigned best_sp_error_ppm(uint32_t pclk, uint32_t rate) {
  unsigned best = 1000000;
  for (uint32_t brp = 1; brp <= 1024; brp++)
    for (uint32_t ts1 = 1; ts1 <= 16; ts1++)
      for (uint32_t ts2 = 1; ts2 <= 8; ts2++) {
        uint32_t tq = 1 + ts1 + ts2;
        if (tq < 8 || (uint64_t)brp * tq * rate != pclk) continue;
        unsigned sp = (1 + ts1) * 1000000u / tq;
        unsigned e = sp > 875000u ? sp - 875000u : 875000u - sp;
        if (e < best) best = e;
      }
  return best;
}

static void print_timing(uint32_t pclk, uint32_t rate, uint32_t maxPpm) {
  mn_can_timing_t t;
  int rc = mn_can_timing_compute(pclk, rate, 875, maxPpm, &t);
  if (rc != MN_OK) {
    printf("| %7lu | (no setting within %lu ppm) |\n", (unsigned long)rate, (unsigned long)maxPpm);
    return;
  }
  printf("| %7lu | %4lu | %2u | %2u | %u | %u | %7lu | %+6ld | %2u.%u %% | 0x%08lX |\n", (unsigned long)rate,
         (unsigned long)t.brp, t.tqPerBit, t.bs1, t.bs2, t.sjw, (unsigned long)t.bitrateHz, (long)t.errorPpm,
         t.samplePointPermille / 10, t.samplePointPermille % 10, (unsigned long)t.btr);
}

static void test_bit_timing_36mhz(void) {
  static const uint32_t rates[] = {125000, 250000, 500000, 1000000};
  printf("bit timing at APB1 = 36 MHz (RM0008 24.7.7), target sample point 87.5 %%:\n");
  printf("| bit/s   | BRP  | tq | BS1 | BS2 | SJW | achieved | error ppm | sample point | BTR |\n");
  for (unsigned k = 0; k < 4; k++) {
    mn_can_timing_t t;
    CHECK(mn_can_timing_compute(36000000u, rates[k], 875, 0, &t) == MN_OK);
    print_timing(36000000u, rates[k], 0);
    CHECK(t.errorPpm == 0);
    uint32_t back;
    uint16_t sp;
    mn_can_timing_from_btr(36000000u, t.btr, &back, &sp);
    CHECK(back == rates[k]);
    CHECK(sp == t.samplePointPermille);
    CHECK((uint64_t)t.brp * t.tqPerBit * rates[k] == 36000000u);
    CHECK(t.tqPerBit >= 8 && t.tqPerBit <= 25 && t.bs1 >= 1 && t.bs1 <= 16 && t.bs2 >= 1 && t.bs2 <= 8);
    /* no exact setting has a sample point nearer 87.5 % */
    unsigned ours = (1u + t.bs1) * 1000000u / t.tqPerBit;
    unsigned e = ours > 875000u ? ours - 875000u : 875000u - ours;
    CHECK(e == best_sp_error_ppm(36000000u, rates[k]));
  }
  mn_can_timing_t t;
  CHECK(mn_can_timing_compute(36000000u, 125000, 875, 0, &t) == MN_OK && t.brp == 18 && t.tqPerBit == 16 && t.samplePointPermille == 875);
  CHECK(mn_can_timing_compute(36000000u, 500000, 875, 0, &t) == MN_OK && t.samplePointPermille == 875);
  CHECK(mn_can_timing_compute(36000000u, 1000000, 875, 0, &t) == MN_OK && t.samplePointPermille == 889 && t.tqPerBit == 18);
}

static void test_bit_timing_inexact_and_invalid(void) {
  printf("rates that 36 MHz cannot make exactly (allowing 1 %% = 10000 ppm):\n");
  print_timing(36000000u, 33333, 10000);
  print_timing(36000000u, 83333, 10000);
  print_timing(36000000u, 800000, 10000);
  mn_can_timing_t t;
  CHECK(mn_can_timing_compute(36000000u, 33333, 875, 0, &t) == MN_EINVAL);
  CHECK(mn_can_timing_compute(36000000u, 33333, 875, 10000, &t) == MN_OK && t.errorPpm != 0 && t.errorPpm < 100 && t.errorPpm > -100);
  CHECK(mn_can_timing_compute(36000000u, 0, 875, 0, &t) == MN_EINVAL);
  CHECK(mn_can_timing_compute(36000000u, 2000000, 875, 0, &t) == MN_EINVAL);
  CHECK(mn_can_timing_compute(0, 125000, 875, 0, &t) == MN_EINVAL);
  CHECK(mn_can_timing_compute(36000000u, 125000, 400, 0, &t) == MN_EINVAL);
  CHECK(mn_can_timing_compute(36000000u, 125000, 875, 0, 0) == MN_EINVAL);
}

/* Counts the standard ids (and RTR variants) a set of banks accepts. */
static unsigned count_std(const bxcan_bank_cfg_t *b, int n, int rtr) {
  unsigned c = 0;
  for (uint32_t id = 0; id <= 0x7FF; id++) {
    int any = 0;
    for (int k = 0; k < n; k++) any |= mn_can_bank_accepts(&b[k], id, rtr ? MN_CAN_FLAG_RTR : 0);
    c += (unsigned)any;
  }
  return c;
}

static void test_filter_encoding(void) {
  bxcan_bank_cfg_t b[MN_CAN_FILTER_MAX_BANKS];
  mn_can_filter_t m = {.mode = MN_CAN_FILTER_MASK, .rtr = MN_CAN_RTR_ANY, .fifo = 1, .id = 5, .mask = 0x3F};
  CHECK(mn_can_filter_encode(&m, b) == 1);
  CHECK(b[0].scale32 == 1 && b[0].list == 0 && b[0].fifo == 1);
  CHECK(count_std(b, 1, 0) == 32 && count_std(b, 1, 1) == 32); /* 2048 / 64 addresses */
  CHECK(mn_can_bank_accepts(&b[0], 0x185, 0) && !mn_can_bank_accepts(&b[0], 0x186, 0));
  CHECK(!mn_can_bank_accepts(&b[0], 0x185, MN_CAN_FLAG_EXT));
  m.rtr = 1;
  CHECK(mn_can_filter_encode(&m, b) == 1);
  CHECK(count_std(b, 1, 0) == 0 && count_std(b, 1, 1) == 32);
  mn_can_filter_t l = {.mode = MN_CAN_FILTER_LIST, .rtr = 0, .fifo = 0, .idCount = 3, .ids = {1, 2, 0x7FF}};
  CHECK(mn_can_filter_encode(&l, b) == 2);
  CHECK(count_std(b, 2, 0) == 3 && count_std(b, 2, 1) == 0);
  l.rtr = MN_CAN_RTR_ANY;
  l.idCount = 4;
  l.ids[3] = 0x400;
  CHECK(mn_can_filter_encode(&l, b) == 4);
  CHECK(count_std(b, 4, 0) == 4 && count_std(b, 4, 1) == 4);
  mn_can_filter_t e = {.mode = MN_CAN_FILTER_LIST, .extended = 1, .rtr = 0, .idCount = 2, .ids = {0x1FFFFFFF, 0}};
  CHECK(mn_can_filter_encode(&e, b) == 1);
  CHECK(mn_can_bank_accepts(&b[0], 0x1FFFFFFF, MN_CAN_FLAG_EXT) && mn_can_bank_accepts(&b[0], 0, MN_CAN_FLAG_EXT));
  CHECK(!mn_can_bank_accepts(&b[0], 0, 0) && !mn_can_bank_accepts(&b[0], 1, MN_CAN_FLAG_EXT));
  mn_can_filter_t bad = {.mode = MN_CAN_FILTER_LIST, .rtr = 0, .idCount = 5};
  CHECK(mn_can_filter_encode(&bad, b) == MN_EINVAL);
  bad.idCount = 0;
  CHECK(mn_can_filter_encode(&bad, b) == MN_EINVAL);
  mn_can_filter_t badMask = {.mode = MN_CAN_FILTER_MASK, .rtr = 3, .id = 0, .mask = 0};
  CHECK(mn_can_filter_encode(&badMask, b) == MN_EINVAL);
}

static void test_frame_check(void) {
  mn_can_frame_t f;
  memset(&f, 0, sizeof f);
  f.id = 0x7FF;
  CHECK(mn_can_frame_check(&f) == MN_OK);
  f.id = 0x800;
  CHECK(mn_can_frame_check(&f) == MN_EINVAL);
  f.flags = MN_CAN_FLAG_EXT;
  CHECK(mn_can_frame_check(&f) == MN_OK);
  f.id = 0x20000000;
  CHECK(mn_can_frame_check(&f) == MN_EINVAL);
  f.id = 1;
  f.dlc = 9;
  CHECK(mn_can_frame_check(&f) == MN_EINVAL);
  f.dlc = 8;
  f.flags = 0x80;
  CHECK(mn_can_frame_check(&f) == MN_EINVAL);
  CHECK(mn_can_frame_check(0) == MN_EINVAL);
}

static void test_sample_clock(void) {
  uint32_t psc, arr, arr2;
  CHECK(mn_sample_clock_compute(72000000u, 12800000u, &psc, &arr) == MN_OK && psc == 0 && arr == 5624);
  CHECK(mn_sample_clock_rate_mhz(72000000u, psc, arr) == 12800000u);
  CHECK(mn_sample_clock_compute(72000000u, 1000000u, &psc, &arr) == MN_OK && psc == 1 && arr == 35999);
  CHECK(mn_sample_clock_rate_mhz(72000000u, psc, arr) == 1000000u);
  CHECK(mn_sample_clock_compute(72000000u, 51200000u, &psc, &arr) == MN_OK && psc == 0 && arr == 1405);
  /* 256 x 50.3 Hz: 5591.45 ticks -> 5591, 12877.84 Hz (within 89 ppm) */
  CHECK(mn_sample_clock_arr(72000000u, 0, 12876800u, &arr2) == MN_OK && arr2 == 5590);
  CHECK(mn_sample_clock_rate_mhz(72000000u, 0, arr2) == 12877839u);
  CHECK(mn_sample_clock_arr(72000000u, 0, 1000000u, &arr2) == MN_EINVAL); /* 72000 ticks > 16 bits */
  CHECK(mn_sample_clock_compute(72000000u, 0, &psc, &arr) == MN_EINVAL);
  CHECK(mn_sample_clock_compute(1000000u, 600000000u, &psc, &arr) == MN_EINVAL); /* above clk / 2 */
}

static void test_window_view(void) {
  static mk_window_t w;
  memset(&w, 0, sizeof w);
  w.crossingCount = 11;
  for (int k = 0; k < 11; k++) w.crossingQ16[k] = (int32_t)(k * 256 * 65536 - 32768);
  w.urmsCount = 2;
  w.urmsMsQ8[0] = 256u * 1131u * 1131u;
  w.urmsMsQ8[1] = 0;
  w.hIQ16[50] = 65536u * 7u;
  w.syncErrorQ16 = 655; /* 0.01 sample */
  unsigned char cr[8 * 13], ur[4 * 32], h[4 * 51];
  mn_window_fill_crossings(&w, cr);
  double c10;
  memcpy(&c10, cr + 80, 8);
  CHECK(c10 == 2559.5);
  mn_window_fill_urms(&w, ur);
  float u0;
  memcpy(&u0, ur, 4);
  CHECK(u0 > 1130.999f && u0 < 1131.001f);
  mn_window_fill_harmonics(&w, 1, h);
  float h50;
  memcpy(&h50, h + 200, 4);
  CHECK(h50 == 7.0f);
  CHECK(mn_window_crossing_count(&w) == 11 && mn_window_urms_count(&w) == 2);
  w.crossingCount = 200; /* never more than the array holds */
  CHECK(mn_window_crossing_count(&w) == MK_CROSSINGS_MAX);
  int names = 0;
  for (size_t k = 0; k < mn_window_field_count; k++) {
    if (!strcmp(mn_window_fields[k].name, "syncErrorSample")) {
      double v = mn_window_field_value(&w, &mn_window_fields[k]);
      CHECK(v > 0.00999 && v < 0.01001);
      names++;
    }
  }
  CHECK(names == 1);
}

int main(void) {
  run("CAN bit timing at 36 MHz: exact, 87.5 % where possible, best by brute force", test_bit_timing_36mhz);
  run("CAN bit timing: inexact rates and invalid arguments", test_bit_timing_inexact_and_invalid);
  run("CAN filter encoding: mask, list, rtr, extended", test_filter_encoding);
  run("CAN frame checks", test_frame_check);
  run("sample clock: PSC/ARR from rate and back", test_sample_clock);
  run("window view: Q16 and mean-square conversions", test_window_view);
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
