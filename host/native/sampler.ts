/**
 * Typed loader of the device's sampler in the addon (meterAdcAddon.cc):
 * boards/STM32F107/adc/meterAdc.c, sampleClock.c and the kernel over the register
 * models of boards/STM32F107/test/fake. host/meterAdc/hostMeterAdc.ts drives it.
 */
import type { KernelWindow } from "../../modules/metering/kernelWindow.ts";
import { loadAddon } from "./loadAddon.ts";

/** MeterADC.start()'s properties (types/meterAdc.d.ts). */
export interface SamplerConfig {
  sampleRateHz: number;
  nominalHz: number;
  cycles?: number;
  hysteresisLsb?: number;
  fitHalfWidth?: number;
  vMidLsb?: number;
}

/** mn_adc_get_stats with the device's getStats() names. */
export interface SamplerStats {
  blocks: number;
  missedBlocks: number;
  lateBlocks: number;
  overruns: number;
  dmaErrors: number;
  kernelRestarts: number;
  windows: number;
  dropped: number;
  running: boolean;
  sampleRateHz: number;
}

export interface NativeSampler {
  /** mn_adc_init + mn_adc_start with a DMA half-buffer of halfPairs pairs; throws mn_adc_start_error_text. */
  start(cfg: SamplerConfig, halfPairs: number): void;
  stop(): void;
  /** mn_adc_set_zero_codes from the next start; false for a code outside 0..4095. */
  setZeroCodes(vZeroLsb: number, iZeroLsb: number): boolean;
  /** As the device's setSampleRate: achieved Hz, -22 (range) or -100 (not running). */
  setSampleRate(rateHz: number): number;
  /** [timer ticks from pair 0 to the next pair, ticks per interval from there on]. */
  nextBlock(): [number, number];
  /** Interleaved {v, i} codes, one timer update each; the DMA interrupt runs as its flags rise. */
  feed(codes: Uint16Array): number;
  /** mn_adc_take_window: the next window (sampleRateHz = its samples' mean rate) or null. */
  takeWindow(): KernelWindow | null;
  /** A DMA transfer error: true when it stopped sampling and the main loop was told. */
  dmaError(): boolean;
  stats(): SamplerStats;
}

interface Addon {
  MeterAdcSampler: new () => NativeSampler;
}

export function createSampler(): NativeSampler {
  return new (loadAddon<Addon>("meterKernel", "meter kernel").MeterAdcSampler)();
}
