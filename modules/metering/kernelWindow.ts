/**
 * The C kernel's window (boards/STM32F107/kernel/meterKernel.h mk_window_t) as the Node
 * addon (host/native/kernel.ts) and the device's diagnostic 'window' event give it:
 * raw ADC codes (LSB), sample positions relative to `startSample`. One window of 10
 * (50 Hz) or 12 (60 Hz) fundamental cycles, aligned on rising voltage zero crossings.
 *
 * The per-window maths on it (calibration, rms, powers, frequency, THD, Urms(1/2)
 * events, aggregates, energy) is C: boards/STM32F107/metering (mtReading.c documents
 * the formulas), run by the meter's MeterADC hook and by the addon's MeterChain.
 * JavaScript reads these fields only for diagnostics and tests.
 *
 * Urms(1/2): urmsHalfLsb[k] is the rms about the ADC's zero of the one-cycle window
 * ending at urmsHalfEndSample[k] (first sample after it), refreshed every half cycle
 * (IEC 61000-4-30 5.4.2.1). Harmonics: hVLsb[n] is the rms of IEC 61000-4-7 harmonic
 * group n (n = 1..50), hVLsb[0] the DC component sumV/N (offset included); only groups
 * up to harmonicMaxOrder are valid.
 */
export interface KernelWindow {
  /** Window number since the kernel started, 0... */
  index: number;
  /** Pairs fed since the kernel started before this window's first sample. */
  startSample: number;
  /** Sampling rate of the pairs, Hz. */
  sampleRateHz: number;
  /** Fundamental cycles in the window: 10 or 12. */
  cycles: number;
  /** N: sample pairs in the sums. */
  sampleCount: number;
  /** Sums over the N samples of raw codes (LSB, LSB^2); exact integers. */
  sumVLsb: number;
  sumILsb: number;
  sumVVLsb2: number;
  sumIILsb2: number;
  sumVILsb2: number;
  /** Sum of v[n] * i[n-1]. */
  sumVIPrevLsb2: number;
  /** Sum of v[n-1] * i[n]. */
  sumVPrevILsb2: number;
  /** First and last samples of the window (LSB): the chain's whole-cycle sums take the
   * seam between them as their mean (mtReading.c whole_cycle_sum). */
  firstVLsb: number;
  firstILsb: number;
  lastVLsb: number;
  lastILsb: number;
  /** Samples 0, 1, N-2, N-1 of the window (LSB): host addon only (host/native/windowJs.cc),
   * for the tests' and the accuracy bench's independent reference (a second-order end
   * correction, host/native/kernel.test.ts); the device's 'window' event leaves them out. */
  edgeVLsb?: Uint16Array;
  edgeILsb?: Uint16Array;
  /** Refined rising voltage zero crossings, samples relative to startSample;
   * cycles + 1 values, [0] in about (-1, 0], [cycles] in about (N-1, N]. */
  crossingsSample: Float64Array;
  /** Urms(1/2) values completed in this window, rms in LSB (about the ADC's zero: a DC the signal carries counts). */
  urmsHalfLsb: Float32Array;
  /** For each, the first sample after its cycle, relative to startSample. */
  urmsHalfEndSample: Float64Array;
  /** Harmonic group rms, groups 0..50 (51 values), LSB. */
  hVLsb: Float32Array;
  hILsb: Float32Array;
  /** Highest group order that is valid for this sampling rate and frequency. */
  harmonicMaxOrder: number;
  /** Highest order THD includes: min(40, harmonicMaxOrder) (6 at 1 kHz / 50 Hz, 24 at
   * 4 kHz); 0 in a partial window. Outputs print it when it is below 40. Set by the
   * addon; optional for windows made elsewhere (tests, the gcc harness). */
  thdMaxOrder?: number;
  /** Mid code the kernel used to find voltage crossings (the window's V mean, LSB). */
  vMidLsb: number;
  /** Resampled span minus measured span, samples (diagnostic; flag SYNC above 0.1 %). */
  syncErrorSample: number;
  /** KERNEL_FLAG_* bits. */
  flags: number;
  /** Windows the kernel dropped (its queue was full) just before this one. */
  droppedBefore: number;
  /** The mk_window_t bytes (host addon and harness only): what MeterChain.process takes back. */
  raw?: Uint8Array;
  /** Windows of the host MeterADC (the sampler's C, host/native/meterAdcAddon.cc): the rate
   * step inside the window as the sampler made it, [ticksBefore, ticksAfter, stepPair]
   * (adc/meterAdc.h mn_adc_window_info_t), which MeterChain.process hands to the chain's
   * regrid (mtRetune.c): the first stepPair intervals at ticksBefore timer ticks, the rest
   * at ticksAfter. Absent on windows of a bare kernel (no rate step there). */
  rateStep?: Uint32Array;
}

/** The KERNEL_FLAG_* bits, KERNEL_GROUPS and the KERNEL_E_* codes of mk_init: generated from
 * boards/STM32F107/kernel/meterKernel.h (npm run gen), so the C stays their one source. */
export * from "./kernelConstants.generated";

/** Kernel configuration, as mk_config_t. */
export interface KernelConfig {
  sampleRateHz: number;
  nominalHz: 50 | 60;
  /** 0 or omitted: 10 at 50 Hz, 12 at 60 Hz. */
  cycles?: number;
  /** Voltage code of 0 V before the first window (0/omitted: 2048). */
  vMidLsb?: number;
  /** Crossing hysteresis in LSB (0/omitted: 8). */
  hysteresisLsb?: number;
  /** Least-squares half-width in samples (0/omitted: from the rate). */
  fitHalfWidth?: number;
}
