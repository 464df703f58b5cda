// `meternet analyze` without the printing: the record's codes through the C kernel
// (kernelProcess.ts) and the meter's C metering chain (boards/STM32F107/metering, through
// the addon: host/native/metering.ts), exactly as the meter runs them. The accuracy
// bench calls this in process.
import { kernelStream } from "./kernelProcess.ts";
import { loadRecordInput, deadText, volts, DEAD_FRACTION, type RecordInput } from "./recordInput.ts";
import { createChain, windowReading, type ChainOutput } from "../native/metering.ts";
import type { AggregateReading, VoltageEvent, WindowReading } from "../../modules/metering/readings.ts";
import { KERNEL_FLAG_PARTIAL, type KernelWindow } from "../../modules/metering/kernelWindow.ts";
import { kernelFlagNames, thdMaxOrderOf, unionFlags } from "./windowFlags.ts";
import { rangeText } from "./measuringRange.ts";
import { slidingReference, urmsVolts, STEADY_RMS, STEADY_URMS, STEADY_WINDOWS, type WindowLevel } from "./voltageReference.ts";

export interface AnalyzeOptions {
  v?: string;
  i?: string;
  /** Declared voltage (V); default from the VT rating, else a sliding reference (voltageReference.ts). */
  nominalV?: number;
  /** First-order front-end pole to undo in harmonics (Hz), 0 = none. */
  frontEndHz?: number;
  /** Noise floor of the voltage / current channel, LSB^2 (replaces the default). */
  noiseLsb2?: { v: number; i: number };
  /** Progress: phase "scan" (first pass) or "kernel" (samples done of total), then "chain" (windows done of total). */
  progress?: (phase: string, done: number, total: number) => void;
}

/**
 * What happened to one run of the record (recordInput.ts RecordRun: one rate segment,
 * or consecutive segments at nearly the same rate). Times in s from the record start.
 */
export interface SegmentReport {
  /** 1-based numbers of the record's rate segments (first, last). */
  recordSegments: [number, number];
  fromS: number;
  toS: number;
  rateHz: number;
  /** The kernel ran and produced at least one complete window. */
  examined: boolean;
  why?: string;
  windows: number;
  /** Span of the complete windows (Urms(1/2) values, readings); absent when not examined. */
  examinedFromS?: number;
  examinedToS?: number;
  /** After the last complete window (the whole run when not examined): nothing is measured there. */
  unexaminedS: number;
  /** The run starts after a timestamp gap: seconds without samples before fromS. */
  gapBeforeS?: number;
  /** 1-based first and last sample of the run (recordInput.ts RecordRun first, count). */
  samples: [number, number];
}

export interface AnalyzeResult {
  input: RecordInput;
  /** null: no declared voltage (a dead voltage channel and no --nominal-v): no events. */
  declaredV: number | null;
  declaredFrom: string;
  /**
   * flags: what may be wrong with the window (windowFlags.ts: the kernel's flags, the
   * measuring range); thdMaxOrder: the highest harmonic order its THD and groups include.
   */
  windows: { r: WindowReading; flagged: boolean; kernel: KernelWindow; flags: string[]; thdMaxOrder: number }[];
  events: VoltageEvent[];
  /** flags: the union of the flags of the aggregate's windows. */
  aggregates: (AggregateReading & { flags: string[] })[];
  /** Lowest thdMaxOrder of the windows (50 when there are none; 40 at most from the kernel: THD's own definition). */
  thdMaxOrder: number;
  segments: SegmentReport[];
  /** False for a voltage-only record: current-derived quantities are meaningless. */
  hasCurrent: boolean;
  notes: string[];
}

const fmt = (t: number): string => t.toFixed(3);

function runName(res: { recordSegments: [number, number]; partOfSegment?: boolean; first: number; count: number }, runs: number, fromS: number, toS: number, rate: string): string {
  const [a, b] = res.recordSegments;
  let which = runs === 1 && a === b ? "record" : a === b ? `segment ${a}` : `segments ${a}-${b}`;
  // A run cut out of a segment by a timestamp gap: name its samples too.
  if (res.partOfSegment) which += ` samples ${res.first + 1}-${res.first + res.count}`;
  return `${which} (${fmt(fromS)}-${fmt(toS)} s, ${rate} Hz)`;
}

/**
 * Each run of the record goes through its own kernel (restarted at the run's rate) and
 * its own chain, so nothing is carried across a change of rate or a skipped segment:
 * an event still open at the end of a run is reported open (its duration runs to the
 * end of the examined data), and aggregates never span two runs (150-cycle blocks
 * restart, each run ends with its own partial 10-minute aggregate), because the runs
 * are separated by a skipped stretch or at least by the kernel's restart gap (the
 * cycle before its first window) and an aggregate over a gap would not be the rms of
 * an interval.
 */
export function analyzeRecord(path: string, opts: AnalyzeOptions = {}): AnalyzeResult {
  const input = loadRecordInput(path, opts);
  try {
    return analyzeInput(input, opts);
  } finally {
    input.record.cache?.close();
  }
}

function analyzeInput(input: RecordInput, opts: AnalyzeOptions): AnalyzeResult {
  const cal = input.calibration;
  if (opts.frontEndHz !== undefined) cal.frontEndHz = opts.frontEndHz;
  if (opts.noiseLsb2) {
    cal.v.noiseLsb2 = opts.noiseLsb2.v;
    cal.i.noiseLsb2 = opts.noiseLsb2.i;
  }
  const notes = [...input.notes, ...input.record.warnings.filter((w) => /truncated/.test(w))];
  const windowS = (input.nominalHz === 50 ? 10 : 12) / input.nominalHz;
  const runs = input.runs;
  // Kernel windows per run, with the exact mean rate in place of the kernel's integer
  // rate (fractional and frequency-tracking rates: times and frequency stay right).
  // One streamed pass over the data feeds each run's kernel in turn.
  const streams = runs.map((run) => (run.skip ? null : kernelStream({ sampleRateHz: run.kernelRateHz, nominalHz: input.nominalHz, vMidLsb: Math.round(cal.v.zeroLsb) })));
  input.streamCodes((k, codes) => streams[k]!.feed(codes), opts.progress ? (d, t) => opts.progress!("kernel", d, t) : undefined);
  const kernels = runs.map((run, k) => {
    if (!streams[k]) return [];
    const ws = streams[k]!.finish();
    return run.rateHz === run.kernelRateHz ? ws : ws.map((w) => ({ ...w, sampleRateHz: run.rateHz }));
  });
  // The kernel's last window of a run may be PARTIAL (mk_flush at the end of the run):
  // only its Urms(1/2) values count (MeterChain.finish); it is no reading.
  const tails = kernels.map((ws) => (ws.length > 0 && (ws[ws.length - 1]!.flags & KERNEL_FLAG_PARTIAL) !== 0 ? ws.pop()! : null));
  // The reference events are judged against (voltageReference.ts): given, rated, or a
  // sliding reference from the first steady windows; none: no events.
  let declaredV: number | null, declaredFrom: string;
  const lv = input.vLevel;
  if (opts.nominalV !== undefined) {
    declaredV = opts.nominalV;
    declaredFrom = "--nominal-v";
  } else if (input.ratedV) {
    declaredV = input.ratedV.volts;
    declaredFrom = input.ratedV.why;
  } else {
    const levels: WindowLevel[] = [];
    kernels.forEach((ws, k) => {
      const run = runs[k]!;
      for (const w of ws) {
        const t0 = run.timeS(w.startSample + w.crossingsSample[0]!), t1 = run.timeS(w.startSample + w.crossingsSample[w.cycles]!);
        levels.push({ startS: t0, endS: t1, rmsV: windowReading(w, cal).vRmsV, urmsV: urmsVolts(w, cal), run: k });
      }
    });
    const sr = slidingReference(levels, lv.fullScaleV > 0 ? DEAD_FRACTION * lv.fullScaleV : 0);
    if (sr && sr.conflict) {
      declaredV = null;
      declaredFrom = `no declared voltage: the record holds two steady levels, ${volts(sr.startV)} (${fmt(sr.fromS)}-${fmt(sr.toS)} s) and ${volts(sr.conflict.levelV)} (from ${fmt(sr.conflict.atS)} s), ${(100 * Math.abs(sr.conflict.levelV / sr.startV - 1)).toFixed(1)} % apart, so a sliding reference (IEC 61000-4-30 5.4.4) cannot tell which is normal; give --nominal-v`;
      notes.push(`${declaredFrom}; no events are reported`);
    } else if (sr) {
      declaredV = sr.startV;
      declaredFrom = `sliding reference (IEC 61000-4-30 5.4.4) from the first steady windows, ${fmt(sr.fromS)}-${fmt(sr.toS)} s`;
      notes.push(`declared voltage ${+sr.startV.toPrecision(6)} V: ${declaredFrom} (${STEADY_WINDOWS} windows within ${100 * STEADY_RMS} % of their mean, no Urms(1/2) beyond ${100 * STEADY_URMS} %); it slides to ${+sr.endV.toPrecision(6)} V by the end of the record, at most ${sr.slidPct.toFixed(2)} % from its start; events are judged against its start` + (sr.slidPct > 1 ? "; give --nominal-v to judge them against a fixed declared voltage" : ""));
    } else {
      declaredV = null;
      declaredFrom = lv.dead
        ? `${deadText(input.v.id, lv.rmsV, lv.fullScaleV)}: no declared voltage; give --nominal-v`
        : `no declared voltage: no --nominal-v, no VT rating in the .cfg, and no ${STEADY_WINDOWS} steady windows to start a sliding reference (IEC 61000-4-30 5.4.4) from; give --nominal-v`;
      notes.push(`${declaredFrom}; no events are reported`);
    }
  }
  // What the chain runs with; its events are dropped when declaredV is null.
  const chainV = declaredV ?? (lv.rmsV > 0 ? lv.rmsV : 1);
  if (declaredV !== null && lv.dead) notes.push(`${deadText(input.v.id, lv.rmsV, lv.fullScaleV)}; declared ${+declaredV.toPrecision(6)} V from ${declaredFrom}`);
  const windows: AnalyzeResult["windows"] = [];
  const ranges = input.ranges;
  const events: VoltageEvent[] = [];
  const aggregates: AnalyzeResult["aggregates"] = [];
  const segments: SegmentReport[] = [];
  runs.forEach((run, k) => {
    const kernel = kernels[k]!;
    const rate = run.rateRangeHz[0] === run.rateRangeHz[1] ? `${+run.rateHz.toFixed(3)}` : `${+run.rateRangeHz[0].toFixed(3)}..${+run.rateRangeHz[1].toFixed(3)} (mean ${+run.rateHz.toFixed(3)})`;
    const name = runName(run, runs.length, run.fromS, run.toS, rate);
    const seg: SegmentReport = { recordSegments: run.recordSegments, fromS: run.fromS, toS: run.toS, rateHz: run.rateHz, examined: false, windows: 0, unexaminedS: run.toS - run.fromS, samples: [run.first + 1, run.first + run.count], ...(run.gapBeforeS !== undefined ? { gapBeforeS: run.gapBeforeS } : {}) };
    segments.push(seg);
    if (run.skip) {
      seg.why = run.skip;
      notes.push(`${name}: not examined, ${run.skip}`);
      return;
    }
    if (run.rateRangeHz[0] !== run.rateRangeHz[1]) notes.push(`${name}: ${run.recordSegments[1] - run.recordSegments[0] + 1} segments at nearly one rate (frequency tracking) analysed as one run; the kernel runs at ${run.kernelRateHz} Hz, times follow the record's sample instants`);
    else if (run.kernelRateHz !== run.rateHz) notes.push(`${name}: the kernel runs at ${run.kernelRateHz} Hz; times and frequency use ${run.rateHz} Hz`);
    const tailValues = tails[k] ? tails[k]!.urmsHalfLsb.length : 0;
    if (kernel.length === 0 && tailValues === 0) {
      const dur = run.toS - run.fromS;
      seg.why = dur < windowS ? `shorter than one window (${dur.toFixed(4)} s of ${windowS.toFixed(1)} s)` : `no complete window (a window needs ${windowS.toFixed(1)} s of voltage with zero crossings)`;
      if (runs.length === 1) notes.push(`no complete window: the record holds ${run.count} samples (${(run.count / run.rateHz).toFixed(4)} s), a window needs ${windowS.toFixed(1)} s of voltage with zero crossings`);
      else notes.push(`${name}: not examined, ${seg.why}`);
      return;
    }
    // The chain's time base is the run's sample count / mean rate; map to record time.
    const toRecordS = (localS: number): number => run.timeS(localS * run.rateHz);
    let current: KernelWindow | undefined;
    const byStart = new Map<number, KernelWindow>();
    const firstWindow = windows.length;
    // No regrid and no retune: a record's rate is what it is (the run's mean rate).
    const chain = createChain({ calibration: cal, declaredV: chainV, utcAtStartS: input.startUtcS + run.fromS, startRateHz: run.kernelRateHz, nominalHz: input.nominalHz });
    // This run's windows in the chain's own time, for the aggregates' flags.
    const local: { startS: number; flags: string[] }[] = [];
    const take = (out: ChainOutput): void => {
      for (const e of out.events) {
        const t0 = toRecordS(e.startS);
        events.push({ ...e, startS: t0, durationS: toRecordS(e.startS + e.durationS) - t0 });
      }
      for (const x of out.windows) {
        const r = x.r;
        const t0 = toRecordS(r.startS);
        const kernel = byStart.get(r.startS) ?? current!;
        // a record without a current channel feeds the kernel zeros there: no flag for that
        const flags = kernelFlagNames(r.flags).filter((f) => input.i || f !== "no-fundamental-i");
        if (kernel.droppedBefore > 0) flags.push("windows-dropped");
        if (ranges.v && r.vRmsV < ranges.v.lowRms) flags.push("below-range-v");
        if (ranges.i && input.i && r.iRmsA < ranges.i.lowRms) flags.push("below-range-i");
        // No fundamental to speak of (a dead line, a DC-only channel): no frequency, no THD.
        // Without a known range: a fundamental under 1 % of the channel's own rms (DC or noise only).
        if (!flags.includes("no-fundamental-v") && (ranges.v ? r.hV[1]! < ranges.v.lowRms : r.hV[1]! < 0.01 * r.vRmsV)) flags.push("no-fundamental-v");
        if (input.i && !flags.includes("no-fundamental-i") && (ranges.i ? r.hI[1]! < ranges.i.lowRms : r.hI[1]! < 0.01 * r.iRmsA)) flags.push("no-fundamental-i");
        const thdMaxOrder = thdMaxOrderOf({ ...kernel, ...r } as { thdMaxOrder?: number; harmonicMaxOrder?: number }, run.rateHz, r.fHz);
        windows.push({ r: { ...r, startS: t0, spanS: toRecordS(r.startS + r.spanS) - t0 }, flagged: x.flagged, kernel, flags: unionFlags([flags]), thdMaxOrder });
        local.push({ startS: r.startS, flags });
      }
      // An aggregate is its last a.windows windows that start before its end (the chain
      // emits a 10-minute aggregate before adding the window that opens the next one).
      for (const a of out.aggregates) {
        const inside = local.filter((w) => w.startS < a.startS + a.spanS - 1e-9).slice(-a.windows);
        aggregates.push({ ...a, startS: toRecordS(a.startS), flags: unionFlags(inside.map((w) => w.flags)) });
      }
    };
    const tail = tails[k]!;
    const totalWindows = kernels.reduce((n, ws) => n + ws.length, 0);
    for (const w of kernel) {
      if (opts.progress && w.index % 64 === 0) opts.progress("chain", windows.length, totalWindows);
      current = w;
      byStart.set((w.startSample + w.crossingsSample[0]!) / w.sampleRateHz, w);
      take(chain.process(w));
      // The struct's bytes are the chain's input only; a long record keeps thousands of windows.
      delete w.raw;
    }
    take(chain.finish(tail));
    const mine = windows.slice(firstWindow);
    const last = mine.length > 0 ? mine[mine.length - 1]!.r : null;
    const tailEndS = tail && tailValues > 0 ? toRecordS((tail.startSample + tail.urmsHalfEndSample[tailValues - 1]!) / tail.sampleRateHz) : -Infinity;
    seg.examined = true;
    seg.windows = mine.length;
    seg.examinedFromS = last ? mine[0]!.r.startS : toRecordS(tail!.startSample / tail!.sampleRateHz);
    seg.examinedToS = Math.max(last ? last.startS + last.spanS : -Infinity, tailEndS);
    seg.unexaminedS = Math.max(0, run.toS - seg.examinedToS);
    // After the last complete window the kernel's partial window (mk_flush) still gives
    // Urms(1/2) values; what remains unexamined is the last half cycle at most.
    // The rate limits the harmonic groups (up to 50) when it gives the kernel fewer orders;
    // THD by its definition (IEC 61000-4-7) stops at 40 however fast the rate.
    const limit = Math.min(50, ...mine.map((w) => (w.kernel.harmonicMaxOrder > 0 ? w.kernel.harmonicMaxOrder : w.thdMaxOrder)));
    if (limit < 50) notes.push(`${name}: harmonics limited to order ${limit} by the sample rate (${+run.rateHz.toFixed(3)} Hz): THD and the groups above order ${limit} are not measured`);
    notes.push(`${name}: ${mine.length} window${mine.length === 1 ? "" : "s"}` + (tailValues > 0 ? `, then ${tailValues} Urms(1/2) values of a partial window to ${fmt(seg.examinedToS)} s` : "") + `; last ${seg.unexaminedS.toFixed(3)} s not examined`);
  });
  if (declaredV === null) {
    // No declared voltage: the chain's events and the flags they set are noise.
    events.length = 0;
    for (const w of windows) w.flagged = false;
    for (const a of aggregates) a.flagged = false;
  }
  // The measuring range, stated, and how many windows fell below it.
  for (const [which, r, flag, ch] of [["voltage", ranges.v, "below-range-v", input.v], ["current", ranges.i, "below-range-i", input.i]] as const) {
    if (!ch) continue;
    if (!r) {
      notes.push(`${which} channel ${ch.id}: no measuring range known (the .cfg gives no min..max full scale)`);
      continue;
    }
    const below = windows.filter((w) => w.flags.includes(flag)).length;
    notes.push(`${which} channel ${ch.id}: ${rangeText(r)}` + (below > 0 ? `; ${below} of ${windows.length} windows below it (flag ${flag})` : ""));
  }
  const noV = windows.filter((w) => w.flags.includes("no-fundamental-v")).length;
  if (noV) notes.push(`${noV} window${noV === 1 ? "" : "s"} without a measurable voltage (below its measuring range): no frequency, no THD V (null in JSON, - in the table; flag no-fundamental-v); the kernel's frequency there only repeats its prediction`);
  const noI = windows.filter((w) => w.flags.includes("no-fundamental-i")).length;
  if (noI) notes.push(`${noI} window${noI === 1 ? "" : "s"} without a fundamental current (a DC-only or dead current, below its measuring range): no THD I (null in JSON, - in the table; flag no-fundamental-i)`);
  const thdMaxOrder = Math.min(50, ...windows.map((w) => w.thdMaxOrder));
  return { input, declaredV, declaredFrom, windows, events, aggregates, thdMaxOrder, segments, hasCurrent: input.i !== null, notes };
}
