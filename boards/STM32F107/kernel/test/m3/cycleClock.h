/* Instruction clock for the cost bench under qemu-system-arm -icount: SysTick runs
 * from the core clock, and with -icount every guest instruction advances virtual
 * time by the same amount, so SysTick ticks are proportional to instructions
 * executed. The bench calibrates ticks per instruction on a loop of known length.
 * Intervals must stay below 2^24 ticks (the counter's period): no interrupt is
 * used. On the host build these are stubs (0). */
#ifndef CYCLE_CLOCK_H
#define CYCLE_CLOCK_H
#include <stdint.h>

#ifdef __arm__
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)

static inline void clock_start(void) {
  SYST_RVR = 0x00FFFFFFu;
  SYST_CVR = 0;
  SYST_CSR = 5u; /* enable, core clock, no interrupt */
}

/* The counter counts down: elapsed = (before - after) mod 2^24. */
static inline uint32_t clock_now(void) { return SYST_CVR; }
static inline uint32_t clock_elapsed(uint32_t before, uint32_t after) { return (before - after) & 0x00FFFFFFu; }

/* 4 instructions per iteration: subs, nop, nop, bne */
static inline void clock_known_loop(uint32_t n) {
  __asm__ volatile("1: subs %0, %0, #1\n nop\n nop\n bne 1b\n" : "+r"(n) : : "cc");
}
#else
static inline void clock_start(void) {}
static inline uint32_t clock_now(void) { return 0; }
static inline uint32_t clock_elapsed(uint32_t before, uint32_t after) { (void)before; (void)after; return 0; }
static inline void clock_known_loop(uint32_t n) { (void)n; }
#endif
#endif
