/**
 * What the device's MeterADC (boards/STM32F107/jswrap/jswrap_meteradc.c) offers
 * beyond the contract in types/meterAdc.d.ts, merged into its declarations. The
 * host emulation should offer the same (issue 5, item 6: retuning included).
 */
interface MeterADC {
  /**
   * Retunes the sampling rate from the next half-buffer (256 pairs) on, e.g. to
   * 256 x the measured frequency. Returns the rate the timer actually produces, Hz
   * (72 MHz / an integer number of ticks: within 89 ppm of the request at 12.8 kHz),
   * or -100 when not running, -22 outside what the start rate's prescaler allows
   * (about 1.1 kHz .. 36 MHz at the 12.8 kHz start). Each window's `sampleRateHz`
   * is the mean rate of its own samples.
   */
  setSampleRate(rateHz: number): number;
}

interface MeterAdcConfig {
  /** Code of 0 V for crossing detection before the first window; 0/omitted: the
   * value given to setCalibration, else the kernel's default 2048. */
  vMidLsb?: number;
}

interface MeterAdcStats {
  running?: boolean;
  /** Rate the timer produces now, Hz (0 when stopped). */
  sampleRateHz?: number;
  /** DMA half-buffers handed to the kernel. */
  blocks?: number;
  /** Half-buffers overwritten before they were read; each restarts the kernel (overruns counts these and lateBlocks). */
  missedBlocks?: number;
  /** Half-buffers whose processing outlasted the filling of the next one. */
  lateBlocks?: number;
  /** DMA transfer errors; sampling stops on one. */
  dmaErrors?: number;
  /** Kernel restarts after a gap (the next window has KERNEL_FLAG_FIRST). */
  kernelRestarts?: number;
}
