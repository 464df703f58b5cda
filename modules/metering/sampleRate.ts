/**
 * The meter's sampling rate: a whole number of pairs per nominal cycle near 12.8 kHz
 * (256 at 50 Hz = 12 800 Hz; 213 at 60 Hz = 12 780 Hz). At 60 Hz, 256 pairs per cycle
 * would be 15 360 Hz, 20 % more per-sample CPU than the 50 Hz meter; 213 keeps the rate
 * 0.16 % under 12.8 kHz, so the kernel's per-pair cost stays that of the 50 Hz meter,
 * and the 50th harmonic at 1.15 x 60 Hz (3450 Hz) stays inside the interpolator's
 * 0.3 fs passband (kernel/README.md). The C chain (boards/STM32F107/metering/mtRetune.c)
 * then keeps the grid locked to the measured frequency with MeterADC's retuning.
 */
/** The rate the meter samples near, whatever the mains (kernel/README.md: 12.8 kHz). */
export const RATE_HZ = 12800;

/** Pairs per nominal cycle: the whole number nearest RATE_HZ / nominalHz. */
export function pairsPerCycle(nominalHz: number): number {
  return Math.round(RATE_HZ / nominalHz);
}
