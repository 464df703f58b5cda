// What the meter's sampling kernel receives: the condition seen through the transducer and the
// ADC, as the DMA delivers it, plus the nominal inverse scaling (code -> input V / A).
//
// Layout: ADC1 (voltage) and ADC2 (current) run in dual regular simultaneous mode; the DMA
// moves ADC1->DR as one 32-bit word per conversion pair, ADC1's result in the low half-word and
// ADC2's in the high half-word. Read as a little-endian Uint16Array this is
//   [v0, i0, v1, i1, ...]   (even index = voltage code, odd index = current code), right-aligned
// 12-bit codes 0..4095.
import type { ConditionSpec } from "./condition.ts";
import { transduce, referenceTransducer, type TransducerModel } from "./transducer.ts";
import { convert, lsbV, referenceAdc, type AdcModel } from "./adc.ts";
import type { Waveform } from "./synthesize.ts";

export interface LinearScale {
  /** input = a * code + b  (V or A per code, and V or A). */
  a: number;
  b: number;
}

/** Nominal inverse of transducer + ADC, ignoring their gain/offset errors (calibration fits those). */
export function inputScaling(t: TransducerModel, adc: AdcModel): { v: LinearScale; i: LinearScale } {
  const lsb = lsbV(adc);
  const one = (g: number, off: number): LinearScale => ({ a: lsb / g, b: -off / g });
  return { v: one(t.v.gainVPerUnit, t.v.offsetV), i: one(t.i.gainVPerUnit, t.i.offsetV) };
}

export function interleave(vCodes: Uint16Array, iCodes: Uint16Array): Uint16Array {
  if (vCodes.length !== iCodes.length) throw new Error(`interleave: ${vCodes.length} voltage codes but ${iCodes.length} current codes`);
  const out = new Uint16Array(2 * vCodes.length);
  for (let k = 0; k < vCodes.length; k++) {
    out[2 * k] = vCodes[k]!;
    out[2 * k + 1] = iCodes[k]!;
  }
  return out;
}

export interface MeterInput {
  /** Interleaved codes [v0, i0, v1, i1, ...]. */
  codes: Uint16Array;
  sampleRateHz: number;
  /** The true analog input (V, A) the codes come from. */
  input: Waveform;
  clippedV: number;
  clippedI: number;
  scaling: { v: LinearScale; i: LinearScale };
}

export function meterInput(
  spec: ConditionSpec,
  opts: { sampleRateHz: number; durationS: number; startS?: number; transducer?: TransducerModel; adc?: AdcModel },
): MeterInput {
  const t = opts.transducer ?? referenceTransducer();
  const adc = opts.adc ?? referenceAdc({ seed: (spec.seed ?? 1) + 1000 });
  const out = transduce(spec, t, opts);
  const first = Math.round((opts.startS ?? 0) * opts.sampleRateHz);
  const cv = convert(out.vOutV, adc, 2 * first);
  const ci = convert(out.iOutV, adc, 2 * first + 1);
  return {
    codes: interleave(cv.codes, ci.codes),
    sampleRateHz: opts.sampleRateHz,
    input: out.input,
    clippedV: cv.clipped,
    clippedI: ci.clipped,
    scaling: inputScaling(t, adc),
  };
}
