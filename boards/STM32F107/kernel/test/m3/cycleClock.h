/* Instruction clock for the cost bench under qemu-system-arm -icount: SysTick runs
 * from the core clock, and with -icount every guest instruction advances virtual
 * time by the same amount, so SysTick ticks are proportional to instructions
 * executed. clock_calibrate() measures ticks per instruction on a loop of known
 * length. On the host build these are stubs (0). */
#ifndef CYCLE_CLOCK_H
#define CYCLE_CLOCK_H
#include <stdint.h>

#ifdef __arm__
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
extern volatile uint32_t systickWraps;

static inline void clock_start(void) {
  SYST_RVR = 0x00FFFFFFu;
  SYST_CVR = 0;
  SYST_CSR = 7u; /* enable, interrupt on wrap, core clock */
}

static inline uint64_t clock_ticks(void) {
  uint32_t w, v;
  do {
    w = systickWraps;
    v = SYST_CVR;
  } while (w != systickWraps);
  return (uint64_t)w * 0x1000000u + (0x00FFFFFFu - v);
}

/* 4 instructions per iteration: subs, nop, nop, bne */
static inline void clock_known_loop(uint32_t n) {
  __asm__ volatile("1: subs %0, %0, #1\n nop\n nop\n bne 1b\n" : "+r"(n) : : "cc");
}
#else
static inline void clock_start(void) {}
static inline uint64_t clock_ticks(void) { return 0; }
static inline void clock_known_loop(uint32_t n) { (void)n; }
#endif
#endif
