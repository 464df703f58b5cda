// Readers of the data (.dat, or the DAT section of a .cff), IEEE C37.111.
// ASCII: one line per sample "n,timestamp,A1..An,D1..Dm". BINARY / BINARY32 / FLOAT32: records of
// uint32 n, uint32 timestamp, analog values as int16 / int32 / float32, then the digital channels
// packed 16 per uint16 word, least significant bit first; all little-endian.
// Missing data (C37.111-1999 and -2013): ASCII 99999 or an empty field; BINARY 0x8000;
// BINARY32 0x80000000; FLOAT32 NaN; a missing timestamp is an empty field (ASCII) or 0xFFFFFFFF.
// The 1991 revision has no missing-data marker (its values may reach ±999999), so 99999 is a value there.
import { ComtradeFormatError } from "./formatError.ts";
import { splitLines } from "./cfgParse.ts";
import type { ComtradeConfig, DataFormat } from "./types.ts";

export interface RawData {
  count: number;
  /** n as written in each record. */
  sampleNumbers: Float64Array;
  /** Timestamps in the file's units (multiply by timeMult for µs); NaN where missing. */
  timestamps: Float64Array;
  /** Raw analog values before a*x+b; NaN where missing. */
  analogRaw: Float64Array[];
  digital: Uint8Array[];
}

function alloc(cfg: ComtradeConfig, n: number): RawData {
  return {
    count: n,
    sampleNumbers: new Float64Array(n),
    timestamps: new Float64Array(n),
    analogRaw: cfg.analog.map(() => new Float64Array(n)),
    digital: cfg.digital.map(() => new Uint8Array(n)),
  };
}

function trim(raw: RawData, n: number): RawData {
  return {
    count: n,
    sampleNumbers: raw.sampleNumbers.slice(0, n),
    timestamps: raw.timestamps.slice(0, n),
    analogRaw: raw.analogRaw.map((a) => a.slice(0, n)),
    digital: raw.digital.map((d) => d.slice(0, n)),
  };
}

export function expectedSamples(cfg: ComtradeConfig): number | undefined {
  if (cfg.rates.length > 0) return cfg.rates[cfg.rates.length - 1]!.endSample;
  return cfg.endSampleNoRate;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function readAsciiDat(text: string, cfg: ComtradeConfig, file: string, firstLine: number): RawData {
  const lines = splitLines(text);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === "") lines.pop();
  const nA = cfg.analog.length, nD = cfg.digital.length;
  const raw = alloc(cfg, lines.length);
  const missing99999 = cfg.rev !== 1991;
  let n = 0;
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k]!;
    if (line.trim() === "") continue;
    const f = line.split(",");
    // Some writers end every line with a comma.
    if (f.length === 2 + nA + nD + 1 && f[f.length - 1]!.trim() === "") f.pop();
    const where = firstLine + k;
    const fail = (detail: string): never => {
      throw new ComtradeFormatError(file, where, `sample ${n + 1}: ${detail}`);
    };
    if (f.length !== 2 + nA + nD) fail(`has ${f.length} fields, expected ${2 + nA + nD} (n, timestamp, ${nA} analog, ${nD} digital)`);
    const sn = f[0]!.trim();
    if (!/^\d+$/.test(sn)) fail(`field 'n' (sample number) is '${sn}', expected an integer`);
    raw.sampleNumbers[n] = Number(sn);
    const ts = f[1]!.trim();
    if (ts === "") raw.timestamps[n] = NaN;
    else if (!NUMBER.test(ts)) fail(`field 'timestamp' is '${ts}', expected a number`);
    else raw.timestamps[n] = Number(ts);
    for (let c = 0; c < nA; c++) {
      const s = f[2 + c]!.trim();
      let x: number;
      if (s === "") x = NaN;
      else if (!NUMBER.test(s)) fail(`analog channel ${c + 1} (${cfg.analog[c]!.id}) is '${s}', expected a number`);
      else x = Number(s);
      if (missing99999 && x! === 99999) x = NaN;
      raw.analogRaw[c]![n] = x!;
    }
    for (let c = 0; c < nD; c++) {
      const s = f[2 + nA + c]!.trim();
      if (s !== "0" && s !== "1" && s !== "") fail(`digital channel ${c + 1} (${cfg.digital[c]!.id}) is '${s}', expected 0 or 1`);
      raw.digital[c]![n] = s === "1" ? 1 : 0;
    }
    n++;
  }
  return n === raw.count ? raw : trim(raw, n);
}

export function analogWidth(format: DataFormat): number {
  return format === "BINARY" ? 2 : 4;
}

export function recordBytes(cfg: ComtradeConfig, format: DataFormat): number {
  return 8 + cfg.analog.length * analogWidth(format) + 2 * Math.ceil(cfg.digital.length / 16);
}

/** Reads binary records; a partial trailing record is reported through `warn`. */
export function readBinaryDat(bytes: Uint8Array, cfg: ComtradeConfig, format: DataFormat, file: string, warn: (w: string) => void): RawData {
  if (format === "ASCII") throw new Error("readBinaryDat: ASCII data");
  const size = recordBytes(cfg, format);
  const n = Math.floor(bytes.length / size);
  const extra = bytes.length - n * size;
  if (extra !== 0) warn(`${file}: ${bytes.length} bytes is not a whole number of ${size}-byte records (${n} records and ${extra} bytes left over, ignored)`);
  const raw = alloc(cfg, n);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nA = cfg.analog.length, nD = cfg.digital.length;
  const words = Math.ceil(nD / 16);
  for (let k = 0; k < n; k++) {
    let o = k * size;
    raw.sampleNumbers[k] = dv.getUint32(o, true);
    const ts = dv.getUint32(o + 4, true);
    raw.timestamps[k] = ts === 0xffffffff ? NaN : ts;
    o += 8;
    for (let c = 0; c < nA; c++) {
      let x: number;
      if (format === "BINARY") {
        x = dv.getInt16(o, true);
        if (x === -32768) x = NaN;
        o += 2;
      } else if (format === "BINARY32") {
        x = dv.getInt32(o, true);
        if (x === -2147483648) x = NaN;
        o += 4;
      } else {
        x = dv.getFloat32(o, true);
        o += 4;
      }
      raw.analogRaw[c]![k] = x;
    }
    for (let w = 0; w < words; w++) {
      const bits = dv.getUint16(o, true);
      o += 2;
      for (let b = 0; b < 16 && w * 16 + b < nD; b++) raw.digital[w * 16 + b]![k] = (bits >>> b) & 1;
    }
  }
  return raw;
}

/**
 * The data's content against the ft the configuration declares: binary records read from
 * ASCII text (or text parsed from binary records) give numbers of nothing, so a mismatch
 * is an error naming the ft line. ASCII text: the first 4 KB are printable ASCII, tabs and
 * line ends, and the first line starts "n,timestamp,". Binary: a NUL byte in the first 4 KB.
 */
export function checkDataFormat(head: Uint8Array, cfg: ComtradeConfig, cfgFile: string, datFile: string): void {
  const n = Math.min(head.length, 4096);
  if (n === 0) return;
  const line = cfg.lineOf?.ft;
  const datName = datFile.replace(/^.*[\\/]/, "");
  if (cfg.dataFormat === "ASCII") {
    for (let k = 0; k < n; k++) {
      if (head[k] === 0) throw new ComtradeFormatError(cfgFile, line, `ft (data file type) is ASCII but ${datName} holds binary data (a NUL byte at offset ${k}); set ft to BINARY, BINARY32 or FLOAT32`);
    }
    return;
  }
  for (let k = 0; k < n; k++) {
    const b = head[k]!;
    if (!(b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127))) return;
  }
  const first = Buffer.from(head.subarray(0, n)).toString("latin1").split(/\r\n|\n|\r/)[0]!;
  if (/^\s*\d+\s*,\s*[\d.]*\s*,/.test(first)) {
    throw new ComtradeFormatError(cfgFile, line, `ft (data file type) is ${cfg.dataFormat} but ${datName} is ASCII text (its first line: '${first.slice(0, 60)}'); set ft to ASCII`);
  }
}
