/*
 * Instruction counting on QEMU's Cortex-M3 (lm3s6965evb, -icount shift=0) for the
 * cost benches (bench/can/cortexM/secocCost.c, bench/ota/cortexM/otaCost.c): SysTick
 * counts virtual time, and a loop of known length calibrates instructions per tick.
 * One interval must stay under 2^24 ticks.
 */
#ifndef MN_SYSTICK_COUNT_H
#define MN_SYSTICK_COUNT_H

#include <stdint.h>
#include <stdio.h>

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)

static uint32_t now(void) { return SYST_CVR; } /* counts down */
static uint32_t since(uint32_t t0) { return (t0 - SYST_CVR) & 0xFFFFFFu; }

static double perTick;

/* Starts SysTick (processor clock, no interrupt) and measures instructions per tick. */
static void calibrate(void) {
  SYST_RVR = 0xFFFFFFu;
  SYST_CVR = 0;
  SYST_CSR = 5;
  uint32_t n = 200000, t0 = now();
  __asm__ volatile("1: subs %0, %0, #1\n bne 1b" : "+r"(n));
  perTick = 2.0 * 200000 / (double)since(t0);
}

/* Prints "<name> <instructions per call>". */
static void report(const char *name, double ticks, unsigned calls) {
  printf("%s %lu\n", name, (unsigned long)(ticks * perTick / calls + 0.5));
}

#endif
