/*
 * MN_BASEPRI_RAISE / MN_BASEPRI_RESTORE (drivers/mnReg.h) on the Cortex-M3 under
 * QEMU: with BASEPRI raised to the DMA interrupt's priority, an interrupt of
 * that priority waits and a more urgent one (CAN's) still runs. PendSV and
 * SysTick stand in for the DMA and CAN interrupts (lm3s6965 has no STM32 DMA):
 * their priorities are set like MN_BOARD_PRIO_DMA (12) and MN_BOARD_PRIO_CAN (5)
 * in SCB_SHPR3 and they are made pending in SCB_ICSR (ARMv7-M ARM B3.2.4, B3.2.12).
 * Last line "N passed, M failed".
 */
#include <stdint.h>
#include <stdio.h>

#include "../../drivers/mnReg.h"

#define SCB_ICSR (*(volatile uint32_t *)0xE000ED04u)
#define SCB_SHPR3 (*(volatile uint32_t *)0xE000ED20u)
#define ICSR_PENDSVSET (1u << 28)
#define ICSR_PENDSTSET (1u << 26)
#define PRIO_DMA 12u
#define PRIO_CAN 5u

static volatile int dmaRan, canRan;
void PendSV_Handler(void);
void SysTick_Handler(void);
void PendSV_Handler(void) { dmaRan++; }
void SysTick_Handler(void) { canRan++; }

static int passed, failed;
static void check(int ok, const char *what) {
  if (ok) passed++;
  else failed++;
  printf("%s %s\n", ok ? "ok" : "FAIL", what);
}

int main(void) {
  SCB_SHPR3 = (PRIO_CAN << 4) << 24 | (PRIO_DMA << 4) << 16; /* SysTick byte 3, PendSV byte 2 */
  __asm__ volatile("cpsie i" ::: "memory");
  uint32_t saved = MN_BASEPRI_RAISE(PRIO_DMA << 4);
  SCB_ICSR = ICSR_PENDSVSET | ICSR_PENDSTSET;
  __asm__ volatile("dsb\n isb" ::: "memory");
  for (volatile int k = 0; k < 100; k++) {
  }
  check(canRan == 1, "with BASEPRI at the DMA priority a more urgent interrupt (CAN's) still runs");
  check(dmaRan == 0, "... and one at the DMA priority waits");
  uint32_t inner = MN_BASEPRI_RAISE(14u << 4); /* BASEPRI_MAX: a less urgent level never lowers the mask */
  check(inner == (PRIO_DMA << 4), "a nested raise returns the level in force");
  MN_BASEPRI_RESTORE(inner);
  __asm__ volatile("isb" ::: "memory");
  check(dmaRan == 0, "still masked after the nested restore");
  MN_BASEPRI_RESTORE(saved);
  __asm__ volatile("isb" ::: "memory");
  for (volatile int k = 0; k < 100; k++) {
  }
  check(dmaRan == 1, "the DMA-priority interrupt runs once BASEPRI is restored");
  check(saved == 0, "BASEPRI was 0 (no mask) before");
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
