// Writes a generated test condition as a COMTRADE record (channels "V" in V and "I" in A,
// primary values), so `meternet analyze` and the accuracy bench read generated and real records
// the same way. The .hdr carries the spec and its truth as JSON (key "meternetTestCondition").
import { writeComtrade } from "../comtrade/writer.ts";
import type { ComtradeTimestamp, DataFormat } from "../comtrade/types.ts";
import type { ConditionSpec } from "./condition.ts";
import { synthesize } from "./synthesize.ts";
import { meterInput } from "./meterInput.ts";
import { steadyStateTruth, eventTruth, type SteadyStateTruth, type EventTruth } from "./truth.ts";
import type { TransducerModel } from "./transducer.ts";
import type { AdcModel } from "./adc.ts";

export interface GenerateRecordOptions {
  /** Default 1 s. */
  durationS?: number;
  /** Default 12800 Hz, the meter kernel's rate (256 samples per 50 Hz cycle). */
  sampleRateHz?: number;
  /** "analog" (default): the true input, noise included, stored as BINARY32 (resolution
   *  about 1e-7 of full scale). "adc": what the meter digitises: reference transducer and
   *  12-bit ADC, stored as BINARY whose integers are the ADC codes and whose a, b are the
   *  nominal inverse scaling, so values are in V and A at the input. */
  stage?: "analog" | "adc";
  transducer?: TransducerModel;
  adc?: AdcModel;
  rev?: 1999 | 2013;
  format?: DataFormat;
  cff?: boolean;
  /** Declared voltage for the event truth (default: the spec's voltage rms). */
  declaredV?: number;
  /** The .cfg's line frequency lf (default: 50 or 60, whichever is nearer the signal's). */
  lineFrequencyHz?: 50 | 60;
  startTime?: ComtradeTimestamp;
  stationName?: string;
}

export interface GeneratedRecord {
  files: string[];
  truth: SteadyStateTruth;
  events: EventTruth[];
  sampleRateHz: number;
  count: number;
  /** adc stage: samples clipped by the ADC (V, I). */
  clipped?: { v: number; i: number };
}

export function generateRecord(spec: ConditionSpec, outPath: string, opts: GenerateRecordOptions = {}): GeneratedRecord {
  const durationS = opts.durationS ?? 1;
  const sampleRateHz = opts.sampleRateHz ?? 12_800;
  const stage = opts.stage ?? "analog";
  const truth = steadyStateTruth(spec);
  const events = eventTruth(spec, opts.declaredV ?? truth.vRmsV);
  let v: Float64Array, i: Float64Array;
  let vScale: { a: number; b: number } | undefined, iScale: { a: number; b: number } | undefined;
  let clipped: GeneratedRecord["clipped"];
  if (stage === "adc") {
    const m = meterInput(spec, { sampleRateHz, durationS, transducer: opts.transducer, adc: opts.adc });
    const n = m.codes.length / 2;
    v = new Float64Array(n);
    i = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      v[k] = m.scaling.v.a * m.codes[2 * k]! + m.scaling.v.b;
      i[k] = m.scaling.i.a * m.codes[2 * k + 1]! + m.scaling.i.b;
    }
    vScale = m.scaling.v;
    iScale = m.scaling.i;
    clipped = { v: m.clippedV, i: m.clippedI };
  } else {
    const w = synthesize(spec, { sampleRateHz, durationS });
    v = w.vV;
    i = w.iA;
  }
  const f0 = steadyStateTruth(spec, 0).fHz;
  const hdr = JSON.stringify({ meternetTestCondition: { spec, stage, sampleRateHz, durationS, truth, events, clipped } }, null, 1);
  const { files } = writeComtrade(
    outPath,
    {
      stationName: opts.stationName ?? "meternet generator",
      recDevId: stage === "adc" ? "reference transducer + 12-bit ADC" : "true analog",
      lineFrequencyHz: opts.lineFrequencyHz ?? (Math.abs(f0 - 60) < Math.abs(f0 - 50) ? 60 : 50),
      sampleRateHz,
      startTime: opts.startTime ?? { year: 2026, month: 1, day: 1, hour: 0, minute: 0, second: 0, nanosecond: 0 },
      analog: [
        { id: "V", phase: "A", unit: "V", values: v, scale: vScale },
        { id: "I", phase: "A", unit: "A", values: i, scale: iScale },
      ],
    },
    { rev: opts.rev ?? 2013, format: opts.format ?? (stage === "adc" ? "BINARY" : opts.rev === 1999 ? "ASCII" : "BINARY32"), cff: opts.cff, hdr },
  );
  return { files, truth, events, sampleRateHz, count: v.length, clipped };
}
