/* Trigger-timer arithmetic; see sampleClock.h. */
#include "sampleClock.h"

#include "../drivers/mnReg.h"

/* ticks = clk / rate, rounded; in mHz units: clk * 1000 / rateMilliHz */
static uint64_t ticks_for(uint32_t timerClkHz, uint32_t rateMilliHz) {
  return ((uint64_t)timerClkHz * 1000u + rateMilliHz / 2u) / rateMilliHz;
}

int mn_sample_clock_arr(uint32_t timerClkHz, uint32_t psc, uint32_t rateMilliHz, uint32_t *arr) {
  if (rateMilliHz == 0 || psc > 0xFFFFu) return MN_EINVAL;
  uint64_t div = (uint64_t)rateMilliHz * (psc + 1u);
  uint64_t periodTicks = ((uint64_t)timerClkHz * 1000u + div / 2u) / div;
  if (periodTicks < 2u || periodTicks > 0x10000u) return MN_EINVAL;
  *arr = (uint32_t)periodTicks - 1u;
  return MN_OK;
}

int mn_sample_clock_compute(uint32_t timerClkHz, uint32_t rateMilliHz, uint32_t *psc, uint32_t *arr) {
  if (rateMilliHz == 0 || (uint64_t)rateMilliHz > (uint64_t)timerClkHz * 500u) return MN_EINVAL;
  uint64_t ticks = ticks_for(timerClkHz, rateMilliHz);
  uint32_t p = (uint32_t)((ticks + 0xFFFFu) / 0x10000u); /* ceil(ticks / 65536) = psc + 1 */
  if (p < 1u) p = 1u;
  if (p > 0x10000u) return MN_EINVAL;
  *psc = p - 1u;
  return mn_sample_clock_arr(timerClkHz, *psc, rateMilliHz, arr);
}

uint32_t mn_sample_clock_rate_mhz(uint32_t timerClkHz, uint32_t psc, uint32_t arr) {
  uint64_t ticks = (uint64_t)(psc + 1u) * (arr + 1u);
  return (uint32_t)(((uint64_t)timerClkHz * 1000u + ticks / 2u) / ticks);
}
