// Hand-written part of types/meterAdc.d.ts (which tools/build/genHookTypes.js generates
// from boards/STM32F107/jswrap/jswrap_meteradc.c): what has no JSON block.
/**
 * MeterADC: the native measurement hook of a meternet meter (contract between the
 * device JavaScript in app/meter and native code).
 *
 * Device: boards/STM32F107 (jswrap_meteradc.c): TIM-triggered ADC1 (voltage) + ADC2
 * (current) in regular simultaneous mode, DMA into a circular double buffer, each
 * half-buffer fed to the C kernel boards/STM32F107/kernel/meterKernel.h from the
 * DMA interrupt; each finished window is queued to the interpreter (as Espruino's
 * Waveform does) and emitted as a 'window' event on the main loop.
 * Host: host/meterAdc/ (same API, retuning included, fed from host/waveform through
 * the Node addon of the same kernel), installed as the global `MeterADC` by the host
 * runtime (`globals: (rt) => ({ MeterADC: ... })`).
 *
 * Metering (issue 17: no per-window maths in JavaScript): with setMetering() given before
 * start(), each window goes through the C metering chain (boards/STM32F107/metering:
 * calibrated readings, Urms(1/2) dips/swells/interruptions with the IEC 61000-4-30 flag,
 * 150/180-cycle and 10-minute aggregates, energy registers, 15-minute load profile,
 * sampling-rate retuning) and JavaScript gets only:
 *   'reading'   every readingEvery windows (5: once a second): MeterReading, the latest
 *               released window's values, its flag and the energy registers;
 *   'event'     per voltage event (VoltageEvent), when it ends;
 *   'aggregate' per 150/180-cycle (3 s) and 10-minute aggregate (AggregateReading).
 * Their shapes are modules/metering/readings.ts. Energy registers are plain values
 * (getEnergy/setEnergy) so that they can be saved and restored.
 *
 * The 'window' event (diagnostics and tests) gives the kernel's raw window, EXACTLY
 * modules/metering/kernelWindow.ts KernelWindow (raw ADC codes; no calibration). The
 * device builds it only when a 'window' listener exists.
 */
interface MeterAdcConfig {
  /** ADC pair rate, Hz: 1000..14875 on the 50 Hz image, 1000..17850 on the 60 Hz image (the
   * kernel's 128-word sample ring holds 0.3 cycle of look-ahead; above: "sampleRateHz too high for
   * this build's sample ring ..."). The meter uses a whole number of pairs per nominal
   * cycle near 12.8 kHz: 12800 at 50 Hz (256), 12780 at 60 Hz (213; modules/metering/sampleRate.ts). */
  sampleRateHz: number;
  nominalHz: 50 | 60;
  /** Cycles per window; 0/omitted: 10 at 50 Hz, 12 at 60 Hz. 12 needs the 60 Hz firmware
   * (METERNET_F107_60HZ, 2048-point kernel); the 50 Hz image (METERNET_F107) makes 10 only. */
  cycles?: number;
  /** Crossing hysteresis in LSB (0/omitted: kernel default 8). */
  hysteresisLsb?: number;
  /** Least-squares half-width around each crossing (0/omitted: from the rate). */
  fitHalfWidth?: number;
  /** Code of 0 V for crossing detection before the first window; 0/omitted: the
   * value given to setCalibration, else the kernel's default 2048. */
  vMidLsb?: number;
}

interface MeterAdcStats {
  /** Windows delivered since start(). */
  windows: number;
  /** Windows lost because JavaScript did not take them in time (kernel queue full). */
  dropped: number;
  /** Half-buffers lost or processed late: missedBlocks + lateBlocks (0 on the host). */
  overruns: number;
  running: boolean;
  /** Rate the timer produces now, Hz (0 when stopped). */
  sampleRateHz: number;
  /** DMA half-buffers handed to the kernel. */
  blocks: number;
  /** Half-buffers overwritten before they were read; each restarts the kernel. */
  missedBlocks: number;
  /** Half-buffers whose processing outlasted the filling of the next one. */
  lateBlocks: number;
  /** DMA transfer errors; sampling stops on one. */
  dmaErrors: number;
  /** Kernel restarts after a gap (the next window has KERNEL_FLAG_FIRST). */
  kernelRestarts: number;
}
