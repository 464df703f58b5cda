// The analog front end of the reference design: resistive transducers that map the mains voltage
// and current to 0–3 V with the zero at 1.5 V, inverted, for inputs up to 460 V rms and 30 A rms
// (full-scale peak sqrt(2)*460 V -> 1.5 V swing), with a first-order low-pass (about 10 kHz).
//   out(t) = offsetV + offsetErrorV + gain*(1 + gainError) * (x filtered by 1/(1 + j f/fc))
import type { ConditionSpec } from "./condition.ts";
import { synthesize, type TransferFn, type Waveform } from "./synthesize.ts";

export interface TransducerChannel {
  /** Output volts per input unit (V/V or V/A); negative = inverting. */
  gainVPerUnit: number;
  /** Output at zero input (V). */
  offsetV: number;
  /** First-order -3 dB bandwidth (Hz); Infinity for an ideal channel. */
  bandwidthHz: number;
  /** Relative gain error (0.001 = +0.1 %). */
  gainError?: number;
  /** Offset error added to offsetV (V). */
  offsetErrorV?: number;
  /** Extra pure delay (s), e.g. a current transformer's phase error: 1 µs = 0.018° at 50 Hz.
   *  A V–I delay difference is what the meter's phase compensation removes. */
  delayS?: number;
}

export interface TransducerModel {
  v: TransducerChannel;
  i: TransducerChannel;
}

export const REFERENCE_FULL_SCALE = { vRmsV: 460, iRmsA: 30, outZeroV: 1.5, outSwingV: 1.5 } as const;

/** The reference design's front end, ideal apart from its 10 kHz bandwidth. */
export function referenceTransducer(overrides: { v?: Partial<TransducerChannel>; i?: Partial<TransducerChannel> } = {}): TransducerModel {
  const fs = REFERENCE_FULL_SCALE;
  return {
    v: { gainVPerUnit: -fs.outSwingV / (Math.SQRT2 * fs.vRmsV), offsetV: fs.outZeroV, bandwidthHz: 10_000, ...overrides.v },
    i: { gainVPerUnit: -fs.outSwingV / (Math.SQRT2 * fs.iRmsA), offsetV: fs.outZeroV, bandwidthHz: 10_000, ...overrides.i },
  };
}

/** H(f) = gain*(1+gainError) / (1 + j f/fc) * e^{-j 2 pi f delayS}. */
export function transducerTransfer(ch: TransducerChannel): TransferFn {
  const g = ch.gainVPerUnit * (1 + (ch.gainError ?? 0));
  const delay = ch.delayS ?? 0;
  return (fHz: number) => {
    const u = Number.isFinite(ch.bandwidthHz) ? fHz / ch.bandwidthHz : 0;
    const d = 1 + u * u;
    const re = g / d, im = (-g * u) / d;
    if (delay === 0) return { re, im };
    const c = Math.cos(2 * Math.PI * fHz * delay), s = Math.sin(2 * Math.PI * fHz * delay);
    return { re: re * c + im * s, im: im * c - re * s }; // times e^{-j 2 pi f delay}
  };
}

export interface TransducerOutput {
  /** True analog input (V, A), noise included. */
  input: Waveform;
  /** Transducer output voltages (V) at the ADC pins. */
  vOutV: Float64Array;
  iOutV: Float64Array;
}

/** Synthesises the condition and passes it through the transducer. The input noise of the spec
 *  is applied at the input (so it is scaled by the gain). */
export function transduce(spec: ConditionSpec, model: TransducerModel, opts: { sampleRateHz: number; durationS: number; startS?: number }): TransducerOutput {
  const input = synthesize(spec, opts);
  const out = synthesize(spec, { ...opts, transfer: { v: transducerTransfer(model.v), i: transducerTransfer(model.i) } });
  const ov = model.v.offsetV + (model.v.offsetErrorV ?? 0);
  const oi = model.i.offsetV + (model.i.offsetErrorV ?? 0);
  for (let k = 0; k < out.vV.length; k++) {
    out.vV[k] = out.vV[k]! + ov;
    out.iA[k] = out.iA[k]! + oi;
  }
  return { input, vOutV: out.vV, iOutV: out.iA };
}
