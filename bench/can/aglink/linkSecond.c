/*
 * The aggregator link's C (boards/STM32F107/aglink) for seconds of device time with
 * 64 meters, as CAN1 runs it on the aggregator: the schedule ticked every 10 ms (the
 * app's plan: 8 messages a meter, 1..10 s, 3 polls in flight), every remote frame
 * answered by its meter within the tick with a correctly signed frame (SecOC over the
 * AES given at link time), each answer verified, stored and answered in the schedule.
 * Only the aggregator's calls are timed (mn_ag_tick, mn_ag_receive and what they call:
 * verification, the next poll); the meters' signing is not.
 *
 * Prints: answers per device second, and on the Cortex-M3 (QEMU -icount shift=0,
 * SysTick calibrated as bench/can/cortexM/secocCost.c) instructions per device second
 * and per answer over the 10 s after a 10 s warm-up. On the host run it under
 * callgrind with --toggle-collect=mn_ag_tick --toggle-collect=mn_ag_receive (run.sh).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "aglinkAnswers.h"
#include "aglinkSchedule.h"
#include "cmac.h"
#include "secocFrame.h"
#include "secocNode.h"

#ifdef __arm__
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
static uint32_t now_ticks(void) { return SYST_CVR; }
static uint32_t since(uint32_t t0) { return (t0 - SYST_CVR) & 0xFFFFFFu; }
static double perTick;
static void calibrate(void) {
  uint32_t n = 200000, t0 = now_ticks();
  __asm__ volatile("1: subs %0, %0, #1\n bne 1b" : "+r"(n));
  perTick = 2.0 * 200000 / (double)since(t0);
}
#else
static uint32_t now_ticks(void) { return 0; }
static uint32_t since(uint32_t t0) { (void)t0; return 0; }
#endif

#define METERS 64
static uint8_t agg[7000];
static uint8_t link[19000];
static uint8_t keys[METERS][16], k2s[METERS][16];
static uint32_t fvs[METERS][16];
static uint32_t asked[64];
static unsigned nAsked;
static double measured; /* SysTick ticks inside the aggregator's calls */
static int measuring;

static int send(void *ctx, uint32_t id, int remote, uint8_t dlc, const uint8_t data[8]) {
  (void)ctx; (void)dlc; (void)data;
  if (remote && nAsked < 64) asked[nAsked++] = id;
  return 0;
}

static const uint16_t PLAN[] = {0, 1000, 0, 8, 1000, 10, 6, 2000, 20, 7, 2000, 20, 9, 5000, 30, 10, 5000, 30, 11, 10000, 40, 12, 10000, 40};

int main(void) {
#ifdef __arm__
  SYST_RVR = 0xFFFFFFu;
  SYST_CVR = 0;
  SYST_CSR = 5;
  calibrate();
#endif
  uint8_t master[16], ap[64], k1[16];
  for (int i = 0; i < 16; i++) master[i] = (uint8_t)i;
  memset(ap, 0, sizeof ap);
  ap[0] = 0x10; ap[2] = 0x11; ap[4] = 0x30; /* as modules/can/secured.ts securePlan("aggregator") */
  for (int fn = 6; fn <= 12; fn++) ap[fn] = (uint8_t)(0x10 | (fn - 4));
  ap[32 + 1] = 0x10; ap[32 + 5] = 0x10; ap[32 + 3] = 0x20;
  if (mn_secoc_node_init(agg, sizeof agg, METERS, 9, 1, ap) != 0) { printf("secoc init failed\n"); return 1; }
  for (unsigned a = 0; a < METERS; a++) {
    mn_secoc_node_key(agg, a, a, master, 1);
    mn_secoc_meter_key(master, a, keys[a]);
    mn_cmac_subkeys(keys[a], k1, k2s[a]);
    mn_secoc_node_set_rx(agg, a, 3 * 65536 - 1);
    for (int fn = 0; fn < 16; fn++) fvs[a][fn] = 3 * 65536;
  }
  mn_secoc_node_set_epoch(agg, 5);
  mn_ag_options_t o = {METERS * 8, 3, 3, 2, 200, 60000};
  if (mn_ag_init(link, sizeof link, &o, 0) != 0) { printf("link init failed\n"); return 1; }
  for (unsigned a = 0; a < METERS; a++)
    for (unsigned k = 0; k < sizeof PLAN / sizeof PLAN[0]; k += 3) mn_ag_add(link, a, PLAN[k], PLAN[k + 1], PLAN[k + 2], 50, 2, 0);
  mn_ag_link_t l = {link, agg, send, 0, 0, 0};
  for (unsigned a = 0; a < METERS; a++) mn_ag_set_synced(&l, a, 1);
  const uint8_t data[4] = {0x09, 0x09, 0x88, 0x13};
  uint32_t answersAtStart = 0, ticks;
  mn_ag_frame_t out;
  for (int64_t ms = 0; ms < 20000; ms += 10) {
    if (ms == 10000) {
      uint32_t c[MN_AGC_COUNT];
      mn_ag_counters(&l, c);
      answersAtStart = c[MN_AGC_STORED];
      measuring = 1;
    }
    ticks = now_ticks();
    mn_ag_tick(link, &mn_ag_link_target, &l, ms);
    if (measuring) measured += since(ticks);
    while (nAsked > 0) {
      uint32_t id = asked[--nAsked];
      unsigned a = id & 63u, fn = id >> 6;
      uint8_t p[8];
      mn_secoc_sign(keys[a], k2s[a], id, data, fvs[a][fn]++, p); /* the meter's work: not timed */
      ticks = now_ticks();
      mn_ag_receive(&l, id, 0, 8, p, ms + 1, &out);
      if (measuring) measured += since(ticks);
    }
  }
  uint32_t c[MN_AGC_COUNT];
  mn_ag_counters(&l, c);
  double perS = (c[MN_AGC_STORED] - answersAtStart) / 10.0;
  printf("answers per device second %.1f (missed %lu, rejected %lu)\n", perS, (unsigned long)c[MN_AGC_MISSED],
         (unsigned long)(c[MN_AGC_BAD_MAC] + c[MN_AGC_STALE] + c[MN_AGC_UNSYNCED]));
#ifdef __arm__
  double instr = measured * perTick / 10.0;
  printf("Cortex-M3 instructions per device second %.0f, per answer %.0f; %.2f %% of 72 MHz at CPI 1.0, %.2f %% at CPI 1.5\n", instr,
         instr / perS, instr / 72e6 * 100, instr * 1.5 / 72e6 * 100);
#endif
  return c[MN_AGC_MISSED] == 0 && perS > 200 ? 0 : 1;
}
