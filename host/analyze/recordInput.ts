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
import { readComtrade, siUnit, type ComtradeRecord } from "../comtrade/index.ts";
import { timestampToEpochS } from "../comtrade/timestamp.ts";
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
  /** Interleaved codes [v0, i0, v1, i1, ...] of this run (empty when skipped). */
  codes: Uint16Array;
  /** Instant (s from the record start) of a fractional sample position of the run. */
  timeS(position: number): number;
}

export interface RecordInput {
  record: ComtradeRecord;
  v: ChannelChoice;
  /** null: the record has no current channel; the kernel gets a constant mid-code current. */
  i: ChannelChoice | null;
  /** Every run, in time order, skipped ones included. */
  runs: RecordRun[];
  /** Codes and integer rate of the first run the kernel accepts (tools that run the kernel themselves). */
  codes: Uint16Array;
  sampleRateHz: number;
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
export const KERNEL_MAX_HZ = 51200;
/** Rates within this fraction of a run's first segment join the run. */
const SAME_RATE = 0.02;

/** Instant of fractional sample index x, linear between samples, extrapolated past the ends. */
function timeAt(times: Float64Array, first: number, count: number, x: number, endRateHz: number): number {
  if (count === 1) return times[first]! + x / endRateHz;
  const k = Math.max(0, Math.min(count - 2, Math.floor(x)));
  const t0 = times[first + k]!, t1 = times[first + k + 1]!;
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
/** Moduli (timestamp units) of wrapping stamp counters. */
const WRAPS = [...Array.from({ length: 25 }, (_, k) => 2 ** (k + 8)), ...Array.from({ length: 7 }, (_, k) => 10 ** (k + 3))];

function recordTimes(rec: ComtradeRecord, notes: string[]): { times: Float64Array; gaps: TimestampGap[] } {
  const times = Float64Array.from(rec.times);
  const gaps: TimestampGap[] = [];
  const rates = rec.cfg.rates;
  const ts = rec.timestampsS;
  if (rec.timeSource !== "rate" || rates.length === 0) return { times, gaps };
  let first = -1, distinct = false;
  for (let s = 0; s < rec.count; s++) {
    if (Number.isNaN(ts[s]!)) continue;
    if (first < 0) first = s;
    else if (ts[s] !== ts[first]) distinct = true;
  }
  if (first < 0 || !distinct) return { times, gaps };
  const unitS = Math.abs(rec.cfg.timeMult) * 1e-6;
  const rateAt: number[] = new Array(rec.count);
  for (let s = 0, k = 0; s < rec.count; s++) {
    while (k < rates.length - 1 && s + 1 > rates[k]!.endSample) k++;
    rateAt[s] = rates[k]!.sampleRateHz;
  }
  // Stamps unwrapped: a counter that wraps (the generator-station record's stamps count
  // µs modulo 65536) steps back by its modulus less one period. A backward step is a wrap
  // when adding a modulus 2^8..2^32 or 10^3..10^9 timestamp units gives 1/rate within
  // the tolerance; it is then continuous, and later stamps are lifted by the modulus.
  const u = Float64Array.from(ts);
  const dev: number[] = [];
  const steps: { s: number; step: number; period: number }[] = [];
  let lift = 0, prev = -1;
  for (let s = first; s < rec.count; s++) {
    if (Number.isNaN(ts[s]!)) continue;
    u[s] = ts[s]! + lift;
    if (prev >= 0) {
      let step = u[s]! - u[prev]!;
      // At a change of rate either period is continuous (see the rule above).
      const pNew = 1 / rateAt[s]!, pOld = 1 / rateAt[s - 1]!;
      const pick = (x: number): number => (Math.abs(x - pNew) <= Math.abs(x - pOld) ? pNew : pOld);
      let period = pick(step);
      let tol = Math.max(3 * period, 2 * unitS);
      if (step < 0 && unitS > 0) {
        const m = WRAPS.find((w) => Math.abs(step + w * unitS - pick(step + w * unitS)) <= Math.max(3 * pick(step + w * unitS), 2 * unitS));
        if (m !== undefined) {
          lift += m * unitS;
          u[s] = ts[s]! + lift;
          step = u[s]! - u[prev]!;
          period = pick(step);
          tol = Math.max(3 * period, 2 * unitS);
        }
      }
      if (prev === s - 1) {
        dev.push(Math.abs(step - period) / tol);
        if (Math.abs(step - period) > tol) steps.push({ s, step, period });
      }
    }
    prev = s;
  }
  if (dev.length === 0) return { times, gaps };
  dev.sort((x, y) => x - y);
  if (dev[dev.length >> 1]! > 1) {
    notes.push(`the .dat timestamps do not follow the sampling rates (most steps differ from 1/rate by more than 3 sample periods or 2 timestamp units): ignored, times follow the rates`);
    return { times, gaps };
  }
  const t0 = u[first]! - rec.times[first]!; // the stamp the record's first sample would have
  let shift = 0;
  let g = 0;
  for (let s = 0; s < rec.count; s++) {
    if (g < steps.length && steps[g]!.s === s) {
      const { step, period } = steps[g]!;
      const newShift = u[s]! - t0 - rec.times[s]!;
      gaps.push({ sample: s, beforeS: times[s - 1]!, afterS: rec.times[s]! + newShift, missingS: step - period });
      shift = newShift;
      g++;
    }
    times[s] = rec.times[s]! + shift;
  }
  return { times, gaps };
}

function splitRuns(rec: ComtradeRecord, times: Float64Array, gaps: TimestampGap[]): Omit<RecordRun, "codes">[] {
  const rates = rec.cfg.rates;
  const runs: Omit<RecordRun, "codes">[] = [];
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
        last.toS = times[end - 1]! + 1 / rate;
        last.rateHz = rate; // last segment's rate until the mean is taken below
      } else {
        runRateHz = rate;
        runs.push({ recordSegments: [k + 1, k + 1], first: start, count: end - start, fromS: times[start]!, toS: times[end - 1]! + 1 / rate, rateHz: rate, kernelRateHz: 0, rateRangeHz: [rate, rate], timeS: () => 0, ...(gap ? { gapBeforeS: gap.missingS } : {}) });
      }
      start = end;
    }
  }
  // A run ends where the next begins (a slow segment's last period would overlap it), unless a gap lies between.
  for (let k = 0; k + 1 < runs.length; k++) if (runs[k + 1]!.gapBeforeS === undefined) runs[k]!.toS = Math.min(runs[k]!.toS, runs[k + 1]!.fromS);
  for (const r of runs) {
    if (!segStarts.has(r.first) || !segEnds.has(r.first + r.count)) r.partOfSegment = true;
    const endRate = r.rateHz;
    if (r.rateRangeHz[0] !== r.rateRangeHz[1]) r.rateHz = (r.count - 1) / (times[r.first + r.count - 1]! - times[r.first]!);
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
 * The channel for --v / --i (named: by id or number) or the first in the unit (base V or
 * A in any spelling, units.ts). A named channel with an empty unit is taken in the unit
 * asked for, and said so in notes; one in another unit is refused, with where it is.
 */
/**
 * The system's nominal frequency (the kernel's 50 or 60 Hz) from the .cfg's lf: within
 * 10 % of 50 or 60 Hz, that one. lf = 0 (not given): from the voltage's rising zero
 * crossings over the record (the nearer of 50 and 60 Hz), said in a note. Any other lf
 * (16.7, 400 Hz) is a system the kernel does not measure: an error naming the line.
 */
function nominalFrequency(rec: ComtradeRecord, path: string, vk: number, notes: string[]): 50 | 60 {
  const lf = rec.cfg.lineFrequencyHz;
  const line = `${path}:${rec.cfg.lineOf?.lf ?? "?"}`;
  if (Math.abs(lf - 50) <= 5) return 50;
  if (Math.abs(lf - 60) <= 6) return 60;
  if (lf !== 0) throw new AnalyzeInputError(`${line}: lf (line frequency) is ${lf} Hz; the meter's kernel measures 50 and 60 Hz systems`);
  const f = crossingFrequency(rec.analog[vk]!, rec.times);
  if (!(f > 0)) throw new AnalyzeInputError(`${line}: lf (line frequency) is 0 and the voltage has no zero crossings to tell 50 from 60 Hz; correct lf`);
  const hz: 50 | 60 = Math.abs(f - 60) < Math.abs(f - 50) ? 60 : 50;
  notes.push(`${line}: lf (line frequency) is 0: nominal ${hz} Hz taken from the voltage's zero crossings (${f.toFixed(3)} Hz)`);
  return hz;
}

/** Mean frequency of a signal's rising zero crossings about its mean (hysteresis 10 % of its rms), 0 if fewer than two. */
function crossingFrequency(x: Float64Array, times: Float64Array): number {
  let sum = 0, sq = 0, n = 0;
  for (const v of x) if (!Number.isNaN(v)) (sum += v), (sq += v * v), n++;
  if (n === 0) return 0;
  const mean = sum / n, hyst = 0.1 * Math.sqrt(Math.max(0, sq / n - mean * mean));
  let armed = false, first = -1, last = -1, count = 0;
  for (let k = 1; k < x.length; k++) {
    const v = x[k]! - mean;
    if (v < -hyst) armed = true;
    else if (armed && v >= 0 && x[k - 1]! - mean < 0) {
      armed = false;
      const t = times[k - 1]! + ((times[k]! - times[k - 1]!) * (mean - x[k - 1]!)) / (x[k]! - x[k - 1]!);
      if (first < 0) first = t;
      last = t;
      count++;
    }
  }
  return count >= 2 && last > first ? (count - 1) / (last - first) : 0;
}

function pickChannel(rec: ComtradeRecord, file: string, name: string | undefined, base: "V" | "A", notes: string[], optional = false): number {
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
    if (siUnit(ch.unit).base !== base) throw new AnalyzeInputError(`channel '${name}' is in '${ch.unit}' (${where(file, ch)}), not ${UNIT_WORDS[base].replace(/^a (voltage|current) unit: /, `a $1 unit (`)})`);
    return k;
  }
  const k = chans.findIndex((c) => siUnit(c.unit).base === base);
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

function channelCodes(rec: ComtradeRecord, k: number, file: string): { codes: Float64Array; cal: ChannelCalibration; mode: "record" | "scaled" } {
  const ch = rec.cfg.analog[k]!;
  const x = rec.analog[k]!; // as recorded: a * raw + b in ch.unit
  const factor = primaryFactor(rec, k); // recorded unit -> primary SI
  const n = x.length;
  const out = new Float64Array(n);
  let isCodes = rec.cfg.dataFormat !== "FLOAT32" && ch.a !== 0;
  for (let s = 0; s < n && isCodes; s++) {
    const raw = (x[s]! - ch.b) / ch.a;
    const r = Math.round(raw);
    if (!(Math.abs(raw - r) < 1e-6 && r >= 0 && r <= 4095)) isCodes = false;
    out[s] = r;
  }
  if (isCodes) return { codes: out, cal: { unitPerLsb: ch.a * factor, zeroLsb: -ch.b / ch.a, noiseLsb2: 0 }, mode: "record" };
  let peak = 0;
  for (let s = 0; s < n; s++) {
    const v = Math.abs(x[s]! * factor);
    if (v > peak) peak = v;
    if (v === Infinity) throw new AnalyzeInputError(`${file}:${ch.line ?? "?"}: channel ${ch.index} ${ch.id}: sample ${s + 1} scales beyond the range of a number (a ${ch.a}, b ${ch.b}); correct a and b`);
  }
  const lsb = peak > 0 ? peak / 1900 : 1;
  for (let s = 0; s < n; s++) {
    const v = x[s]! * factor;
    out[s] = Number.isNaN(v) ? 2048 : Math.min(4095, Math.max(0, Math.round(2048 + v / lsb)));
  }
  return { codes: out, cal: { unitPerLsb: lsb, zeroLsb: 2048, noiseLsb2: 1 / 12 }, mode: "scaled" };
}

/** Declared phase voltage from a VT rating: 100/110 V secondaries are line-to-line (divide by sqrt 3 for a phase channel), 57.7/63.5 V are phase. */
function ratedPhaseVolts(rec: ComtradeRecord, k: number): { volts: number; why: string } | undefined {
  const ch = rec.cfg.analog[k]!;
  if (!ch.primary || !ch.secondary || ch.primary === ch.secondary) return undefined;
  const f = siUnit(ch.unit).factor;
  const sec = ch.secondary * f, pri = ch.primary * f;
  const phase = /^[ABCRSTLN123]/i.test(ch.phase.trim()) && !/^N$/i.test(ch.phase.trim());
  if ((Math.abs(sec - 100) < 1 || Math.abs(sec - 110) < 1) && phase) return { volts: pri / Math.sqrt(3), why: `VT ${pri} V line-to-line / sqrt(3) (secondary ${sec} V, phase channel)` };
  if (Math.abs(sec - 100 / Math.sqrt(3)) < 0.5 || Math.abs(sec - 110 / Math.sqrt(3)) < 0.5) return { volts: pri, why: `VT primary ${pri} V phase-to-neutral (secondary ${sec.toFixed(3)} V)` };
  return undefined;
}

/** Recorded unit -> primary SI volts or amperes (the unit prefix; the ratio for secondary values read as recorded). */
function primaryFactor(rec: ComtradeRecord, k: number): number {
  const ch = rec.cfg.analog[k]!;
  const ratio = rec.scaledAs[k] === "recorded" && ch.ps === "S" && ch.primary && ch.secondary ? ch.primary / ch.secondary : 1;
  return siUnit(ch.unit).factor * ratio;
}

/** rms and full scale of channel k, and whether it carries no voltage (ChannelLevel). */
export function channelLevel(rec: ComtradeRecord, k: number): ChannelLevel {
  const ch = rec.cfg.analog[k]!;
  const factor = primaryFactor(rec, k);
  const x = rec.analog[k]!;
  let sum = 0, n = 0;
  for (let s = 0; s < x.length; s++) {
    const v = x[s]!;
    if (Number.isNaN(v)) continue;
    sum += v * v;
    n++;
  }
  const rmsV = n > 0 ? Math.sqrt(sum / n) * Math.abs(factor) : 0;
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
function pickVoltage(rec: ComtradeRecord, file: string, notes: string[]): { k: number; why?: string } {
  const first = pickChannel(rec, file, undefined, "V", notes);
  const vs = rec.cfg.analog.map((c, k) => k).filter((k) => siUnit(rec.cfg.analog[k]!.unit).base === "V");
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

export function loadRecordInput(path: string, opts: { v?: string; i?: string }): RecordInput {
  let rec: ComtradeRecord;
  try {
    rec = readComtrade(path, { scale: "recorded" });
  } catch (e) {
    throw new AnalyzeInputError((e as Error).message);
  }
  const notes: string[] = [];
  const file = path;
  const vPick = opts.v !== undefined ? { k: pickChannel(rec, file, opts.v, "V", notes) } : pickVoltage(rec, file, notes);
  const vk = vPick.k;
  // No current channel and none named: the voltage alone (dips, swells, interruptions,
  // rms, frequency, voltage harmonics need no current). An explicit --i must name one.
  const ik = pickChannel(rec, file, opts.i, "A", notes, true);
  if (ik < 0) notes.push("no current channel (none in A or kA): the voltage is analysed alone (the kernel gets a constant mid-code current); current, power, PF and current harmonics are null in JSON and '-' in the table");
  if (rec.cfg.rates.length === 0) throw new AnalyzeInputError(`${path}: the record has no sampling rate (nrates = 0); the kernel needs evenly spaced samples`);
  const { times, gaps } = recordTimes(rec, notes);
  for (const g of gaps) {
    notes.push(`timestamp gap between samples ${g.sample} and ${g.sample + 1}: ${g.beforeS.toFixed(4)} s -> ${g.afterS.toFixed(4)} s, ${g.missingS.toFixed(4)} s without samples; the record is split there, times follow the timestamps`);
  }
  const nominalHz = nominalFrequency(rec, path, vk, notes);
  // Samples past the last rate's endsamp belong to no segment: say so (they are not analysed).
  const declared = rec.cfg.rates.length ? rec.cfg.rates[rec.cfg.rates.length - 1]!.endSample : rec.count;
  if (rec.count > declared) {
    const last = rec.cfg.rates[rec.cfg.rates.length - 1]!;
    notes.push(`${path}:${rec.cfg.lineOf?.rates[rec.cfg.rates.length - 1] ?? "?"}: the .cfg declares ${declared} samples (endsamp of the last rate), the .dat holds ${rec.count}: samples ${declared + 1}-${rec.count} (${((rec.count - declared) / last.sampleRateHz).toFixed(4)} s) are not analysed; correct endsamp to analyse them`);
  }
  for (const k of ik >= 0 ? [vk, ik] : [vk]) {
    const ch = rec.cfg.analog[k]!;
    if (ch.a === 0) throw new AnalyzeInputError(`${path}:${ch.line ?? "?"}: channel ${ch.index} ${ch.id}: multiplier a is 0: every sample would be b (${ch.b}); correct a`);
  }
  const cv = channelCodes(rec, vk, path);
  const ci = ik >= 0 ? channelCodes(rec, ik, path) : { codes: new Float64Array(rec.count).fill(2048), cal: { unitPerLsb: 1, zeroLsb: 2048, noiseLsb2: 0 }, mode: "scaled" as const };
  const runs: RecordRun[] = splitRuns(rec, times, gaps).map((r) => {
    const codes = new Uint16Array(r.skip ? 0 : 2 * r.count);
    if (!r.skip) {
      for (let s = 0; s < r.count; s++) {
        codes[2 * s] = cv.codes[r.first + s]!;
        codes[2 * s + 1] = ci.codes[r.first + s]!;
      }
    }
    return { ...r, codes };
  });
  const firstRun = runs.find((r) => !r.skip);
  if (!firstRun) {
    const rs = [...new Set(rec.cfg.rates.map((r) => r.sampleRateHz))].join(", ");
    throw new AnalyzeInputError(`${path}: no sampling-rate segment is within the kernel's ${KERNEL_MIN_HZ}..${KERNEL_MAX_HZ} Hz (rates: ${rs} Hz)`);
  }
  const chV = rec.cfg.analog[vk]!, chI = ik >= 0 ? rec.cfg.analog[ik]! : undefined;
  const vLevel = channelLevel(rec, vk);
  return {
    record: rec,
    v: { index: chV.index, id: chV.id, unit: chV.unit, codes: cv.mode, ...(vPick.why ? { why: vPick.why } : {}) },
    i: chI ? { index: chI.index, id: chI.id, unit: chI.unit, codes: ci.mode } : null,
    runs,
    codes: firstRun.codes,
    sampleRateHz: firstRun.kernelRateHz,
    nominalHz,
    calibration: { v: cv.cal, i: ci.cal, phaseRad: 0, frontEndHz: 0 },
    startUtcS: rec.cfg.startTime ? timestampToEpochS(rec.cfg.startTime) : 0,
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
