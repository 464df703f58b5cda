// `meternet analyze` without the printing: the record's codes through the C kernel
// (kernelProcess.ts) and the meter's C metering chain (boards/STM32F107/metering, through
// the addon: host/native/metering.ts), exactly as the meter runs them. The accuracy
// bench calls this in process.
import { kernelStream } from "./kernelProcess.ts";
import { loadRecordInput, deadText, volts, DEAD_FRACTION, type RecordInput } from "./recordInput.ts";
import { createChain, windowReading, type ChainOutput, type NativeChain } from "../native/metering.ts";
import type { AggregateReading, VoltageEvent, WindowReading } from "../../modules/metering/readings.ts";
import { KERNEL_FLAG_PARTIAL, type KernelWindow } from "../../modules/metering/kernelWindow.ts";
import { kernelFlagNames, thdMaxOrderOf, unionFlags } from "./windowFlags.ts";
import { rangeText } from "./measuringRange.ts";
import { SlidingTracker, urmsVolts, STEADY_RMS, STEADY_URMS, STEADY_WINDOWS } from "./voltageReference.ts";

export interface AnalyzeOptions {
  v?: string;
  i?: string;
  /** Declared voltage (V); default from the VT rating, else a sliding reference (voltageReference.ts). */
  nominalV?: number;
  /** First-order front-end pole to undo in harmonics (Hz), 0 = none. */
  frontEndHz?: number;
  /** Noise floor of the voltage / current channel, LSB^2 (replaces the default). */
  noiseLsb2?: { v: number; i: number };
  /** Progress: phase "scan" (first pass), "reference" (the sliding reference's pass, when one is needed) or "kernel" (samples done of total). */
  progress?: (phase: string, done: number, total: number) => void;
  /**
   * Streaming: each window, event and aggregate goes here as soon as it is final, in the
   * order jsonLines gives them, and the result's windows, events and aggregates stay
   * empty (its counts and notes are complete): memory does not grow with the record.
   */
  sink?: AnalyzeSink;
}

export type WindowResult = { r: WindowReading; flagged: boolean; kernel: KernelWindow; flags: string[]; thdMaxOrder: number };
export type AggregateResult = AggregateReading & { flags: string[] };

export interface AnalyzeSink {
  /** Before the first window: what the table's head says (the declared voltage is known by then). */
  begin?(head: { input: RecordInput; declaredV: number | null; declaredFrom: string; hasCurrent: boolean }): void;
  window(w: WindowResult): void;
  event(e: VoltageEvent): void;
  aggregate(a: AggregateResult): void;
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
  windows: WindowResult[];
  events: VoltageEvent[];
  /** flags: the union of the flags of the aggregate's windows. */
  aggregates: AggregateResult[];
  /** Windows and events given (the lengths of the lists, or what went to the sink). */
  windowCount: number;
  eventCount: number;
  /** Every flag any window carried, and whether any window or aggregate had the IEC flag (the table's legend). */
  flagsUsed: string[];
  anyFlagged: boolean;
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

/** What the runs keep while streaming: the items waiting for their place in time order (see Ordered). */
interface Pending { t: number; order: number; put: () => void }

/**
 * Sink items in the order jsonLines sorts them (end time, then k * 3 + kind with k the
 * item's index among its kind): the chain gives an event or an aggregate at most a few
 * windows after the windows it follows, so items older than HOLD_WINDOWS windows before
 * the latest kernel window are final. Holds a few windows, whatever the record's length.
 */
class Ordered {
  private items: Pending[] = [];
  add(t: number, order: number, put: () => void): void {
    this.items.push({ t, order, put });
  }
  /** Puts every item that ends before tS (all with Infinity), in order. */
  flush(tS: number): void {
    if (!this.items.some((x) => x.t < tS)) return;
    this.items.sort((a, b) => a.t - b.t || a.order - b.order);
    let n = 0;
    while (n < this.items.length && this.items[n]!.t < tS) this.items[n++]!.put();
    this.items.splice(0, n);
  }
}
const HOLD_WINDOWS = 3;
/** Windows of flags kept for the aggregates' flags: a 10-minute aggregate's 3 000, and some. */
const LOCAL_KEEP = 3100;

/** The declared voltage and where it comes from; levels: a pass over the kernel's windows (the sliding reference). */
function declaredVoltage(input: RecordInput, opts: AnalyzeOptions, notes: string[]): { declaredV: number | null; declaredFrom: string } {
  const lv = input.vLevel;
  if (opts.nominalV !== undefined) return { declaredV: opts.nominalV, declaredFrom: "--nominal-v" };
  if (input.ratedV) return { declaredV: input.ratedV.volts, declaredFrom: input.ratedV.why };
  // A first pass: the kernel's windows become levels one by one (nothing kept but the tracker's three).
  const cal = input.calibration;
  const runs = input.runs;
  const tracker = new SlidingTracker(lv.fullScaleV > 0 ? DEAD_FRACTION * lv.fullScaleV : 0);
  const streams = runs.map((run, k) => (run.skip ? null : kernelStream({ sampleRateHz: run.kernelRateHz, nominalHz: input.nominalHz, vMidLsb: Math.round(cal.v.zeroLsb) }, (w) => {
    if ((w.flags & KERNEL_FLAG_PARTIAL) !== 0) return;
    if (run.rateHz !== run.kernelRateHz) w = { ...w, sampleRateHz: run.rateHz };
    const t0 = run.timeS(w.startSample + w.crossingsSample[0]!), t1 = run.timeS(w.startSample + w.crossingsSample[w.cycles]!);
    tracker.add({ startS: t0, endS: t1, rmsV: windowReading(w, cal).vRmsV, urmsV: urmsVolts(w, cal), run: k });
  })));
  let at = -1;
  input.streamCodes((k, codes) => {
    if (k !== at) (at >= 0 && streams[at]!.finish(), (at = k));
    streams[k]!.feed(codes);
  }, opts.progress ? (d, t) => opts.progress!("reference", d, t) : undefined);
  if (at >= 0) streams[at]!.finish();
  const sr = tracker.result();
  let declaredV: number | null, declaredFrom: string;
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
  return { declaredV, declaredFrom };
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
  // The reference events are judged against (voltageReference.ts): given, rated, or a
  // sliding reference from the first steady windows (one more pass); none: no events.
  const { declaredV, declaredFrom } = declaredVoltage(input, opts, notes);
  const lv = input.vLevel;
  // What the chain runs with; its events are dropped when declaredV is null.
  const chainV = declaredV ?? (lv.rmsV > 0 ? lv.rmsV : 1);
  if (declaredV !== null && lv.dead) notes.push(`${deadText(input.v.id, lv.rmsV, lv.fullScaleV)}; declared ${+declaredV.toPrecision(6)} V from ${declaredFrom}`);
  // No declared voltage: the chain's events and the flags they set are noise.
  const trusted = declaredV !== null;
  const sink = opts.sink;
  sink?.begin?.({ input, declaredV, declaredFrom, hasCurrent: input.i !== null });
  const windows: AnalyzeResult["windows"] = [];
  const events: VoltageEvent[] = [];
  const aggregates: AnalyzeResult["aggregates"] = [];
  const ordered = new Ordered();
  // Running totals: what the notes and the summary say, kept whatever the record's length.
  let windowCount = 0, eventCount = 0, aggregateCount = 0, thdMin = 50, flaggedSeen = false;
  const flagCount: { [flag: string]: number } = {};
  const ranges = input.ranges;
  const segments: SegmentReport[] = [];

  /** One run's state while its codes stream through its kernel and chain. */
  interface RunState {
    chain: NativeChain | null;
    /** Kernel windows given to the chain whose readings have not come out yet (the chain holds one). */
    queue: KernelWindow[];
    current?: KernelWindow;
    /** This run's latest windows in the chain's own time, for the aggregates' flags. */
    local: { startS: number; flags: string[] }[];
    tail: KernelWindow | null;
    count: number;
    firstStartS: number;
    lastEndS: number;
    limit: number;
  }
  const state: RunState[] = runs.map(() => ({ chain: null, queue: [], local: [], tail: null, count: 0, firstStartS: NaN, lastEndS: -Infinity, limit: 50 }));

  const toRecordS = (k: number, localS: number): number => runs[k]!.timeS(localS * runs[k]!.rateHz);
  const chainOf = (k: number): NativeChain => {
    const st = state[k]!, run = runs[k]!;
    // No regrid and no retune: a record's rate is what it is (the run's mean rate).
    if (!st.chain) st.chain = createChain({ calibration: cal, declaredV: chainV, utcAtStartS: input.startUtcS + run.fromS, startRateHz: run.kernelRateHz, nominalHz: input.nominalHz });
    return st.chain;
  };
  const take = (k: number, out: ChainOutput): void => {
    const st = state[k]!, run = runs[k]!;
    if (trusted) {
      for (const e of out.events) {
        const t0 = toRecordS(k, e.startS);
        const ev: VoltageEvent = { ...e, startS: t0, durationS: toRecordS(k, e.startS + e.durationS) - t0 };
        const order = eventCount++ * 3 + 1;
        if (sink) ordered.add(ev.startS + ev.durationS, order, () => sink.event(ev));
        else events.push(ev);
      }
    }
    for (const x of out.windows) {
      const r = x.r;
      const t0 = toRecordS(k, r.startS);
      // the kernel window this reading came from (the chain releases them in order)
      let kernel = st.current!;
      const key = (w: KernelWindow): number => (w.startSample + w.crossingsSample[0]!) / w.sampleRateHz;
      const at = st.queue.findIndex((w) => key(w) === r.startS);
      if (at >= 0) kernel = st.queue.splice(0, at + 1)[at]!;
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
      const w = { r: { ...r, startS: t0, spanS: toRecordS(k, r.startS + r.spanS) - t0 }, flagged: trusted && x.flagged, kernel, flags: unionFlags([flags]), thdMaxOrder };
      for (const f of w.flags) flagCount[f] = (flagCount[f] ?? 0) + 1;
      flaggedSeen ||= w.flagged;
      thdMin = Math.min(thdMin, thdMaxOrder);
      st.limit = Math.min(st.limit, kernel.harmonicMaxOrder > 0 ? kernel.harmonicMaxOrder : thdMaxOrder);
      if (st.count++ === 0) st.firstStartS = w.r.startS;
      st.lastEndS = w.r.startS + w.r.spanS;
      const order = windowCount++ * 3;
      if (sink) ordered.add(st.lastEndS, order, () => sink.window(w));
      else windows.push(w);
      st.local.push({ startS: r.startS, flags });
    }
    // An aggregate is its last a.windows windows that start before its end (the chain
    // emits a 10-minute aggregate before adding the window that opens the next one).
    for (const a of out.aggregates) {
      const inside = st.local.filter((w) => w.startS < a.startS + a.spanS - 1e-9).slice(-a.windows);
      const ag = { ...a, flagged: trusted && a.flagged, startS: toRecordS(k, a.startS), flags: unionFlags(inside.map((w) => w.flags)) };
      flaggedSeen ||= ag.flagged;
      const order = aggregateCount++ * 3 + 2;
      if (sink) ordered.add(ag.startS + ag.spanS, order, () => sink.aggregate(ag));
      else aggregates.push(ag);
    }
    if (st.local.length > LOCAL_KEEP) st.local.splice(0, st.local.length - LOCAL_KEEP);
  };
  const onWindow = (k: number, w: KernelWindow): void => {
    const st = state[k]!, run = runs[k]!;
    if (run.rateHz !== run.kernelRateHz) w = { ...w, sampleRateHz: run.rateHz };
    // The kernel's last window of a run may be PARTIAL (mk_flush at the end of the run):
    // only its Urms(1/2) values count (MeterChain.finish); it is no reading.
    if ((w.flags & KERNEL_FLAG_PARTIAL) !== 0) {
      st.tail = w;
      return;
    }
    st.current = w;
    st.queue.push(w);
    if (st.queue.length > 8) st.queue.shift(); // never more than the chain holds, whatever happens
    take(k, chainOf(k).process(w));
    // The struct's bytes are the chain's input only.
    delete w.raw;
    if (sink) ordered.flush(run.timeS(w.startSample) - HOLD_WINDOWS * windowS);
  };
  const streams = runs.map((run, k) => (run.skip ? null : kernelStream({ sampleRateHz: run.kernelRateHz, nominalHz: input.nominalHz, vMidLsb: Math.round(cal.v.zeroLsb) }, (w) => onWindow(k, w))));

  /** Ends run k (its kernel flushed, its chain finished) and says what was examined. */
  const finishRun = (k: number): void => {
    const run = runs[k]!, st = state[k]!;
    const rate = run.rateRangeHz[0] === run.rateRangeHz[1] ? `${+run.rateHz.toFixed(3)}` : `${+run.rateRangeHz[0].toFixed(3)}..${+run.rateRangeHz[1].toFixed(3)} (mean ${+run.rateHz.toFixed(3)})`;
    const name = runName(run, runs.length, run.fromS, run.toS, rate);
    const seg: SegmentReport = { recordSegments: run.recordSegments, fromS: run.fromS, toS: run.toS, rateHz: run.rateHz, examined: false, windows: 0, unexaminedS: run.toS - run.fromS, samples: [run.first + 1, run.first + run.count], ...(run.gapBeforeS !== undefined ? { gapBeforeS: run.gapBeforeS } : {}) };
    segments.push(seg);
    if (run.skip) {
      seg.why = run.skip;
      notes.push(`${name}: not examined, ${run.skip}`);
      return;
    }
    streams[k]!.finish();
    if (run.rateRangeHz[0] !== run.rateRangeHz[1]) notes.push(`${name}: ${run.recordSegments[1] - run.recordSegments[0] + 1} segments at nearly one rate (frequency tracking) analysed as one run; the kernel runs at ${run.kernelRateHz} Hz, times follow the record's sample instants`);
    else if (run.kernelRateHz !== run.rateHz) notes.push(`${name}: the kernel runs at ${run.kernelRateHz} Hz; times and frequency use ${run.rateHz} Hz`);
    const tail = st.tail;
    const tailValues = tail ? tail.urmsHalfLsb.length : 0;
    if (st.chain === null && tailValues === 0) {
      const dur = run.toS - run.fromS;
      seg.why = dur < windowS ? `shorter than one window (${dur.toFixed(4)} s of ${windowS.toFixed(1)} s)` : `no complete window (a window needs ${windowS.toFixed(1)} s of voltage with zero crossings)`;
      if (runs.length === 1) notes.push(`no complete window: the record holds ${run.count} samples (${(run.count / run.rateHz).toFixed(4)} s), a window needs ${windowS.toFixed(1)} s of voltage with zero crossings`);
      else notes.push(`${name}: not examined, ${seg.why}`);
      return;
    }
    take(k, chainOf(k).finish(tail));
    if (sink) ordered.flush(Infinity);
    const tailEndS = tail && tailValues > 0 ? toRecordS(k, (tail.startSample + tail.urmsHalfEndSample[tailValues - 1]!) / tail.sampleRateHz) : -Infinity;
    seg.examined = true;
    seg.windows = st.count;
    seg.examinedFromS = st.count > 0 ? st.firstStartS : toRecordS(k, tail!.startSample / tail!.sampleRateHz);
    seg.examinedToS = Math.max(st.lastEndS, tailEndS);
    seg.unexaminedS = Math.max(0, run.toS - seg.examinedToS);
    // After the last complete window the kernel's partial window (mk_flush) still gives
    // Urms(1/2) values; what remains unexamined is the last half cycle at most.
    // The rate limits the harmonic groups (up to 50) when it gives the kernel fewer orders;
    // THD by its definition (IEC 61000-4-7) stops at 40 however fast the rate.
    if (st.limit < 50) notes.push(`${name}: harmonics limited to order ${st.limit} by the sample rate (${+run.rateHz.toFixed(3)} Hz): THD and the groups above order ${st.limit} are not measured`);
    notes.push(`${name}: ${st.count} window${st.count === 1 ? "" : "s"}` + (tailValues > 0 ? `, then ${tailValues} Urms(1/2) values of a partial window to ${fmt(seg.examinedToS)} s` : "") + `; last ${seg.unexaminedS.toFixed(3)} s not examined`);
    state[k] = { chain: null, queue: [], local: [], tail: null, count: st.count, firstStartS: st.firstStartS, lastEndS: st.lastEndS, limit: st.limit };
  };
  // One streamed pass over the data feeds each run's kernel and chain in turn; a run
  // (and the skipped ones before it) is finished when the next one's samples begin.
  let done = 0;
  input.streamCodes((k, codes) => {
    while (done < k) finishRun(done++);
    streams[k]!.feed(codes);
  }, opts.progress ? (d, t) => opts.progress!("kernel", d, t) : undefined);
  while (done < runs.length) finishRun(done++);
  // The measuring range, stated, and how many windows fell below it.
  for (const [which, r, flag, ch] of [["voltage", ranges.v, "below-range-v", input.v], ["current", ranges.i, "below-range-i", input.i]] as const) {
    if (!ch) continue;
    if (!r) {
      notes.push(`${which} channel ${ch.id}: no measuring range known (the .cfg gives no min..max full scale)`);
      continue;
    }
    const below = flagCount[flag] ?? 0;
    notes.push(`${which} channel ${ch.id}: ${rangeText(r)}` + (below > 0 ? `; ${below} of ${windowCount} windows below it (flag ${flag})` : ""));
  }
  const noV = flagCount["no-fundamental-v"] ?? 0;
  if (noV) notes.push(`${noV} window${noV === 1 ? "" : "s"} without a measurable voltage (below its measuring range): no frequency, no THD V (null in JSON, - in the table; flag no-fundamental-v); the kernel's frequency there only repeats its prediction`);
  const noI = flagCount["no-fundamental-i"] ?? 0;
  if (noI) notes.push(`${noI} window${noI === 1 ? "" : "s"} without a fundamental current (a DC-only or dead current, below its measuring range): no THD I (null in JSON, - in the table; flag no-fundamental-i)`);
  return { input, declaredV, declaredFrom, windows, events, aggregates, thdMaxOrder: thdMin, segments, hasCurrent: input.i !== null, notes, windowCount, eventCount, flagsUsed: Object.keys(flagCount), anyFlagged: flaggedSeen };
}
