// `meternet analyze` without the printing: the record's codes through the C kernel
// (kernelProcess.ts) and the meter's TypeScript chain (modules/metering/meterChain.ts),
// exactly as the meter runs them. The accuracy bench calls this in process.
import { runKernel } from "./kernelProcess.ts";
import { loadRecordInput, type RecordInput } from "./recordInput.ts";
import { MeterChain } from "../../modules/metering/meterChain.ts";
import { windowReading, type WindowReading } from "../../modules/metering/windowReading.ts";
import type { AggregateReading } from "../../modules/metering/aggregate.ts";
import type { VoltageEvent } from "../../modules/metering/voltageEvents.ts";
import type { KernelWindow } from "../../modules/metering/kernelWindow.ts";

export interface AnalyzeOptions {
  v?: string;
  i?: string;
  /** Declared voltage (V); default from the VT rating, else the first windows. */
  nominalV?: number;
  /** First-order front-end pole to undo in harmonics (Hz), 0 = none. */
  frontEndHz?: number;
  /** Noise floor of the voltage / current channel, LSB^2 (replaces the default). */
  noiseLsb2?: { v: number; i: number };
}

export interface AnalyzeResult {
  input: RecordInput;
  declaredV: number;
  declaredFrom: string;
  windows: { r: WindowReading; flagged: boolean; kernel: KernelWindow }[];
  events: VoltageEvent[];
  aggregates: AggregateReading[];
  notes: string[];
}

function median(x: number[]): number {
  const s = [...x].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export function analyzeRecord(path: string, opts: AnalyzeOptions = {}): AnalyzeResult {
  const input = loadRecordInput(path, opts);
  const cal = input.calibration;
  if (opts.frontEndHz !== undefined) cal.frontEndHz = opts.frontEndHz;
  if (opts.noiseLsb2) {
    cal.v.noiseLsb2 = opts.noiseLsb2.v;
    cal.i.noiseLsb2 = opts.noiseLsb2.i;
  }
  const kernel = runKernel(input.codes, { sampleRateHz: input.sampleRateHz, nominalHz: input.nominalHz, vMidLsb: Math.round(cal.v.zeroLsb) });
  const notes = [...input.notes, ...input.record.warnings.filter((w) => /truncated/.test(w))];
  const windowS = (input.nominalHz === 50 ? 10 : 12) / input.nominalHz;
  if (kernel.length === 0) notes.push(`no complete window: the record holds ${input.codes.length / 2} samples (${(input.codes.length / 2 / input.sampleRateHz).toFixed(4)} s), a window needs ${windowS.toFixed(1)} s of voltage with zero crossings`);
  let declaredV: number, declaredFrom: string;
  if (opts.nominalV !== undefined) {
    declaredV = opts.nominalV;
    declaredFrom = "--nominal-v";
  } else if (input.ratedV) {
    declaredV = input.ratedV.volts;
    declaredFrom = input.ratedV.why;
  } else if (kernel.length > 0) {
    declaredV = median(kernel.slice(0, 3).map((w) => windowReading(w, cal).vRmsV));
    declaredFrom = `median rms of the first ${Math.min(3, kernel.length)} windows`;
  } else {
    declaredV = 230;
    declaredFrom = "default 230 V (no window to derive it from)";
  }
  const windows: AnalyzeResult["windows"] = [];
  const events: VoltageEvent[] = [];
  const aggregates: AggregateReading[] = [];
  let current: KernelWindow | undefined;
  const byStart = new Map<number, KernelWindow>();
  const chain = new MeterChain({
    calibration: cal,
    declaredV,
    clock: { nowUtcS: () => input.startUtcS },
    sink: {
      window: (r, flagged) => windows.push({ r, flagged, kernel: byStart.get(r.startS) ?? current! }),
      event: (e) => events.push(e),
      aggregate: (a) => aggregates.push(a),
    },
  });
  for (const w of kernel) {
    current = w;
    byStart.set((w.startSample + w.crossingsSample[0]!) / w.sampleRateHz, w);
    chain.process(w);
  }
  chain.finish();
  return { input, declaredV, declaredFrom, windows, events, aggregates, notes };
}
