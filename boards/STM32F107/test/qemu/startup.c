/* Vector table and reset for the QEMU test images: copy .data, then newlib's
 * rdimon crt0 (_start: zeroes .bss, sets up semihosting, calls main, exits
 * with main's status through SYS_EXIT). */
#include <stdint.h>

extern uint32_t __etext, __data_start__, __data_end__, __StackTop;
void _start(void);
void Reset_Handler(void);
static void Fault_Handler(void);

/* PendSV and SysTick: a test may define them (basepriTest.c); unused, they fault. */
void PendSV_Handler(void) __attribute__((weak, alias("Unexpected_Handler")));
void SysTick_Handler(void) __attribute__((weak, alias("Unexpected_Handler")));
void Unexpected_Handler(void);

__attribute__((section(".vectors"), used)) static void (*const vectors[16])(void) = {
    (void (*)(void))(&__StackTop), Reset_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
    [14] = PendSV_Handler, [15] = SysTick_Handler,
};

void Reset_Handler(void) {
  uint32_t *src = &__etext, *dst = &__data_start__;
  while (dst < &__data_end__) *dst++ = *src++;
  _start();
  for (;;) {
  }
}

/* A fault (e.g. an unaligned 64-bit store) ends the run: semihosting exit 0x20023 = ADP_Stopped_RunTimeError. */
static void Fault_Handler(void) {
  static const uint32_t block[2] = {0x20023, 1};
  register uint32_t r0 __asm__("r0") = 0x18; /* SYS_EXIT */
  register const uint32_t *r1 __asm__("r1") = block;
  __asm__ volatile("bkpt 0xAB" : : "r"(r0), "r"(r1) : "memory");
  for (;;) {
  }
}

void Unexpected_Handler(void) { Fault_Handler(); }

/* -nostartfiles drops crti/crtn: newlib's init/fini array walkers still call these. */
void _init(void);
void _fini(void);
void _init(void) {}
void _fini(void) {}
