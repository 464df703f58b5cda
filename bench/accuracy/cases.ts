// Runs one test condition through the same path as `meternet analyze`: the condition is
// written as a COMTRADE record of ADC codes (reference transducer with its 10 kHz pole,
// 12-bit ADC, 0.5 LSB rms noise; host/waveform/generateRecord.ts "adc" stage), then
// read back and analysed by host/analyze/analyzeRecord.ts (C kernel + C metering chain).
import { join } from "node:path";
import { generateRecord } from "../../host/waveform/generateRecord.ts";
import type { ConditionSpec } from "../../host/waveform/condition.ts";
import { steadyStateTruth, type SteadyStateTruth, type EventTruth } from "../../host/waveform/truth.ts";
import { referenceAdc } from "../../host/waveform/adc.ts";
import { analyzeRecord, type AnalyzeResult } from "../../host/analyze/analyzeRecord.ts";
import { KERNEL_FLAG_FIRST, KERNEL_FLAG_CLIP_V, KERNEL_FLAG_CLIP_I } from "../../modules/metering/kernelWindow.ts";
import { meterInput } from "../../host/waveform/meterInput.ts";

export const FRONT_END_HZ = 10_000;

/**
 * Noise-floor calibration, as a meter does it at the factory: zero input, read the
 * mean square of the codes about the zero code (ADC noise + quantisation).
 */
export function measureNoiseLsb2(): { v: number; i: number } {
  const m = meterInput({ frequencyHz: 50, v: { rms: 0 }, i: { rms: 0 }, seed: 99 }, { sampleRateHz: 12_800, durationS: 1, adc: referenceAdc({ seed: 4242 }) });
  const zv = -m.scaling.v.b / m.scaling.v.a, zi = -m.scaling.i.b / m.scaling.i.a;
  let sv = 0, si = 0;
  const n = m.codes.length / 2;
  for (let k = 0; k < n; k++) {
    sv += (m.codes[2 * k]! - zv) ** 2;
    si += (m.codes[2 * k + 1]! - zi) ** 2;
  }
  return { v: sv / n, i: si / n };
}

export interface CaseResult {
  spec: ConditionSpec;
  truth: SteadyStateTruth;
  events: EventTruth[];
  result: AnalyzeResult;
  /** Windows to score: not the first (left out as before issue 13, when it was resampled at the nominal
   * period, so the figures compare; it is right now and the rate sweep scores it), not clipped. */
  scored: AnalyzeResult["windows"];
  /** Windows the ADC clipped (flagged by the kernel; a meter marks them invalid). */
  clipped: AnalyzeResult["windows"];
}

export function runCase(spec: ConditionSpec, dir: string, name: string, durationS: number, noise: { v: number; i: number }, declaredV = 230,
  sampleRateHz = 12_800, lineFrequencyHz?: 50 | 60): CaseResult {
  const base = join(dir, name);
  const gen = generateRecord(spec, base, { stage: "adc", durationS, sampleRateHz, declaredV, lineFrequencyHz, adc: referenceAdc({ seed: (spec.seed ?? 1) + 5 }) });
  const result = analyzeRecord(base + ".cfg", { nominalV: declaredV, frontEndHz: FRONT_END_HZ, noiseLsb2: noise });
  const later = result.windows.filter((w) => !(w.kernel.flags & KERNEL_FLAG_FIRST));
  const clip = KERNEL_FLAG_CLIP_V | KERNEL_FLAG_CLIP_I;
  const scored = later.filter((w) => !(w.kernel.flags & clip));
  const clipped = later.filter((w) => w.kernel.flags & clip);
  return { spec, truth: steadyStateTruth(spec), events: gen.events, result, scored, clipped };
}
