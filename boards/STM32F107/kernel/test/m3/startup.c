/* Minimal Cortex-M3 start for the kernel tests under qemu-system-arm: vector
 * table, .data/.bss set-up, semihosting stdio (newlib rdimon), SysTick wrap count
 * for the instruction-count clock (see cycleClock.h). */
#include <stdint.h>
#include <stdlib.h>

extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end, __stack_top;
extern int main(void);
extern void initialise_monitor_handles(void);

volatile uint32_t systickWraps; /* unused by the bench clock; kept for a SysTick vector */

void Reset_Handler(void);
void Default_Handler(void);
void SysTick_Handler(void);

void _init(void) {}
void _fini(void) {}

void Default_Handler(void) {
  for (;;) {
  }
}

void SysTick_Handler(void) { systickWraps++; }

__attribute__((section(".vectors"), used)) static void (*const vectors[16])(void) = {
    (void (*)(void))(&__stack_top), Reset_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, 0, 0, 0, 0, Default_Handler, Default_Handler, 0, Default_Handler,
    SysTick_Handler};

void Reset_Handler(void) {
  uint32_t *src = &__data_load, *dst = &__data_start;
  while (dst < &__data_end) *dst++ = *src++;
  for (dst = &__bss_start; dst < &__bss_end;) *dst++ = 0;
  initialise_monitor_handles();
  exit(main());
}
