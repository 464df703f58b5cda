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

export class AnalyzeInputError extends Error {}

export interface ChannelChoice {
  index: number;
  id: string;
  unit: string;
  /** How the codes were obtained. */
  codes: "record" | "scaled";
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

function splitRuns(rec: ComtradeRecord): Omit<RecordRun, "codes">[] {
  const rates = rec.cfg.rates;
  const runs: Omit<RecordRun, "codes">[] = [];
  let start = 0;
  let runRateHz = 0; // the current run's first rate
  for (let k = 0; k < rates.length; k++) {
    const end = Math.min(rec.count, rates[k]!.endSample);
    const rate = rates[k]!.sampleRateHz;
    if (end <= start) continue;
    const last = runs[runs.length - 1];
    if (last && last.first + last.count === start && Math.abs(rate - runRateHz) <= SAME_RATE * runRateHz) {
      last.count = end - last.first;
      last.recordSegments[1] = k + 1;
      last.rateRangeHz = [Math.min(last.rateRangeHz[0], rate), Math.max(last.rateRangeHz[1], rate)];
      last.toS = rec.times[end - 1]! + 1 / rate;
      last.rateHz = rate; // last segment's rate until the mean is taken below
    } else {
      runRateHz = rate;
      runs.push({ recordSegments: [k + 1, k + 1], first: start, count: end - start, fromS: rec.times[start]!, toS: rec.times[end - 1]! + 1 / rate, rateHz: rate, kernelRateHz: 0, rateRangeHz: [rate, rate], timeS: () => 0 });
    }
    start = end;
  }
  // A run ends where the next begins (a slow segment's last period would overlap it).
  for (let k = 0; k + 1 < runs.length; k++) runs[k]!.toS = Math.min(runs[k]!.toS, runs[k + 1]!.fromS);
  for (const r of runs) {
    const endRate = r.rateHz;
    if (r.rateRangeHz[0] !== r.rateRangeHz[1]) r.rateHz = (r.count - 1) / (rec.times[r.first + r.count - 1]! - rec.times[r.first]!);
    r.kernelRateHz = Math.round(r.rateHz);
    const { first, count } = r;
    r.timeS = (x: number) => timeAt(rec.times, first, count, x, endRate);
    if (r.kernelRateHz < KERNEL_MIN_HZ) r.skip = `rate ${+r.rateHz.toFixed(3)} Hz is below the kernel's ${KERNEL_MIN_HZ} Hz`;
    else if (r.kernelRateHz > KERNEL_MAX_HZ) r.skip = `rate ${+r.rateHz.toFixed(3)} Hz is above the kernel's ${KERNEL_MAX_HZ} Hz`;
  }
  return runs;
}

function pickChannel(rec: ComtradeRecord, name: string | undefined, base: "V" | "A", optional = false): number {
  const chans = rec.cfg.analog;
  if (name !== undefined) {
    const n = name.trim().toLowerCase();
    let k = chans.findIndex((c) => c.id.trim().toLowerCase() === n);
    if (k < 0 && /^\d+$/.test(n)) k = chans.findIndex((c) => c.index === Number(n));
    if (k < 0) throw new AnalyzeInputError(`no analog channel named '${name}' (channels: ${chans.map((c) => `${c.index} ${c.id} [${c.unit}]`).join(", ")})`);
    if (siUnit(chans[k]!.unit).base !== base) throw new AnalyzeInputError(`channel '${name}' is in ${chans[k]!.unit}, expected a ${base === "V" ? "voltage (V, kV)" : "current (A, kA)"} channel`);
    return k;
  }
  const k = chans.findIndex((c) => siUnit(c.unit).base === base);
  if (k < 0 && optional) return -1;
  if (k < 0) throw new AnalyzeInputError(`the record has no analog channel in ${base}${base === "V" ? " or kV" : " or kA"}; name one with --${base === "V" ? "v" : "i"}`);
  return k;
}

function channelCodes(rec: ComtradeRecord, k: number): { codes: Float64Array; cal: ChannelCalibration; mode: "record" | "scaled" } {
  const ch = rec.cfg.analog[k]!;
  const x = rec.analog[k]!; // as recorded: a * raw + b in ch.unit
  const ratio = rec.scaledAs[k] === "recorded" && ch.ps === "S" && ch.primary && ch.secondary ? ch.primary / ch.secondary : 1;
  const factor = siUnit(ch.unit).factor * ratio; // recorded unit -> primary SI
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

export function loadRecordInput(path: string, opts: { v?: string; i?: string }): RecordInput {
  let rec: ComtradeRecord;
  try {
    rec = readComtrade(path, { scale: "recorded" });
  } catch (e) {
    throw new AnalyzeInputError((e as Error).message);
  }
  const vk = pickChannel(rec, opts.v, "V");
  // No current channel and none named: the voltage alone (dips, swells, interruptions,
  // rms, frequency, voltage harmonics need no current). An explicit --i must name one.
  const ik = pickChannel(rec, opts.i, "A", true);
  const notes: string[] = [];
  if (ik < 0) notes.push("no current channel (none in A or kA): the voltage is analysed alone (the kernel gets a constant mid-code current); current, power, PF and current harmonics are null in JSON and '-' in the table");
  if (rec.cfg.rates.length === 0) throw new AnalyzeInputError(`${path}: the record has no sampling rate (nrates = 0); the kernel needs evenly spaced samples`);
  const lf = rec.cfg.lineFrequencyHz;
  const nominalHz: 50 | 60 = Math.abs(lf - 60) < Math.abs(lf - 50) ? 60 : 50;
  const cv = channelCodes(rec, vk);
  const ci = ik >= 0 ? channelCodes(rec, ik) : { codes: new Float64Array(rec.count).fill(2048), cal: { unitPerLsb: 1, zeroLsb: 2048, noiseLsb2: 0 }, mode: "scaled" as const };
  const runs: RecordRun[] = splitRuns(rec).map((r) => {
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
  return {
    record: rec,
    v: { index: chV.index, id: chV.id, unit: chV.unit, codes: cv.mode },
    i: chI ? { index: chI.index, id: chI.id, unit: chI.unit, codes: ci.mode } : null,
    runs,
    codes: firstRun.codes,
    sampleRateHz: firstRun.kernelRateHz,
    nominalHz,
    calibration: { v: cv.cal, i: ci.cal, phaseRad: 0, frontEndHz: 0 },
    startUtcS: rec.cfg.startTime ? timestampToEpochS(rec.cfg.startTime) : 0,
    ratedV: ratedPhaseVolts(rec, vk),
    notes,
  };
}
