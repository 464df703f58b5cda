/*
 * Sampling-rate arithmetic of the ADC trigger timer: the update period is
 * (PSC+1)(ARR+1) timer ticks (RM0008 15.3.1), PSC and ARR 16-bit. Rates are in
 * mHz so that 256 x 49.987 Hz stays exact. Pure integer C.
 *
 * Resolution: TIM3 runs at 72 MHz (APB1 prescaler 2 doubles the 36 MHz bus
 * clock); at 12.8 kHz one tick of the 5625-tick period is 178 ppm, so a
 * retuned rate is within 89 ppm of the one asked for. The kernel does not
 * need an exact ratio (it resamples each window to its crossings), it only
 * needs to know the true rate: mn_sample_clock_rate_mhz gives it.
 */
#ifndef MN_SAMPLE_CLOCK_H
#define MN_SAMPLE_CLOCK_H

#include <stdint.h>

/* Smallest prescaler that fits ARR in 16 bits, then the nearest ARR.
 * 0, or MN_EINVAL (-22) for a zero rate or one above clk/2. */
int mn_sample_clock_compute(uint32_t timerClkHz, uint32_t rateMilliHz, uint32_t *psc, uint32_t *arr);
/* Nearest ARR for the rate with a fixed prescaler (a running timer's PSC is
 * not changed). 0 or MN_EINVAL (out of 1..65535). */
int mn_sample_clock_arr(uint32_t timerClkHz, uint32_t psc, uint32_t rateMilliHz, uint32_t *arr);
/* Rate that PSC/ARR produce, mHz, rounded. */
uint32_t mn_sample_clock_rate_mhz(uint32_t timerClkHz, uint32_t psc, uint32_t arr);

#endif
