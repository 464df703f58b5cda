/**
 * Sampling-rate retuning: keeps the ADC grid locked to the mains (a whole number of
 * pairs per measured cycle: 256 on 50 Hz mains, 213 on 60 Hz) through
 * MeterADC.setSampleRate, and accounts for the rate steps in the windows so the
 * chain's time base and frequency stay exact.
 *
 * Why retune at all: the kernel resamples each window to its crossings, so harmonics
 * do not need it; a period that is an exact fraction of the cycle keeps the
 * zero-crossing fit on the same sample phases and the same pairs per cycle.
 *
 * Pairs per cycle, from the start rate and the nominal fN (pairsPerCycle):
 *   P = round(RATE_HZ / fN), RATE_HZ = 12 800 Hz    256 at 50 Hz, 213 at 60 Hz
 *   start rate = P fN                               12 800 Hz; 12 780 Hz at 60 Hz
 * At 60 Hz, 256 pairs per cycle would be 15 360 Hz, 20 % more per-sample CPU than the
 * 50 Hz meter; 213 keeps the rate 0.16 % under 12.8 kHz (214 would be 0.31 % over),
 * so the kernel's per-pair cost stays that of the 50 Hz meter, and the 50th harmonic
 * at 1.15 x 60 Hz (3450 Hz) stays at 0.27 of the rate, inside the interpolator's
 * 0.3 fs passband (kernel/README.md) before any retune, 0.235 after.
 *
 * Rate asked for, from a released window's frequency f (Hz):
 *   f' = min(max(f, 0.85 fN), 1.15 fN)        IEC 61000-4-30 class A range (42.5..57.5 Hz at 50)
 *   rate = P f'                                (12 800 Hz at 50 Hz, 12 780 Hz at 60 Hz)
 *   wanted = TICK_HZ / rate                    timer ticks per pair, not rounded
 * and it is asked for only when |wanted - ticks now| >= 1: the device can only
 * make whole ticks (72 MHz / integer, PSC 0 for start rates above 1099 Hz), so the
 * achieved rate changes by at least one tick, and a frequency sitting between two
 * tick values does not toggle them (at 12.8 kHz a tick is 178 ppm, 8.9 mHz at
 * 50 Hz, 10.7 mHz at 60 Hz: the grid stays within 0.05 pairs of P per cycle). Never on a flagged
 * window (IEC 61000-4-30 flag: dip, swell, interruption) nor on one the kernel
 * marks unreliable (synthetic crossing, first, frequency range, clipped voltage,
 * fast frequency change), and one request at a time: the next waits until the
 * windows show the previous one took effect.
 *
 * Windows (regrid): the device applies a new period from a DMA half-buffer boundary,
 * usually inside a window, and reports the window's mean rate
 * (boards/STM32F107/adc/meterAdc.c). Positions in such a window are on two grids,
 * which skews its frequency (0.06 % for a 1 % step) and startSample / fs no longer
 * counts seconds since start once the rate changed. regrid() rewrites startSample,
 * crossingsSample and urmsHalfEndSample as times x the window's sampleRateHz, i.e.
 * in pairs of a uniform grid at that rate, which is what kernelWindow.ts assumes.
 * The step's place follows from the mean: with old and new periods T1, T2 and mean
 * T over n intervals, the first m = n (T - T2) / (T1 - T2) intervals used T1.
 * Without any retune regrid changes nothing (integers stay integers).
 */
import type { KernelWindow } from "./kernelWindow";

/** The part of MeterADC this needs (types/meterAdc.d.ts). */
export interface SampleRatePort {
  /** Achieved rate, Hz, or a negative error code. */
  setSampleRate(rateHz: number): number;
}

/** The trigger timer's clock on the meter board (TIM3, 72 MHz). */
export const TICK_HZ = 72000000;
/** The rate the meter samples near, whatever the mains (kernel/README.md: 12.8 kHz). */
export const RATE_HZ = 12800;

/** Pairs per nominal cycle: the whole number nearest RATE_HZ / nominalHz (256 at 50 Hz, 213 at 60 Hz). */
export function pairsPerCycle(nominalHz: number): number {
  return Math.round(RATE_HZ / nominalHz);
}
/** KERNEL_FLAG_CLIP_V | SYNTHETIC | FIRST | FREQ_RANGE | SYNC | CYCLE (kernelWindow.ts). */
const UNRELIABLE = 0x15d;

export interface SampleRetune {
  /** After a window's reading: asks for P x fHz when due (P pairs per cycle); returns the port's answer (Hz or a negative code), or 0. */
  update(fHz: number, kernelFlags: number, flagged: boolean): number;
  /** Rewrites w's positions as times x w.sampleRateHz since sampling started; returns w. */
  regrid(w: KernelWindow): KernelWindow;
}

/**
 * Closure state rather than a class: the names stay local and minify (the meter bundle
 * has a size budget). port null: windows are regridded, no rate is asked for (a hook
 * without setSampleRate). The pairs per cycle are startRateHz / nominalHz rounded:
 * start at pairsPerCycle(fN) x fN (12 800 Hz at 50 Hz, 12 780 Hz at 60 Hz).
 */
export function sampleRetune(port: SampleRatePort | null, startRateHz: number, nominalHz: number): SampleRetune {
  let ticks = Math.round(TICK_HZ / startRateHz); // ticks per pair, as the windows show it
  let next = 0; // ticks requested and not yet seen in a window (0: none)
  let endTicks = 0; // timer ticks from start to the end of the last window
  let endSample = 0; // the kernel's pair count there
  const perCycle = Math.round(startRateHz / nominalHz);
  const lo = 0.85 * nominalHz;
  const hi = 1.15 * nominalHz;
  return {
    update: (fHz, kernelFlags, flagged) => {
      if (!port || next || flagged || kernelFlags & UNRELIABLE || !(fHz > 0)) return 0;
      const rateHz = perCycle * (fHz < lo ? lo : fHz > hi ? hi : fHz);
      const d = TICK_HZ / rateHz - ticks;
      if (d < 1 && d > -1) return 0;
      const got = port.setSampleRate(rateHz);
      if (got > 0 && Math.round(TICK_HZ / got) !== ticks) next = Math.round(TICK_HZ / got);
      return got;
    },
    regrid: (w) => {
      const n = w.sampleCount;
      const mean = TICK_HZ / w.sampleRateHz;
      let t1 = ticks;
      let t2 = t1;
      let m = n; // intervals at t1, the rest at t2
      if (Math.abs(mean - t1) > 1e-6 * t1) {
        if (next) {
          t2 = next;
          m = Math.round((n * (mean - t2)) / (t1 - t2));
          m = m < 0 ? 0 : m > n ? n : m;
        } else t1 = t2 = mean; // a rate change we did not ask for: taken as uniform
        ticks = t2;
        next = 0;
      }
      // Pairs since the previous window (dropped windows; a restarted kernel counts from 0).
      const gap = w.startSample - endSample;
      const startTicks = endTicks + (gap > 0 ? gap : gap < 0 ? w.startSample : 0) * t1;
      const at = (x: number): number => (x <= m ? x * t1 : m * t1 + (x - m) * t2) / mean;
      const c = w.crossingsSample;
      for (let k = 0; k < c.length; k++) c[k] = at(c[k]);
      const u = w.urmsHalfEndSample;
      for (let k = 0; k < u.length; k++) u[k] = at(u[k]);
      endSample = w.startSample + n;
      endTicks = startTicks + m * t1 + (n - m) * t2;
      w.startSample = startTicks / mean;
      return w;
    },
  };
}
