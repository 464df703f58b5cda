/*
 * The meter board's instances of our drivers, bound to the STM32F107's real
 * registers, and its interrupt handlers. Device only (the host tests bind the
 * same drivers to fakes). The jswrap files reach hardware only through this.
 *
 * Pins (chosen clear of the Ethernet RMII pins, USB OTG FS and USART1):
 *   PC0 = ADC12_IN10 voltage, PC2 = ADC12_IN12 current (analog inputs),
 *   PD0 = CAN1_RX, PD1 = CAN1_TX (AFIO CAN1_REMAP = 11, as on ST's STM3210C-EVAL).
 * Clocks: SYSCLK 72 MHz, APB1 36 MHz (bxCAN), TIM3 72 MHz, ADC 72/6 = 12 MHz.
 */
#ifndef MN_METERNET_BOARD_H
#define MN_METERNET_BOARD_H

#include "adc/meterAdc.h"
#include "can/canDriver.h"

#define MN_BOARD_APB1_HZ 36000000u
#define MN_BOARD_SYSCLK_HZ 72000000u
#define MN_BOARD_TIM3_HZ 72000000u
#define MN_BOARD_V_CHANNEL 10u
#define MN_BOARD_I_CHANNEL 12u
/* 256 pairs per half: 20 ms at 12.8 kHz, one 50 Hz cycle per interrupt. */
#define MN_BOARD_ADC_HALF_PAIRS 256u
/* NVIC priorities (0 highest, 4 bits). Espruino's own: SPI 1, SysTick 2,
 * USART 6, utility timer 7. CAN answers remote frames from its interrupt, so
 * it sits above the USART; the DMA interrupt may run a window's FFT and sits
 * below everything of Espruino's except the lowest. */
#define MN_BOARD_PRIO_CAN 5u
#define MN_BOARD_PRIO_DMA 12u

extern mn_adc_t mn_board_adc;
extern mn_can_t mn_board_can1;

/* Driver instances (the first time), then clocks, pins, the CAN1 remap and NVIC
 * (every time: both jswrap files call it from their "init" hooks, which run
 * after Espruino's jshReset() has made the pins analog inputs). Returns 0 or the
 * driver error. */
int mn_board_init(void);
/* Interrupt-to-main-loop signals (the jswrap files push Espruino events); the
 * ADC one returns nonzero when the event was queued (mn_adc_config_t.notify). */
void mn_board_set_adc_notify(int (*notify)(void *ctx));
void mn_board_set_can_notify(int (*notify)(void *ctx, uint32_t events));
/* Why the chip reset, from RCC_CSR (RM0008 8.3.10), read at the first call and its flags
 * cleared (RMVF), so later calls and the next reset see only what happens from now:
 * MN_RESET_WATCHDOG (IWDG or WWDG), MN_RESET_SOFTWARE (SYSRESETREQ), else MN_RESET_POWER
 * (power-on, the reset pin, low-power) (ota/otaBoot.h's codes). */
int mn_board_reset_cause(void);

#endif
