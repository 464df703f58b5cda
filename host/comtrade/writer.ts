// writeComtrade: writes a record as IEEE C37.111-1999 or -2013, .cfg + .dat or a 2013 .cff,
// with ASCII, BINARY (int16), BINARY32 or FLOAT32 data, CRLF line ends, UTF-8 text.
// Integer formats scale each channel over its own range: b = (max+min)/2, a = (max-min)/(2R),
// code = round((x-b)/a) with R = 32767 (BINARY), 99998 (ASCII, whose 99999 marks missing data)
// or 2^31-1 (BINARY32), so the round-trip error is at most a/2. FLOAT32 stores a=1, b=0.
// NaN values are written as the format's missing-data marker.
import { writeFileSync } from "node:fs";
import { formatTimestamp } from "./timestamp.ts";
import type { ComtradeTimestamp, DataFormat } from "./types.ts";

export interface AnalogSeries {
  id: string;
  phase?: string;
  circuit?: string;
  unit: string;
  values: Float64Array;
  /** Transformer ratio and whether `values` are primary (default) or secondary values. */
  primary?: number;
  secondary?: number;
  ps?: "P" | "S";
  skewUs?: number;
  /** Integer formats: use this a, b instead of fitting the range (e.g. an ADC's own LSB and
   *  offset, so the stored integers are the ADC codes). Codes beyond the format's range clip. */
  scale?: { a: number; b: number };
}

export interface DigitalSeries {
  id: string;
  phase?: string;
  circuit?: string;
  normalState?: 0 | 1;
  values: Uint8Array;
}

export interface RecordToWrite {
  stationName: string;
  recDevId: string;
  lineFrequencyHz: number;
  sampleRateHz: number;
  startTime: ComtradeTimestamp;
  /** Default: the start time. */
  triggerTime?: ComtradeTimestamp;
  analog: AnalogSeries[];
  digital?: DigitalSeries[];
  /** 2013 only; defaults "0", "0", "0", 0 (UTC, clock locked, no leap second). */
  timeCode?: string;
  localCode?: string;
  tmqCode?: string;
  leapSec?: number;
}

export interface WriteOptions {
  rev?: 1999 | 2013;
  format?: DataFormat;
  /** Single .cff file (2013 only). */
  cff?: boolean;
  hdr?: string;
  inf?: string;
}

const RANGE: Record<DataFormat, number> = { ASCII: 99998, BINARY: 32767, BINARY32: 2147483647, FLOAT32: 0 };

function num(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`writeComtrade: cannot write non-finite number ${x} in the configuration`);
  return String(x);
}

function checkText(what: string, s: string): string {
  if (/[,\r\n]/.test(s)) throw new Error(`writeComtrade: ${what} '${s}' contains a comma or line break`);
  return s;
}

interface Scaled {
  a: number;
  b: number;
  codes: Float64Array; // integer codes, or float32 values; NaN = missing
  min: number;
  max: number;
}

function scaleChannel(values: Float64Array, format: DataFormat, fixed?: { a: number; b: number }): Scaled {
  if (format === "FLOAT32") {
    const codes = values.map((v) => Math.fround(v));
    let min = Infinity, max = -Infinity;
    for (const v of codes) if (!Number.isNaN(v)) (min = Math.min(min, v)), (max = Math.max(max, v));
    if (min > max) (min = 0), (max = 0);
    return { a: 1, b: 0, codes, min, max };
  }
  const R = RANGE[format];
  if (fixed) {
    if (!(fixed.a !== 0 && Number.isFinite(fixed.a) && Number.isFinite(fixed.b))) throw new Error(`writeComtrade: scale a=${fixed.a}, b=${fixed.b} is not usable`);
    const codes = values.map((v) => (Number.isNaN(v) ? NaN : Math.max(-R, Math.min(R, Math.round((v - fixed.b) / fixed.a)))));
    return { a: fixed.a, b: fixed.b, codes, min: -R, max: R };
  }
  let lo = Infinity, hi = -Infinity;
  for (const v of values) if (!Number.isNaN(v)) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  let a = 1, b = 0;
  if (lo <= hi) {
    b = (hi + lo) / 2;
    a = hi > lo ? (hi - lo) / (2 * R) : 1;
  }
  const codes = values.map((v) => (Number.isNaN(v) ? NaN : Math.max(-R, Math.min(R, Math.round((v - b) / a)))));
  return { a, b, codes, min: -R, max: R };
}

export function formatComtrade(rec: RecordToWrite, opts: WriteOptions = {}): { cfg: string; dat: Uint8Array; scaled: Scaled[] } {
  const rev = opts.rev ?? 2013;
  const format = opts.format ?? "BINARY";
  if (rev !== 1999 && rev !== 2013) throw new Error(`writeComtrade: rev must be 1999 or 2013, got ${rev}`);
  if (rev === 1999 && format !== "ASCII" && format !== "BINARY") throw new Error(`writeComtrade: ${format} needs rev 2013`);
  if (!(rec.sampleRateHz > 0)) throw new Error(`writeComtrade: sampleRateHz must be positive, got ${rec.sampleRateHz}`);
  const digital = rec.digital ?? [];
  const n = rec.analog.length > 0 ? rec.analog[0]!.values.length : digital.length > 0 ? digital[0]!.values.length : 0;
  rec.analog.forEach((ch, k) => {
    if (ch.values.length !== n) throw new Error(`writeComtrade: analog channel ${k + 1} (${ch.id}) has ${ch.values.length} samples, channel 1 has ${n}`);
  });
  digital.forEach((ch, k) => {
    if (ch.values.length !== n) throw new Error(`writeComtrade: digital channel ${k + 1} (${ch.id}) has ${ch.values.length} samples, expected ${n}`);
  });
  if (n === 0) throw new Error("writeComtrade: no samples");
  const scaled = rec.analog.map((ch) => scaleChannel(ch.values, format, ch.scale));
  const spanUs = ((n - 1) / rec.sampleRateHz) * 1e6;
  const timeMult = spanUs > 4294967294 ? Math.ceil(spanUs / 4294967294) : 1;
  const frac = (ts: ComtradeTimestamp): 6 | 9 => (rev === 2013 && ts.nanosecond % 1000 !== 0 ? 9 : 6);

  const L: string[] = [];
  L.push(`${checkText("station name", rec.stationName)},${checkText("recording device id", rec.recDevId)},${rev}`);
  L.push(`${rec.analog.length + digital.length},${rec.analog.length}A,${digital.length}D`);
  rec.analog.forEach((ch, k) => {
    const s = scaled[k]!;
    const f = [k + 1, checkText("channel id", ch.id), checkText("phase", ch.phase ?? ""), checkText("circuit", ch.circuit ?? ""), checkText("unit", ch.unit), num(s.a), num(s.b), num(ch.skewUs ?? 0), num(s.min), num(s.max), num(ch.primary ?? 1), num(ch.secondary ?? 1), ch.ps ?? "P"];
    L.push(f.join(","));
  });
  digital.forEach((ch, k) => L.push([k + 1, checkText("channel id", ch.id), checkText("phase", ch.phase ?? ""), checkText("circuit", ch.circuit ?? ""), ch.normalState ?? 0].join(",")));
  L.push(num(rec.lineFrequencyHz));
  L.push("1");
  L.push(`${num(rec.sampleRateHz)},${n}`);
  L.push(formatTimestamp(rec.startTime, frac(rec.startTime)));
  const trig = rec.triggerTime ?? rec.startTime;
  L.push(formatTimestamp(trig, frac(trig)));
  L.push(format);
  L.push(num(timeMult));
  if (rev === 2013) {
    L.push(`${rec.timeCode ?? "0"},${rec.localCode ?? "0"}`);
    L.push(`${rec.tmqCode ?? "0"},${rec.leapSec ?? 0}`);
  }
  const cfg = L.join("\r\n") + "\r\n";

  const stampOf = (k: number): number => Math.round((k / rec.sampleRateHz) * 1e6 / timeMult);
  let dat: Uint8Array;
  if (format === "ASCII") {
    // Encoded a block of rows at a time: one string of every row passes V8's string
    // limit (about 512 MB) near 16 million samples.
    const enc = new TextEncoder();
    const parts: Uint8Array[] = [];
    let rows: string[] = [];
    for (let k = 0; k < n; k++) {
      const f: (string | number)[] = [k + 1, stampOf(k)];
      for (const s of scaled) f.push(Number.isNaN(s.codes[k]!) ? "99999" : s.codes[k]!);
      for (const d of digital) f.push(d.values[k] ? 1 : 0);
      rows.push(f.join(","));
      if (rows.length === 1 << 20 || k === n - 1) {
        parts.push(enc.encode(rows.join("\r\n") + "\r\n"));
        rows = [];
      }
    }
    dat = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) (dat.set(p, o), (o += p.length));
  } else {
    const w = format === "BINARY" ? 2 : 4;
    const words = Math.ceil(digital.length / 16);
    const size = 8 + scaled.length * w + 2 * words;
    const buf = new ArrayBuffer(size * n);
    const dv = new DataView(buf);
    for (let k = 0; k < n; k++) {
      let o = k * size;
      dv.setUint32(o, (k + 1) >>> 0, true);
      dv.setUint32(o + 4, stampOf(k), true);
      o += 8;
      for (const s of scaled) {
        const c = s.codes[k]!;
        if (format === "BINARY") dv.setInt16(o, Number.isNaN(c) ? -32768 : c, true);
        else if (format === "BINARY32") dv.setInt32(o, Number.isNaN(c) ? -2147483648 : c, true);
        else dv.setFloat32(o, c, true);
        o += w;
      }
      for (let wd = 0; wd < words; wd++) {
        let bits = 0;
        for (let b = 0; b < 16 && wd * 16 + b < digital.length; b++) if (digital[wd * 16 + b]!.values[k]) bits |= 1 << b;
        dv.setUint16(o, bits, true);
        o += 2;
      }
    }
    dat = new Uint8Array(buf);
  }
  return { cfg, dat, scaled };
}

/** Writes `<base>.cfg` + `<base>.dat`, or `<base>.cff`; `path` may carry any of these extensions. */
export function writeComtrade(path: string, rec: RecordToWrite, opts: WriteOptions = {}): { files: string[] } {
  const base = path.replace(/\.(cfg|dat|cff)$/i, "");
  const { cfg, dat } = formatComtrade(rec, opts);
  const enc = new TextEncoder();
  if (opts.cff || /\.cff$/i.test(path)) {
    if ((opts.rev ?? 2013) !== 2013) throw new Error("writeComtrade: the single-file .cff format is 2013 only");
    const format = opts.format ?? "BINARY";
    const head = (s: string): string => `--- file type: ${s} ---\r\n`;
    const body = (s: string | undefined): string => (s === undefined || s === "" ? "" : /\n$/.test(s) ? s : s + "\r\n");
    const text = head("CFG") + cfg + head("INF") + body(opts.inf) + head("HDR") + body(opts.hdr) + head(format === "ASCII" ? "DAT ASCII" : `DAT ${format}: ${dat.length}`);
    const out = Buffer.concat([Buffer.from(enc.encode(text)), Buffer.from(dat)]);
    writeFileSync(base + ".cff", out);
    return { files: [base + ".cff"] };
  }
  writeFileSync(base + ".cfg", cfg, "utf8");
  writeFileSync(base + ".dat", dat);
  const files = [base + ".cfg", base + ".dat"];
  if (opts.hdr !== undefined) {
    writeFileSync(base + ".hdr", opts.hdr, "utf8");
    files.push(base + ".hdr");
  }
  if (opts.inf !== undefined) {
    writeFileSync(base + ".inf", opts.inf, "utf8");
    files.push(base + ".inf");
  }
  return { files };
}
