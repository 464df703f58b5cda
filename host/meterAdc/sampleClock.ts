/**
 * The ADC trigger timer's arithmetic, exactly as boards/STM32F107/adc/sampleClock.c
 * computes it (same integer rounding, in BigInt because the C works in uint64), so the
 * host MeterADC achieves the same rates and rejects the same requests as the device.
 *
 * Update period = (PSC+1)(ARR+1) ticks of the 72 MHz timer clock (RM0008 15.3.1), PSC
 * and ARR 16-bit; rates in mHz.
 */

// TIM3's clock (MN_BOARD_TIM3_HZ) and the drivers' error codes, generated from the C headers.
import { TIMER_CLOCK_HZ } from "./firmwareFacts.generated.ts";
import { MN_EINVAL, MN_ENETDOWN } from "../../modules/ports/errorCodes.generated.ts";
export { TIMER_CLOCK_HZ, MN_EINVAL, MN_ENETDOWN };

/** Nearest ARR for the rate with a fixed prescaler (mn_sample_clock_arr); null where the C returns MN_EINVAL. */
export function sampleClockArr(timerClkHz: number, psc: number, rateMilliHz: number): number | null {
  if (rateMilliHz === 0 || psc > 0xffff) return null;
  const div = BigInt(rateMilliHz) * BigInt(psc + 1);
  const periodTicks = (BigInt(timerClkHz) * 1000n + div / 2n) / div;
  if (periodTicks < 2n || periodTicks > 0x10000n) return null;
  return Number(periodTicks) - 1;
}

/** Smallest prescaler that fits ARR in 16 bits, then the nearest ARR (mn_sample_clock_compute). */
export function sampleClockCompute(timerClkHz: number, rateMilliHz: number): { psc: number; arr: number } | null {
  if (rateMilliHz === 0 || rateMilliHz > timerClkHz * 500) return null;
  const ticks = (BigInt(timerClkHz) * 1000n + BigInt(rateMilliHz) / 2n) / BigInt(rateMilliHz);
  let p = (ticks + 0xffffn) / 0x10000n;
  if (p < 1n) p = 1n;
  if (p > 0x10000n) return null;
  const psc = Number(p) - 1;
  const arr = sampleClockArr(timerClkHz, psc, rateMilliHz);
  return arr === null ? null : { psc, arr };
}

/** Rate that PSC/ARR produce, mHz, rounded (mn_sample_clock_rate_mhz). */
export function sampleClockRateMilliHz(timerClkHz: number, psc: number, arr: number): number {
  const ticks = BigInt(psc + 1) * BigInt(arr + 1);
  return Number((BigInt(timerClkHz) * 1000n + ticks / 2n) / ticks);
}

/**
 * What MeterADC.setSampleRate returns for `rateHz` on a running sampler with prescaler
 * psc (jswrap_meteradc_setSampleRate + mn_adc_set_rate): the new ARR and the achieved
 * rate in Hz, or MN_EINVAL. The caller checks "running" first (MN_ENETDOWN).
 */
export function retuneRequest(timerClkHz: number, psc: number, rateHz: number): { arr: number; achievedHz: number } | number {
  if (!(rateHz > 0 && rateHz < 4.0e6)) return MN_EINVAL;
  const arr = sampleClockArr(timerClkHz, psc, Math.floor(rateHz * 1000 + 0.5));
  if (arr === null) return MN_EINVAL;
  return { arr, achievedHz: sampleClockRateMilliHz(timerClkHz, psc, arr) / 1000 };
}
