// From a COMTRADE record to what the meter's kernel and chain take: interleaved
// 12-bit ADC codes of one voltage and one current channel, their sampling rate, and
// the calibration that maps codes back to volts and amperes.
//
// Codes, two cases (documented in `meternet analyze --help`):
//  1. The record already holds 12-bit ADC codes (integer formats whose raw values
//     all lie in 0..4095, e.g. what host/waveform/generateRecord writes at the "adc"
//     stage): the raw integers are used as they are, and the channel's a, b (with the
//     primary/secondary ratio and the unit prefix) become the calibration:
//     unitPerLsb = a * factor, zeroLsb = -b / a. Nothing is re-quantised.
//  2. Otherwise a direct linear scaling: code = round(2048 + x / unitPerLsb) with
//     unitPerLsb = the channel's peak over the record / 1900 (full use of the 12 bits
//     with 7 % headroom, whatever the unit: kV and kA records, secondary values).
//     This measures the record, not a meter front end (no transducer model, no added
//     noise); the rounding adds uniform quantisation noise of 1/12 LSB^2, entered as
//     the calibration's noise floor. A fault current far above the load current
//     leaves the load current fewer bits, as a real meter's range would.
import { ratingFactors, siUnit } from "../comtrade/units.ts";
import type { ComtradeConfig } from "../comtrade/types.ts";
import { expectedSamples } from "../comtrade/datRead.ts";
import { timestampToEpochS } from "../comtrade/timestamp.ts";
import { openRecord, streamRecord, ChannelCache, GapFinder, RateTimes, type ChannelStats, type RecordHeader } from "./recordScan.ts";
import type { MeterCalibration, ChannelCalibration } from "../../modules/metering/calibration.ts";
import { channelRange, type MeasuringRange } from "./measuringRange.ts";

export class AnalyzeInputError extends Error {}

export interface ChannelChoice {
  index: number;
  id: string;
  unit: string;
  /** How the codes were obtained. */
  codes: "record" | "scaled";
  /** Why this channel when none was named and it is not simply the first of its unit. */
  why?: string;
}

/**
 * Level of a voltage channel against its own range: rms over the record's samples (NaN
 * skipped) and the full scale the .cfg gives, max(|a min + b|, |a max + b|), both in
 * primary SI volts (the unit prefix and, for secondary values, the VT ratio applied).
 * Dead-channel rule: a channel "carries no voltage" when its rms is below DEAD_FRACTION
 * (1 %) of its full scale. A live measuring channel sits at 10..90 % of its range (the
 * real records here: 10..85 %); a de-energised line's channel shows only noise, 0.001..
 * 0.06 % (1991 substation record, the 2013 CFF's spare channels, ygz's "电压2"). 1 % keeps
 * a factor of 10 or more from both. fullScaleV is 0 when the .cfg's min/max give no range
 * (min >= max): then no channel is called dead (there is nothing to judge against).
 */
export interface ChannelLevel {
  rmsV: number;
  fullScaleV: number;
  dead: boolean;
}
export const DEAD_FRACTION = 0.01;

/**
 * A discontinuity of the .dat timestamps: the recorder kept separate snapshots (or lost
 * samples) and wrote them as one record with a sampling rate that does not say so.
 */
export interface TimestampGap {
  /** 0-based index of the first sample after the gap. */
  sample: number;
  /** Instants (s from the record's first sample, following the timestamps) of the samples either side. */
  beforeS: number;
  afterS: number;
  /** Time without samples: the step minus one sample period (negative: the stamps go back). */
  missingS: number;
}

/**
 * One stretch of the record the kernel runs over from its start: consecutive rate
 * segments at (nearly) the same rate. Segments whose rates differ by at most 2 % are
 * one run: recorders repeat a rate across segments, and frequency-tracking recorders
 * (a fixed number of samples per cycle) write a new segment every half cycle with a
 * rate that follows the system frequency. The kernel needs one rate, so a run is fed
 * at its mean rate and times are mapped back through the record's sample instants
 * (timeS), which the standard derives from the segments' own rates.
 */
export interface RecordRun {
  /** 1-based numbers of the record's rate segments in this run (first, last). */
  recordSegments: [number, number];
  /** First sample (0-based) and number of samples. */
  first: number;
  count: number;
  /** First sample's instant and the end of the last sample's period, s from the record start. */
  fromS: number;
  toS: number;
  /** Mean rate over the run (samples per second, exact), and the integer rate the kernel takes. */
  rateHz: number;
  kernelRateHz: number;
  /** Lowest and highest rate of the segments (equal for a single-rate run). */
  rateRangeHz: [number, number];
  /** Why the kernel cannot run here (rate outside 1000..51200 Hz); undefined when it can. */
  skip?: string;
  /** The run starts after a timestamp gap of this many seconds without samples (see TimestampGap). */
  gapBeforeS?: number;
  /** The run begins or ends inside a rate segment (split there by a timestamp gap). */
  partOfSegment?: boolean;
  /** Instant (s from the record start) of a fractional sample position of the run. */
  timeS(position: number): number;
}

export interface RecordInput {
  /** The record's configuration, warnings and sample count (its samples are streamed, never held). */
  record: RecordHeader;
  v: ChannelChoice;
  /** null: the record has no current channel; the kernel gets a constant mid-code current. */
  i: ChannelChoice | null;
  /** Every run, in time order, skipped ones included. */
  runs: RecordRun[];
  /** Integer rate of the first run the kernel accepts. */
  sampleRateHz: number;
  /**
   * One pass over the record's data: the interleaved codes [v0, i0, v1, i1, ...] of every
   * run the kernel accepts, in blocks, in order (run: index into runs); progress(done,
   * total samples) after each block.
   */
  streamCodes(onCodes: (run: number, codes: Uint16Array) => void, progress?: (done: number, total: number) => void): void;
  nominalHz: 50 | 60;
  calibration: MeterCalibration;
  /** Record start as UTC seconds (0 when the record has no start time). */
  startUtcS: number;
  /** Declared voltage derived from the channel's VT rating, when it has one. */
  ratedV?: { volts: number; why: string };
  /** The voltage channel's rms and full scale (dead-channel rule). */
  vLevel: ChannelLevel;
  /** Discontinuities of the timestamps; every run starts after one or at a rate change. */
  gaps: TimestampGap[];
  /** Measuring range of the voltage and current channels (measuringRange.ts); null: none known. */
  ranges: { v: MeasuringRange | null; i: MeasuringRange | null };
  notes: string[];
}

/** The kernel's accepted sampling rates (meterKernel.h). */
export const KERNEL_MIN_HZ = 1000;
export const KERNEL_MAX_HZ = 102400; // mk_init with the addon's MK_RING=1024 (boards/STM32F107/kernel/README.md)
/** Rates within this fraction of a run's first segment join the run. */
const SAME_RATE = 0.02;

/** Instant of fractional sample index x, linear between samples, extrapolated past the ends. */
function timeAt(times: (i: number) => number, first: number, count: number, x: number, endRateHz: number): number {
  if (count === 1) return times(first) + x / endRateHz;
  const k = Math.max(0, Math.min(count - 2, Math.floor(x)));
  const t0 = times(first + k), t1 = times(first + k + 1);
  return t0 + (x - k) * (t1 - t0);
}

/**
 * Record time, following the timestamps across their discontinuities.
 *
 * COMTRADE (C37.111-1991/1999 and -2013) times samples by the rate table when nrates > 0;
 * the .dat timestamps are then informative, and with nrates = 0 they are the only timing
 * (the reader, host/comtrade/reader.ts, takes record.times from the rates here, and warns
 * when the stamps disagree). Some recorders keep several snapshots of one disturbance
 * (the 1991 substation record: eight 1200 Hz segments, the stamps jumping by 3.3 s
 * between some of them) and write them with a rate table that knows nothing of the jumps.
 * A window or a Urms(1/2) value across such a jump measures nothing real, so the stamps
 * decide where the data is continuous. Rule:
 *  - the stamps are used only when the rates are (record.timeSource "rate"), at least
 *    two are present and not all are equal (all zero or constant: rate-only timing,
 *    which COMTRADE allows); a missing stamp (NaN) is skipped, steps are taken only
 *    between two present stamps;
 *  - a step between consecutive samples s-1, s is a gap when it differs from 1/rate
 *    by more than max(3 sample periods, 2 timestamp units = 2 * timemult µs): a
 *    frequency-tracking recorder's 2 % rate changes and the stamps' rounding stay far
 *    inside, a lost snapshot boundary does not. The rate is that of the segment holding
 *    s (the standard's rule, which record.times follows) or, at a change of rate, that
 *    of the segment holding s-1, whichever period is nearer the step: recorders stamp
 *    both ways (the ygz 220 kV record steps 1/3200 s into its 50 Hz segment and 1/50 s
 *    into the next 3200 Hz one), and neither is a gap;
 *  - a counter that wraps is unwrapped first (see WRAPS below);
 *  - stamps whose median step itself differs from 1/rate by more than that tolerance do
 *    not follow the rates at all (a wrong timemult, a counter in other units): they are
 *    ignored and said so, rather than cutting the record at every sample.
 * Between gaps the instants follow the rates (record.times) shifted so that each stretch
 * starts at its own first sample's stamp (seconds from the record's first sample).
 */
// The rule above runs as the data streams by: recordScan.ts GapFinder (times between gaps
// follow the rates, shifted to each stretch's first stamp: timeOf in loadRecordInput).

function splitRuns(cfg: ComtradeConfig, recCount: number, times: (i: number) => number, gaps: TimestampGap[]): RecordRun[] {
  const rec = { count: recCount };
  const rates = cfg.rates;
  const runs: RecordRun[] = [];
  const gapAt = new Map(gaps.map((g) => [g.sample, g]));
  // Pieces: rate segments, cut again at every gap.
  const cuts = [...gaps.map((g) => g.sample)].sort((a, b) => a - b);
  const segStarts = new Set<number>([0]);
  const segEnds = new Set<number>([rec.count]);
  let start = 0;
  let runRateHz = 0; // the current run's first rate
  let c = 0;
  for (let k = 0; k < rates.length; k++) {
    const segEnd = Math.min(rec.count, rates[k]!.endSample);
    const rate = rates[k]!.sampleRateHz;
    if (segEnd <= start) continue;
    segStarts.add(start);
    segEnds.add(segEnd);
    while (start < segEnd) {
      while (c < cuts.length && cuts[c]! <= start) c++;
      const end = c < cuts.length && cuts[c]! < segEnd ? cuts[c]! : segEnd;
      const gap = gapAt.get(start);
      const last = runs[runs.length - 1];
      if (last && !gap && last.first + last.count === start && Math.abs(rate - runRateHz) <= SAME_RATE * runRateHz) {
        last.count = end - last.first;
        last.recordSegments[1] = k + 1;
        last.rateRangeHz = [Math.min(last.rateRangeHz[0], rate), Math.max(last.rateRangeHz[1], rate)];
        last.toS = times(end - 1) + 1 / rate;
        last.rateHz = rate; // last segment's rate until the mean is taken below
      } else {
        runRateHz = rate;
        runs.push({ recordSegments: [k + 1, k + 1], first: start, count: end - start, fromS: times(start), toS: times(end - 1) + 1 / rate, rateHz: rate, kernelRateHz: 0, rateRangeHz: [rate, rate], timeS: () => 0, ...(gap ? { gapBeforeS: gap.missingS } : {}) });
      }
      start = end;
    }
  }
  // A run ends where the next begins (a slow segment's last period would overlap it), unless a gap lies between.
  for (let k = 0; k + 1 < runs.length; k++) if (runs[k + 1]!.gapBeforeS === undefined) runs[k]!.toS = Math.min(runs[k]!.toS, runs[k + 1]!.fromS);
  for (const r of runs) {
    if (!segStarts.has(r.first) || !segEnds.has(r.first + r.count)) r.partOfSegment = true;
    const endRate = r.rateHz;
    if (r.rateRangeHz[0] !== r.rateRangeHz[1]) r.rateHz = (r.count - 1) / (times(r.first + r.count - 1) - times(r.first));
    r.kernelRateHz = Math.round(r.rateHz);
    const { first, count } = r;
    r.timeS = (x: number) => timeAt(times, first, count, x, endRate);
    if (r.kernelRateHz < KERNEL_MIN_HZ) r.skip = `rate ${+r.rateHz.toFixed(3)} Hz is below the kernel's ${KERNEL_MIN_HZ} Hz`;
    else if (r.kernelRateHz > KERNEL_MAX_HZ) r.skip = `rate ${+r.rateHz.toFixed(3)} Hz is above the kernel's ${KERNEL_MAX_HZ} Hz`;
  }
  return runs;
}

const UNIT_WORDS = { V: "a voltage unit: V, kV, volt, В, кВ", A: "a current unit: A, kA, amp, ampere, А, кА" };

/** "rec.cfg:3" for a channel's line in the .cfg (or .cff). */
function where(file: string, ch: { line?: number }): string {
  return ch.line !== undefined ? `${file}:${ch.line}` : file;
}

/**
 * The system's nominal frequency (the kernel's 50 or 60 Hz) from the .cfg's lf: within
 * 10 % of 50 or 60 Hz, that one. lf = 0 (not given): from the voltage's rising zero
 * crossings over the record (the nearer of 50 and 60 Hz), said in a note. Any other lf
 * (16.7, 400 Hz) is a system the kernel does not measure: an error naming the line.
 */
function nominalFrequency(rec: Rec, path: string, vk: number, notes: string[]): 50 | 60 {
  const lf = rec.cfg.lineFrequencyHz;
  const line = `${path}:${rec.cfg.lineOf?.lf ?? "?"}`;
  if (Math.abs(lf - 50) <= 5) return 50;
  if (Math.abs(lf - 60) <= 6) return 60;
  if (lf !== 0) throw new AnalyzeInputError(`${line}: lf (line frequency) is ${lf} Hz; the meter's kernel measures 50 and 60 Hz systems`);
  const f = crossingFrequency(rec, vk);
  if (!(f > 0)) throw new AnalyzeInputError(`${line}: lf (line frequency) is 0 and the voltage has no zero crossings to tell 50 from 60 Hz; correct lf`);
  const hz: 50 | 60 = Math.abs(f - 60) < Math.abs(f - 50) ? 60 : 50;
  notes.push(`${line}: lf (line frequency) is 0: nominal ${hz} Hz taken from the voltage's zero crossings (${f.toFixed(3)} Hz)`);
  return hz;
}

/** Mean frequency of channel k's rising zero crossings about its mean (hysteresis 10 % of its rms), 0 if fewer than two; one more pass over the data. */
function crossingFrequency(rec: Rec, k: number): number {
  const st = rec.stats[k]!;
  if (st.n === 0) return 0;
  const mean = st.sum / st.n, hyst = 0.1 * Math.sqrt(Math.max(0, st.sumSq / st.n - mean * mean));
  const ch = rec.cfg.analog[k]!;
  let armed = false, first = -1, last = -1, count = 0, prev = NaN, prevT = 0;
  streamRecord(rec.header, [k], (c) => {
    const a = c.analog[k]!;
    for (let j = 0; j < c.count; j++) {
      const x = ch.a * a[j]! + ch.b, t = rec.times(c.first + j);
      const v = x - mean;
      if (v < -hyst) armed = true;
      else if (armed && v >= 0 && prev - mean < 0) {
        armed = false;
        const tc = prevT + ((t - prevT) * (mean - prev)) / (x - prev);
        if (first < 0) first = tc;
        last = tc;
        count++;
      }
      prev = x;
      prevT = t;
    }
  });
  return count >= 2 && last > first ? (count - 1) / (last - first) : 0;
}

/**
 * The channel for --v / --i (named: by id or number) or the first in the unit (base V or
 * A in any spelling, units.ts). A named channel with an empty unit is taken in the unit
 * asked for, and said so in notes; one in another unit is refused, with where it is.
 */
function pickChannel(rec: Rec, file: string, name: string | undefined, base: "V" | "A", notes: string[], optional = false): number {
  const chans = rec.cfg.analog;
  const opt = base === "V" ? "--v" : "--i";
  if (name !== undefined) {
    const n = name.trim().toLowerCase();
    let k = chans.findIndex((c) => c.id.trim().toLowerCase() === n);
    if (k < 0 && /^\d+$/.test(n)) k = chans.findIndex((c) => c.index === Number(n));
    if (k < 0) throw new AnalyzeInputError(`no analog channel named '${name}' (channels: ${chans.map((c) => `${c.index} ${c.id} [${c.unit}]`).join(", ")})`);
    const ch = chans[k]!;
    if (ch.unit.trim() === "") {
      notes.push(`channel ${ch.index} ${ch.id} has no unit (${where(file, ch)}, field 'uu' empty): taken as ${base} because ${opt} names it`);
      return k;
    }
    if (siUnit(ch.unit, ch.ps).base !== base) throw new AnalyzeInputError(`channel '${name}' is in '${ch.unit}' (${where(file, ch)}), not ${UNIT_WORDS[base].replace(/^a (voltage|current) unit: /, `a $1 unit (`)})`);
    return k;
  }
  const k = chans.findIndex((c) => siUnit(c.unit, c.ps).base === base);
  if (k < 0 && optional) return -1;
  if (k < 0) {
    const blank = chans.filter((c) => c.unit.trim() === "");
    const hint = blank.length
      ? `; ${blank.map((c) => `channel ${c.index} ${c.id} has no unit (${where(file, c)}, field 'uu' empty)`).join(", ")}: name it with ${opt} to take it as ${base === "V" ? "volts" : "amperes"}`
      : `; channels: ${chans.map((c) => `${c.index} ${c.id} [${c.unit}]`).join(", ")}; name one with ${opt}`;
    throw new AnalyzeInputError(`${file}: no analog channel in ${base === "V" ? "V or kV" : "A or kA"} (${UNIT_WORDS[base]})${hint}`);
  }
  return k;
}

/** How channel k's samples become codes (the two cases at the top of this file). */
function channelScaling(rec: Rec, k: number, file: string): { cal: ChannelCalibration; mode: "record" | "scaled"; code: (raw: number) => number } {
  const ch = rec.cfg.analog[k]!;
  const st = rec.stats[k]!;
  const factor = primaryFactor(rec, k); // recorded unit -> primary SI
  if (st.infiniteAt > 0) throw new AnalyzeInputError(`${file}:${ch.line ?? "?"}: channel ${ch.index} ${ch.id}: sample ${st.infiniteAt} scales beyond the range of a number (a ${ch.a}, b ${ch.b}); correct a and b`);
  if (st.codes && rec.cfg.dataFormat !== "FLOAT32" && ch.a !== 0) {
    return { cal: { unitPerLsb: ch.a * factor, zeroLsb: -ch.b / ch.a, noiseLsb2: 0 }, mode: "record", code: (raw) => Math.round(raw) };
  }
  const peak = st.peak * Math.abs(factor);
  const lsb = peak > 0 ? peak / 1900 : 1;
  const a = ch.a * factor, b = ch.b * factor;
  const code = (raw: number): number => {
    const v = a * raw + b;
    return Number.isNaN(v) ? 2048 : Math.min(4095, Math.max(0, Math.round(2048 + v / lsb)));
  };
  return { cal: { unitPerLsb: lsb, zeroLsb: 2048, noiseLsb2: 1 / 12 }, mode: "scaled", code };
}

/** Declared phase voltage from a VT rating: 100/110 V secondaries are line-to-line (divide by sqrt 3 for a phase channel), 57.7/63.5 V are phase. */
function ratedPhaseVolts(rec: Rec, k: number): { volts: number; why: string } | undefined {
  const ch = rec.cfg.analog[k]!;
  if (!ch.primary || !ch.secondary || ch.primary === ch.secondary) return undefined;
  const rf = ratingFactors(ch.unit);
  const sec = ch.secondary * rf.secondary, pri = ch.primary * rf.primary;
  const phase = /^[ABCRSTLN123]/i.test(ch.phase.trim()) && !/^N$/i.test(ch.phase.trim());
  if ((Math.abs(sec - 100) < 1 || Math.abs(sec - 110) < 1) && phase) return { volts: pri / Math.sqrt(3), why: `VT ${pri} V line-to-line / sqrt(3) (secondary ${sec} V, phase channel)` };
  if (Math.abs(sec - 100 / Math.sqrt(3)) < 0.5 || Math.abs(sec - 110 / Math.sqrt(3)) < 0.5) return { volts: pri, why: `VT primary ${pri} V phase-to-neutral (secondary ${sec.toFixed(3)} V)` };
  return undefined;
}

/** Recorded unit -> primary SI volts or amperes (the unit prefix; the ratio for secondary values, read as recorded). */
function primaryFactor(rec: Rec, k: number): number {
  const ch = rec.cfg.analog[k]!;
  const rf = ratingFactors(ch.unit);
  const ratio = ch.ps === "S" && ch.primary && ch.secondary ? (ch.primary * rf.primary) / (ch.secondary * rf.secondary) : 1;
  return siUnit(ch.unit, ch.ps).factor * ratio;
}

/** rms and full scale of channel k, and whether it carries no voltage (ChannelLevel). */
export function channelLevel(rec: Rec, k: number): ChannelLevel {
  const ch = rec.cfg.analog[k]!;
  const factor = primaryFactor(rec, k);
  const st = rec.stats[k]!;
  const rmsV = st.n > 0 ? Math.sqrt(st.sumSq / st.n) * Math.abs(factor) : 0;
  const fullScaleV = ch.max > ch.min ? Math.max(Math.abs(ch.a * ch.min + ch.b), Math.abs(ch.a * ch.max + ch.b)) * Math.abs(factor) : 0;
  return { rmsV, fullScaleV, dead: fullScaleV > 0 && rmsV < DEAD_FRACTION * fullScaleV };
}

/** "0.013 V", "1000 V", "127.0 kV": enough digits to read a level. */
export function volts(x: number): string {
  const a = Math.abs(x);
  if (a >= 1e4) return `${+(x / 1e3).toPrecision(4)} kV`;
  return `${+x.toPrecision(a >= 1 ? 4 : 2)} V`;
}

/** A channel that carries no voltage, said once the same way everywhere. */
export function deadText(id: string, rmsV: number, fullScaleV: number): string {
  return `voltage channel ${id} carries no voltage (rms ${volts(rmsV)}, full scale ${volts(fullScaleV)})`;
}

/**
 * Default voltage channel (no --v): the first channel in V or kV that carries voltage
 * (ChannelLevel). The first V channel of a record is often a de-energised line's
 * (the 1991 substation record's Ua1); analysing its noise gives dozens of events of
 * nothing. When no V channel carries voltage the first is kept, and said so.
 */
function pickVoltage(rec: Rec, file: string, notes: string[]): { k: number; why?: string } {
  const first = pickChannel(rec, file, undefined, "V", notes);
  const vs = rec.cfg.analog.map((c, k) => k).filter((k) => siUnit(rec.cfg.analog[k]!.unit, rec.cfg.analog[k]!.ps).base === "V");
  const live = vs.find((k) => !channelLevel(rec, k).dead);
  if (live === first) return { k: first };
  const lv = channelLevel(rec, first);
  const chFirst = rec.cfg.analog[first]!;
  if (live === undefined) {
    return { k: first, why: `default: the first voltage channel; none of the ${vs.length} carries voltage (rms below ${100 * DEAD_FRACTION} % of full scale)` };
  }
  const ch = rec.cfg.analog[live]!;
  notes.push(`${deadText(chFirst.id, lv.rmsV, lv.fullScaleV)}: channel ${ch.index} ${ch.id}, the first voltage channel that carries voltage, is analysed (name another with --v)`);
  return { k: live, why: `chosen: the first voltage channel carrying voltage; channel ${chFirst.index} ${chFirst.id} carries none` };
}

/** A record as the input is built from it: the header, each channel's statistics, sample instants. */
interface Rec {
  header: RecordHeader;
  cfg: ComtradeConfig;
  stats: ChannelStats[];
  /** Instant of 0-based sample i, s from the first sample, following the stamps across gaps. */
  times: (i: number) => number;
}

/**
 * First pass over the data: every analog channel's statistics (a*raw+b as recorded), the
 * number of samples, and the timestamp gaps (GapFinder).
 */
function scan(h: RecordHeader, notes: string[], progress?: (done: number, total: number) => void): { stats: ChannelStats[]; gaps: TimestampGap[]; shifts: { sample: number; shiftS: number }[] } {
  const cfg = h.cfg;
  const all = cfg.analog.map((_, k) => k);
  const stats: ChannelStats[] = cfg.analog.map(() => ({ n: 0, sum: 0, sumSq: 0, peak: 0, infiniteAt: 0, codes: true }));
  const rt = cfg.rates.length > 0 && cfg.rates.every((r) => r.sampleRateHz > 0) ? new RateTimes(cfg) : null;
  const finder = rt ? new GapFinder(rt, cfg.timeMult) : null;
  const unit = cfg.timeMult * 1e-6;
  const total = expectedSamples(cfg) ?? 0;
  // ASCII: keep the channels that may be analysed (voltage, current or no unit) for the later passes.
  const keep = all.filter((k) => ["V", "A", ""].includes(siUnit(cfg.analog[k]!.unit, cfg.analog[k]!.ps).base));
  if (cfg.dataFormat === "ASCII" && keep.length > 0) h.cache = new ChannelCache(keep, h.src.kind === "file" ? h.src.length : h.src.bytes.length);
  h.count = streamRecord(h, all, (c) => {
    h.cache?.add(c);
    for (let k = 0; k < cfg.analog.length; k++) {
      const ch = cfg.analog[k]!, st = stats[k]!, x = c.analog[k]!;
      for (let j = 0; j < c.count; j++) {
        const raw = x[j]!;
        if (st.codes && !(Number.isInteger(raw) && raw >= 0 && raw <= 4095)) st.codes = false;
        const v = ch.a * raw + ch.b;
        if (Number.isNaN(v)) continue;
        if (!Number.isFinite(v)) {
          if (st.infiniteAt === 0) st.infiniteAt = c.first + j + 1;
          continue;
        }
        st.n++;
        st.sum += v;
        st.sumSq += v * v;
        const m = Math.abs(v);
        if (m > st.peak) st.peak = m;
      }
    }
    if (finder) for (let j = 0; j < c.count; j++) finder.push(c.first + j, c.timestamps[j]! * unit);
    progress?.(c.first + c.count, total);
  }, true);
  const expected = expectedSamples(cfg);
  if (expected !== undefined && expected !== h.count) {
    h.warnings.push(`${h.datFile}: holds ${h.count} samples, the configuration announces ${expected}${h.count < expected ? " (truncated data)" : ""}`);
  }
  if (h.count === 0) throw new AnalyzeInputError(`${h.datFile}: no samples`);
  let gaps: TimestampGap[] = [];
  let shifts: { sample: number; shiftS: number }[] = [];
  const found = finder ? finder.finish() : [];
  if (found === null) notes.push(`the .dat timestamps do not follow the sampling rates (most steps differ from 1/rate by more than 3 sample periods or 2 timestamp units): ignored, times follow the rates`);
  else {
    gaps = found.map((g) => ({ sample: g.sample, beforeS: g.beforeS, afterS: g.afterS, missingS: g.missingS }));
    shifts = found.map((g) => ({ sample: g.sample, shiftS: g.shiftS }));
  }
  return { stats, gaps, shifts };
}

export interface LoadOptions {
  v?: string;
  i?: string;
  /** Progress of each pass over the data (phase "scan" then "kernel"). */
  progress?: (phase: string, done: number, total: number) => void;
}

export function loadRecordInput(path: string, opts: LoadOptions): RecordInput {
  let header: RecordHeader;
  try {
    header = openRecord(path);
  } catch (e) {
    throw new AnalyzeInputError((e as Error).message);
  }
  try {
    return inputOf(header, path, opts);
  } catch (e) {
    header.cache?.close();
    throw e;
  }
}

function inputOf(header: RecordHeader, path: string, opts: LoadOptions): RecordInput {
  const cfg = header.cfg;
  const notes: string[] = [];
  if (cfg.rates.length === 0) throw new AnalyzeInputError(`${path}: the record has no sampling rate (nrates = 0); the kernel needs evenly spaced samples`);
  const zero = cfg.rates.findIndex((r) => !(r.sampleRateHz > 0));
  if (zero >= 0) throw new AnalyzeInputError(`${path}:${cfg.lineOf?.rates[zero] ?? "?"}: sample rate ${zero + 1} is ${cfg.rates[zero]!.sampleRateHz} Hz (samp = 0: times only from the timestamps); the kernel needs evenly spaced samples`);
  // Channels by name first (a wrong --v fails before the data is read).
  const pre: Rec = { header, cfg, stats: [], times: () => 0 };
  if (opts.v !== undefined) pickChannel(pre, path, opts.v, "V", []);
  if (opts.i !== undefined) pickChannel(pre, path, opts.i, "A", []);
  let scanned;
  try {
    scanned = scan(header, notes, opts.progress ? (d, t) => opts.progress!("scan", d, t) : undefined);
  } catch (e) {
    if (e instanceof AnalyzeInputError) throw e;
    throw new AnalyzeInputError((e as Error).message);
  }
  const { stats, gaps, shifts } = scanned;
  const rt = new RateTimes(cfg);
  const shiftAt = (i: number): number => {
    let lo = 0, hi = shifts.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (shifts[m]!.sample <= i) lo = m + 1;
      else hi = m;
    }
    return lo === 0 ? 0 : shifts[lo - 1]!.shiftS;
  };
  const times = (i: number): number => rt.at(i) + shiftAt(i);
  const rec: Rec = { header, cfg, stats, times };
  const vPick = opts.v !== undefined ? { k: pickChannel(rec, path, opts.v, "V", notes) } : pickVoltage(rec, path, notes);
  const vk = vPick.k;
  // No current channel and none named: the voltage alone (dips, swells, interruptions,
  // rms, frequency, voltage harmonics need no current). An explicit --i must name one.
  const ik = pickChannel(rec, path, opts.i, "A", notes, true);
  if (ik < 0) notes.push("no current channel (none in A or kA): the voltage is analysed alone (the kernel gets a constant mid-code current); current, power, PF and current harmonics are null in JSON and '-' in the table");
  for (const g of gaps) {
    notes.push(`timestamp gap between samples ${g.sample} and ${g.sample + 1}: ${g.beforeS.toFixed(4)} s -> ${g.afterS.toFixed(4)} s, ${g.missingS.toFixed(4)} s without samples; the record is split there, times follow the timestamps`);
  }
  const nominalHz = nominalFrequency(rec, path, vk, notes);
  // Samples past the last rate's endsamp belong to no segment: say so (they are not analysed).
  const declared = cfg.rates[cfg.rates.length - 1]!.endSample;
  if (header.count > declared) {
    const last = cfg.rates[cfg.rates.length - 1]!;
    notes.push(`${path}:${cfg.lineOf?.rates[cfg.rates.length - 1] ?? "?"}: the .cfg declares ${declared} samples (endsamp of the last rate), the .dat holds ${header.count}: samples ${declared + 1}-${header.count} (${((header.count - declared) / last.sampleRateHz).toFixed(4)} s) are not analysed; correct endsamp to analyse them`);
  }
  for (const k of ik >= 0 ? [vk, ik] : [vk]) {
    const ch = cfg.analog[k]!;
    if (ch.a === 0) throw new AnalyzeInputError(`${path}:${ch.line ?? "?"}: channel ${ch.index} ${ch.id}: multiplier a is 0: every sample would be b (${ch.b}); correct a`);
  }
  const cv = channelScaling(rec, vk, path);
  const ci = ik >= 0 ? channelScaling(rec, ik, path) : { cal: { unitPerLsb: 1, zeroLsb: 2048, noiseLsb2: 0 }, mode: "scaled" as const, code: () => 2048 };
  const runs = splitRuns(cfg, header.count, times, gaps);
  const firstRun = runs.find((r) => !r.skip);
  if (!firstRun) {
    const rs = [...new Set(cfg.rates.map((r) => r.sampleRateHz))].join(", ");
    throw new AnalyzeInputError(`${path}: no sampling-rate segment is within the kernel's ${KERNEL_MIN_HZ}..${KERNEL_MAX_HZ} Hz (rates: ${rs} Hz)`);
  }
  const streamCodes = (onCodes: (run: number, codes: Uint16Array) => void, progress?: (done: number, total: number) => void): void => {
    const live = runs.map((r, k) => ({ r, k })).filter((x) => !x.r.skip);
    let at = 0;
    streamRecord(header, ik >= 0 ? [vk, ik] : [vk], (c) => {
      const xv = c.analog[vk]!, xi = ik >= 0 ? c.analog[ik]! : null;
      let j = 0;
      while (j < c.count) {
        const s = c.first + j;
        while (at < live.length && live[at]!.r.first + live[at]!.r.count <= s) at++;
        if (at >= live.length) return;
        const run = live[at]!.r;
        if (s < run.first) {
          j += Math.min(c.count - j, run.first - s);
          continue;
        }
        const n = Math.min(c.count - j, run.first + run.count - s);
        const codes = new Uint16Array(2 * n);
        for (let q = 0; q < n; q++) {
          codes[2 * q] = cv.code(xv[j + q]!);
          codes[2 * q + 1] = xi ? ci.code(xi[j + q]!) : 2048;
        }
        onCodes(live[at]!.k, codes);
        j += n;
      }
      progress?.(c.first + c.count, header.count);
    });
  };
  const chV = cfg.analog[vk]!, chI = ik >= 0 ? cfg.analog[ik]! : undefined;
  const vLevel = channelLevel(rec, vk);
  return {
    record: header,
    v: { index: chV.index, id: chV.id, unit: chV.unit, codes: cv.mode, ...(vPick.why ? { why: vPick.why } : {}) },
    i: chI ? { index: chI.index, id: chI.id, unit: chI.unit, codes: ci.mode } : null,
    runs,
    sampleRateHz: firstRun.kernelRateHz,
    streamCodes,
    nominalHz,
    calibration: { v: cv.cal, i: ci.cal, phaseRad: 0, frontEndHz: 0 },
    startUtcS: cfg.startTime ? timestampToEpochS(cfg.startTime) : 0,
    ratedV: ratedPhaseVolts(rec, vk),
    vLevel,
    gaps,
    ranges: {
      v: channelRange("V", cv.mode, cv.cal, vLevel.fullScaleV),
      i: ik >= 0 ? channelRange("A", ci.mode, ci.cal, channelLevel(rec, ik).fullScaleV) : null,
    },
    notes,
  };
}
