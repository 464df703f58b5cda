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

export interface RecordInput {
  record: ComtradeRecord;
  v: ChannelChoice;
  i: ChannelChoice;
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


function pickChannel(rec: ComtradeRecord, name: string | undefined, base: "V" | "A"): number {
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
  const ik = pickChannel(rec, opts.i, "A");
  const notes: string[] = [];
  const rates = rec.cfg.rates;
  if (rates.length === 0) throw new AnalyzeInputError(`${path}: the record has no sampling rate (nrates = 0); the kernel needs evenly spaced samples`);
  // Several rate segments: analyse the leading run of segments at the first rate (the
  // pre-fault part is usually there; 1991 recorders often repeat one rate).
  const seg = rates[0]!;
  let last = 0;
  while (last + 1 < rates.length && rates[last + 1]!.sampleRateHz === seg.sampleRateHz) last++;
  const count = Math.min(rec.count, rates[last]!.endSample);
  if (last + 1 < rates.length) notes.push(`record has ${rates.length} sampling-rate segments; analysing the first ${last + 1} at ${seg.sampleRateHz} Hz (${count} samples)`);
  const fs = Math.round(seg.sampleRateHz);
  if (fs !== seg.sampleRateHz) notes.push(`sampling rate ${seg.sampleRateHz} Hz rounded to ${fs} Hz for the kernel`);
  if (fs < 1000 || fs > 51200) throw new AnalyzeInputError(`${path}: sampling rate ${seg.sampleRateHz} Hz is outside the kernel's 1000..51200 Hz`);
  const lf = rec.cfg.lineFrequencyHz;
  const nominalHz: 50 | 60 = Math.abs(lf - 60) < Math.abs(lf - 50) ? 60 : 50;
  const cv = channelCodes(rec, vk);
  const ci = channelCodes(rec, ik);
  const codes = new Uint16Array(2 * count);
  for (let s = 0; s < count; s++) {
    codes[2 * s] = cv.codes[s]!;
    codes[2 * s + 1] = ci.codes[s]!;
  }
  const chV = rec.cfg.analog[vk]!, chI = rec.cfg.analog[ik]!;
  return {
    record: rec,
    v: { index: chV.index, id: chV.id, unit: chV.unit, codes: cv.mode },
    i: { index: chI.index, id: chI.id, unit: chI.unit, codes: ci.mode },
    codes,
    sampleRateHz: fs,
    nominalHz,
    calibration: { v: cv.cal, i: ci.cal, phaseRad: 0, frontEndHz: 0 },
    startUtcS: rec.cfg.startTime ? timestampToEpochS(rec.cfg.startTime) : 0,
    ratedV: ratedPhaseVolts(rec, vk),
    notes,
  };
}
