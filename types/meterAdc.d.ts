/**
 * MeterADC: the native measurement hook of a meternet meter (contract between the
 * device JavaScript in app/meter and native code).
 *
 * Device: boards/STM32F107 (jswrap_meteradc.c): TIM-triggered ADC1 (voltage) + ADC2
 * (current) in regular simultaneous mode, DMA into a circular double buffer, each
 * half-buffer fed to the C kernel boards/STM32F107/kernel/meterKernel.h from the
 * DMA interrupt; each finished window is queued to the interpreter (as Espruino's
 * Waveform does) and emitted as a 'window' event on the main loop.
 * Host: host/meterAdc/ (same API, fed from host/waveform through the Node addon of
 * the same kernel), installed as the global `MeterADC` by the host runtime
 * (`globals: (rt) => ({ MeterADC: ... })`).
 *
 * The 'window' event's argument is EXACTLY modules/metering/kernelWindow.ts
 * KernelWindow: a plain object with those field names; sums as numbers (64-bit
 * integers converted to double: exact below 2^53, i.e. for any window), arrays as
 * the typed arrays listed there (crossingsSample Float64Array(cycles + 1),
 * urmsHalfLsb Float32Array(n), urmsHalfEndSample Float64Array(n), hVLsb / hILsb
 * Float32Array(51)). All values are raw ADC codes: calibration is applied in
 * JavaScript (modules/metering/calibration.ts); the hook never scales.
 */
interface MeterAdcConfig {
  /** ADC pair rate, Hz (the meter uses 12800; 1000..51200). */
  sampleRateHz: number;
  nominalHz: 50 | 60;
  /** Cycles per window; 0/omitted: 10 at 50 Hz, 12 at 60 Hz. */
  cycles?: number;
  /** Crossing hysteresis in LSB (0/omitted: kernel default 8). */
  hysteresisLsb?: number;
  /** Least-squares half-width around each crossing (0/omitted: from the rate). */
  fitHalfWidth?: number;
}

interface MeterAdcStats {
  /** Windows delivered since start(). */
  windows: number;
  /** Windows lost because JavaScript did not take them in time (kernel queue full). */
  dropped: number;
  /** DMA half-buffers the kernel could not process before the next one (device only). */
  overruns: number;
}

declare class MeterADC {
  constructor();
  /** Starts sampling. Throws an Error naming the bad field (e.g. "sampleRateHz must be 1000..51200"). */
  start(config: MeterAdcConfig): void;
  /** Stops sampling; queued windows are discarded. */
  stop(): void;
  /**
   * Code of 0 V on the voltage channel (calibrated zeroLsb, rounded), used by the
   * kernel to find zero crossings before its first window (it then tracks each
   * window's mean). Takes effect at the next start().
   */
  setCalibration(vZeroLsb: number, iZeroLsb: number): void;
  getStats(): MeterAdcStats;
  on(event: "window", cb: (w: import("../modules/metering/kernelWindow").KernelWindow) => void): void;
}
