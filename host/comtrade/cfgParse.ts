// Parser of the configuration (.cfg, or the CFG section of a .cff), IEEE C37.111-1991/1999/2013.
// Line by line, in the order the standard fixes:
//   station_name,rec_dev_id,rev_year          (rev_year absent in 1991)
//   TT,##A,##D
//   An,ch_id,ph,ccbm,uu,a,b,skew,min,max[,primary,secondary,PS]     x ##A  (1991: first 10)
//   Dn,ch_id,ph,ccbm,y                                               x ##D  (1991: Dn,ch_id,y)
//   lf
//   nrates  then nrates lines samp,endsamp  (nrates = 0: one line "0,endsamp")
//   start dd/mm/yyyy,hh:mm:ss.ssssss ; trigger, same
//   ft                     ASCII | BINARY | BINARY32 | FLOAT32
//   timemult               (1999, 2013)
//   time_code,local_code   (2013)
//   tmq_code,leapsec       (2013)
// Tolerated (with a warning) because real recorders write them: missing optional lines, empty
// skew/primary/secondary/PS, channel numbers out of order, day/month swapped, trailing SUB
// (0x1A, DOS end of file) characters, extra blank lines.
import { ComtradeFormatError } from "./formatError.ts";
import { parseTimestamp } from "./timestamp.ts";
import type { AnalogChannel, ComtradeConfig, DataFormat, DigitalChannel, RateSegment, Revision } from "./types.ts";

export interface ParsedCfg {
  cfg: ComtradeConfig;
  warnings: string[];
}

/** "a (multiplier)" -> "'a' (multiplier)": the standard's field name quoted, its meaning after. */
function label(name: string): string {
  const k = name.indexOf(" ");
  return k < 0 ? `'${name}'` : `'${name.slice(0, k)}'${name.slice(k)}`;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function splitLines(text: string): string[] {
  const lines = text.replace(/\x1a+\s*$/, "").split(/\r\n|\n|\r/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === "") lines.pop();
  return lines;
}

/** Parses cfg text. `firstLine` is the 1-based line of `text`'s first line in `file` (a .cff
 *  puts the CFG section after its header line). */
export function parseCfg(text: string, file: string, firstLine = 1): ParsedCfg {
  const lines = splitLines(text);
  const warnings: string[] = [];
  let pos = 0;
  const lineNo = (): number => firstLine + pos - 1; // 1-based number of the line last taken
  const fail = (detail: string): never => {
    throw new ComtradeFormatError(file, lineNo(), detail);
  };
  const take = (what: string): string[] => {
    if (pos >= lines.length) {
      pos++;
      fail(`file ends where the ${what} line is expected`);
    }
    return lines[pos++]!.split(",").map((f) => f.trim());
  };
  const peek = (): string | undefined => (pos < lines.length ? lines[pos] : undefined);
  const num = (fields: string[], k: number, ctx: string, name: string, fallback?: number): number => {
    const s = fields[k] ?? "";
    if (s === "" && fallback !== undefined) return fallback;
    if (!NUMBER.test(s)) fail(`${ctx}field ${label(name)} is '${s}', expected a number`);
    const x = Number(s);
    if (!Number.isFinite(x)) fail(`${ctx}field ${label(name)} is '${s}', beyond the range of a number (about 1.8e308)`);
    return x;
  };
  const int = (fields: string[], k: number, ctx: string, name: string, fallback?: number): number => {
    const x = num(fields, k, ctx, name, fallback);
    if (!Number.isInteger(x)) fail(`${ctx}field ${label(name)} is '${fields[k]}', expected an integer`);
    return x;
  };

  // 1: station_name,rec_dev_id,rev_year
  const l1 = take("station");
  let revYear = 1991;
  let stationName: string, recDevId: string;
  if (l1.length >= 3 && /^\d{4}$/.test(l1[l1.length - 1]!)) {
    revYear = Number(l1[l1.length - 1]);
    recDevId = l1[l1.length - 2]!;
    stationName = l1.slice(0, l1.length - 2).join(",");
  } else if (l1.length >= 3 && l1[l1.length - 1] !== "") {
    fail(`field 'rev_year' is '${l1[l1.length - 1]}', expected 1991, 1999 or 2013`);
  } else {
    stationName = l1[0] ?? "";
    recDevId = l1[1] ?? "";
  }
  const rev: Revision = revYear >= 2013 ? 2013 : revYear >= 1999 ? 1999 : 1991;
  if (revYear !== rev) warnings.push(`${file}:${lineNo()}: rev_year ${revYear} is not a revision of the standard; read as ${rev}`);

  // 2: TT,##A,##D
  const l2 = take("channel count (TT,##A,##D)");
  const tt = int(l2, 0, "", "TT (total channels)");
  const am = /^(\d+)A$/i.exec(l2[1] ?? "");
  if (!am) fail(`field '##A' (analog channel count) is '${l2[1] ?? ""}', expected a count followed by A, e.g. 4A`);
  const dm = /^(\d+)D$/i.exec(l2[2] ?? "");
  if (!dm) fail(`field '##D' (digital channel count) is '${l2[2] ?? ""}', expected a count followed by D, e.g. 4D`);
  const nA = Number(am![1]), nD = Number(dm![1]);
  if (nA + nD !== tt) fail(`field 'TT' (total channels) is ${tt} but ${nA}A + ${nD}D = ${nA + nD}`);

  const analog: AnalogChannel[] = [];
  for (let c = 1; c <= nA; c++) {
    const f = take(`analog channel ${c}`);
    const ctx = `analog channel ${c}: `;
    if (f.length < 10) fail(`${ctx}has ${f.length} fields, expected ${rev === 1991 ? 10 : 13} (An,ch_id,ph,ccbm,uu,a,b,skew,min,max${rev === 1991 ? "" : ",primary,secondary,PS"})`);
    const index = int(f, 0, ctx, "An (channel number)");
    if (index !== c) warnings.push(`${file}:${lineNo()}: analog channel ${c} is numbered ${index}`);
    const ch: AnalogChannel = {
      index,
      id: f[1]!,
      phase: f[2]!,
      circuit: f[3]!,
      unit: f[4]!,
      a: num(f, 5, ctx, "a (multiplier)"),
      b: num(f, 6, ctx, "b (offset)", 0),
      skewUs: num(f, 7, ctx, "skew", 0),
      min: num(f, 8, ctx, "min", -Infinity),
      max: num(f, 9, ctx, "max", Infinity),
      line: lineNo(),
    };
    if (f.length >= 13 || (rev !== 1991 && f.length > 10)) {
      ch.primary = num(f, 10, ctx, "primary", 1);
      ch.secondary = num(f, 11, ctx, "secondary", 1);
      const ps = (f[12] ?? "").toUpperCase();
      if (ps !== "P" && ps !== "S" && ps !== "") fail(`${ctx}field 'PS' is '${f[12]}', expected P or S`);
      ch.ps = ps === "S" ? "S" : "P";
    } else if (rev !== 1991) warnings.push(`${file}:${lineNo()}: ${ctx}no primary, secondary and PS fields`);
    analog.push(ch);
  }

  const digital: DigitalChannel[] = [];
  for (let c = 1; c <= nD; c++) {
    const f = take(`digital channel ${c}`);
    const ctx = `digital channel ${c}: `;
    if (f.length < 3 || f.length === 4) fail(`${ctx}has ${f.length} fields, expected 5 (Dn,ch_id,ph,ccbm,y) or 3 in 1991 (Dn,ch_id,y)`);
    const index = int(f, 0, ctx, "Dn (channel number)");
    // 1991 recorders often number digital channels after the analog ones (nA + c).
    if (index !== c && index !== nA + c) warnings.push(`${file}:${lineNo()}: digital channel ${c} is numbered ${index}`);
    const short = f.length === 3;
    const yk = short ? 2 : 4;
    const y = int(f, yk, ctx, "y (normal state)", 0);
    if (y !== 0 && y !== 1) fail(`${ctx}field 'y' (normal state) is '${f[yk]}', expected 0 or 1`);
    digital.push({ index, id: f[1]!, phase: short ? "" : f[2]!, circuit: short ? "" : f[3]!, normalState: y });
  }

  const lineFrequencyHz = num(take("line frequency"), 0, "", "lf (line frequency)", 0);
  const lineOf: NonNullable<ComtradeConfig["lineOf"]> = { lf: lineNo(), rates: [] };

  const nrates = int(take("nrates"), 0, "", "nrates");
  if (nrates < 0) fail(`field 'nrates' is ${nrates}, expected 0 or more`);
  const rates: RateSegment[] = [];
  let endSampleNoRate: number | undefined;
  for (let k = 1; k <= nrates; k++) {
    const f = take(`sample rate ${k} (samp,endsamp)`);
    const ctx = `sample rate ${k}: `;
    const sampleRateHz = num(f, 0, ctx, "samp (sampling rate)");
    const endSample = int(f, 1, ctx, "endsamp (last sample number)");
    if (sampleRateHz < 0) fail(`${ctx}field 'samp' is ${sampleRateHz}, expected a positive rate`);
    if (k > 1 && endSample < rates[k - 2]!.endSample) fail(`${ctx}field 'endsamp' is ${endSample}, below the previous segment's ${rates[k - 2]!.endSample}`);
    rates.push({ sampleRateHz, endSample });
    lineOf.rates.push(lineNo());
  }
  if (nrates === 0 && peek() !== undefined && /^\s*0*\.?0*\s*,\s*\d+\s*$/.test(peek()!)) {
    endSampleNoRate = int(take("0,endsamp"), 1, "", "endsamp");
  }

  const ts = (what: string) => {
    const f = take(what);
    const r = parseTimestamp(f[0] ?? "", f.slice(1).join(",") ?? "", rev);
    if (typeof r === "string") fail(`${what}: ${r}`);
    return r as Exclude<typeof r, string>;
  };
  const startTime = ts("start time");
  const triggerTime = ts("trigger time");

  const ftRaw = take("data file type")[0] ?? "";
  lineOf.ft = lineNo();
  const ft = ftRaw.toUpperCase();
  if (ft !== "ASCII" && ft !== "BINARY" && ft !== "BINARY32" && ft !== "FLOAT32") fail(`field 'ft' (data file type) is '${ftRaw}', expected ASCII, BINARY, BINARY32 or FLOAT32`);
  const dataFormat = ft as DataFormat;
  if (rev < 2013 && (dataFormat === "BINARY32" || dataFormat === "FLOAT32")) warnings.push(`${file}:${lineNo()}: ${dataFormat} is a 2013 data type in a ${rev} file`);

  let timeMult = 1;
  const cfg: ComtradeConfig = {
    stationName: stationName!,
    recDevId: recDevId!,
    revYear,
    rev,
    analog,
    digital,
    lineFrequencyHz,
    rates,
    endSampleNoRate,
    startTime,
    triggerTime,
    dataFormat,
    timeMult,
    lineOf,
  };
  const optionalLine = (what: string): string[] | undefined => {
    const p = peek();
    if (p === undefined || p.trim() === "") {
      if (rev !== 1991 && (what === "timemult" || rev === 2013)) warnings.push(`${file}:${lineNo() + 1}: no ${what} line`);
      if (p !== undefined) pos++;
      return undefined;
    }
    return take(what);
  };
  if (rev !== 1991 || (peek() ?? "").trim() !== "") {
    const f = optionalLine("timemult");
    if (f) {
      timeMult = num(f, 0, "", "timemult", 1);
      if (!(timeMult > 0)) fail(`field 'timemult' is ${f[0]}, expected a positive number`);
      cfg.timeMult = timeMult;
    }
  }
  if (rev === 2013) {
    const tc = optionalLine("time_code,local_code");
    if (tc) {
      cfg.timeCode = tc[0];
      cfg.localCode = tc[1];
      cfg.timeCodeMinutes = parseTimeCode(tc[0] ?? "");
      cfg.localCodeMinutes = parseTimeCode(tc[1] ?? "");
      if (cfg.timeCodeMinutes === undefined) warnings.push(`${file}:${lineNo()}: field 'time_code' is '${tc[0]}', expected e.g. -5h30 or +1`);
    }
    const tq = optionalLine("tmq_code,leapsec");
    if (tq) {
      cfg.tmqCode = tq[0];
      if (!/^[0-9A-F]$/i.test(tq[0] ?? "")) warnings.push(`${file}:${lineNo()}: field 'tmq_code' is '${tq[0]}', expected one hex digit`);
      cfg.leapSec = int(tq, 1, "", "leapsec", 0);
    }
  }
  for (let k = pos; k < lines.length; k++) {
    if (lines[k]!.trim() !== "") {
      warnings.push(`${file}:${firstLine + k}: unexpected text after the configuration: '${lines[k]!.slice(0, 40)}'`);
      break;
    }
  }
  return { cfg, warnings };
}

/** "+5", "-5h30", "0", "x" (not applicable) -> minutes, or undefined when not parseable. */
export function parseTimeCode(s: string): number | undefined {
  const m = /^([+-]?)(\d{1,2})(?:h(\d{1,2}))?$/.exec(s);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === "-" ? -minutes : minutes;
}
