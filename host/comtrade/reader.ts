// readComtrade: a .cfg + .dat pair or a .cff, to scaled channels and a time base.
// Scaling: value = a * raw + b in the channel's unit, as primary or secondary values per the PS
// flag; converted on request with the ratio primary/secondary (C37.111-1999 §6.4).
// Time: with nrates > 0 and every samp > 0 the sample instants follow from the rates (the
// standard's rule); with nrates = 0 (or samp = 0) from the .dat timestamps times timemult (µs).
import { readFileSync, existsSync } from "node:fs";
import { ComtradeFormatError } from "./formatError.ts";
import { parseCfg } from "./cfgParse.ts";
import { readAsciiDat, readBinaryDat, expectedSamples, checkDataFormat, type RawData } from "./datRead.ts";
import { splitCff } from "./cff.ts";
import { decodeText, type TextEncodingName } from "./textDecoding.ts";
import { timestampToEpochS } from "./timestamp.ts";
import type { ComtradeConfig } from "./types.ts";

export type ScaleTo = "primary" | "secondary" | "recorded";

export interface ReadOptions {
  /** Data file to use instead of the .cfg's sibling .dat (e.g. an alternative take). */
  datPath?: string;
  /** Values as primary (default), secondary, or as the file records them. */
  scale?: ScaleTo;
  /** Time base: "auto" (default, see above), or force the rates or the timestamps. */
  time?: "auto" | "rate" | "timestamp";
  /** Text encoding of the .cfg / CFG section; detected when absent. */
  encoding?: TextEncodingName;
  /** Turn every warning (short data, odd headers, missing optional lines) into an error. */
  strict?: boolean;
}

export interface ComtradeRecord {
  cfg: ComtradeConfig;
  /** Detected (or forced) encoding of the configuration text. */
  encoding: TextEncodingName;
  /** Things tolerated while reading, each "file:line: what". */
  warnings: string[];
  count: number;
  /** Seconds from the first sample. */
  times: Float64Array;
  timeSource: "rate" | "timestamp";
  /** The .dat timestamps in seconds (timestamp * timemult * 1e-6), NaN where missing. */
  timestampsS: Float64Array;
  sampleNumbers: Float64Array;
  /** Scaled analog values per channel (NaN = missing data), in `units[k]`. */
  analog: Float64Array[];
  units: string[];
  /** What each analog channel's values are after the requested conversion. */
  scaledAs: ScaleTo[];
  digital: Uint8Array[];
  /** Trigger instant in seconds from the start (first sample), if both stamps are given. */
  triggerS: number | null;
  hdr?: string;
  inf?: string;
}

export interface RecordParts {
  cfgBytes: Uint8Array;
  cfgFile: string;
  cfgFirstLine?: number;
  datBytes: Uint8Array;
  datFile: string;
  datFirstLine?: number;
  hdr?: string;
  inf?: string;
}

function replaceExt(path: string, ext: string): string[] {
  const base = path.replace(/\.[^./\\]*$/, "");
  return [base + ext.toLowerCase(), base + ext.toUpperCase()];
}

function readOptionalText(paths: string[]): string | undefined {
  for (const p of paths) if (existsSync(p)) return decodeText(readFileSync(p)).text;
  return undefined;
}

export function readComtrade(path: string, opts: ReadOptions = {}): ComtradeRecord {
  if (!existsSync(path)) throw new ComtradeFormatError(path, undefined, "file not found");
  if (/\.cff$/i.test(path)) {
    const bytes = new Uint8Array(readFileSync(path));
    const warnings: string[] = [];
    const s = splitCff(bytes, path, (w) => warnings.push(w));
    const cfgS = s.get("CFG")!, datS = s.get("DAT")!;
    const rec = parseComtrade(
      {
        cfgBytes: cfgS.bytes,
        cfgFile: path,
        cfgFirstLine: cfgS.firstLine,
        datBytes: datS.bytes,
        datFile: path,
        datFirstLine: datS.firstLine,
        hdr: s.get("HDR") ? decodeText(s.get("HDR")!.bytes).text : undefined,
        inf: s.get("INF") ? decodeText(s.get("INF")!.bytes).text : undefined,
      },
      opts,
      warnings,
      datS.dataFormat,
    );
    return rec;
  }
  let datPath = opts.datPath;
  if (!datPath) {
    datPath = replaceExt(path, ".dat").find((p) => existsSync(p));
    if (!datPath) throw new ComtradeFormatError(path, undefined, `data file not found (looked for ${replaceExt(path, ".dat").join(" and ")})`);
  } else if (!existsSync(datPath)) throw new ComtradeFormatError(datPath, undefined, "data file not found");
  return parseComtrade(
    {
      cfgBytes: new Uint8Array(readFileSync(path)),
      cfgFile: path,
      datBytes: new Uint8Array(readFileSync(datPath)),
      datFile: datPath,
      hdr: readOptionalText(replaceExt(path, ".hdr")),
      inf: readOptionalText(replaceExt(path, ".inf")),
    },
    opts,
  );
}

/** Parses a record already in memory (used by readComtrade and by tests). */
export function parseComtrade(parts: RecordParts, opts: ReadOptions = {}, warnings: string[] = [], cffDataFormat?: string): ComtradeRecord {
  const { text, encoding } = decodeText(parts.cfgBytes, opts.encoding);
  const parsed = parseCfg(text, parts.cfgFile, parts.cfgFirstLine ?? 1);
  const cfg = parsed.cfg;
  warnings.push(...parsed.warnings);
  if (cffDataFormat && cffDataFormat !== cfg.dataFormat) {
    throw new ComtradeFormatError(parts.datFile, (parts.datFirstLine ?? 2) - 1, `DAT section says ${cffDataFormat} but the configuration's ft is ${cfg.dataFormat}`);
  }
  checkDataFormat(parts.datBytes, cfg, parts.cfgFile, parts.datFile);
  let raw: RawData;
  if (cfg.dataFormat === "ASCII") {
    raw = readAsciiDat(Buffer.from(parts.datBytes).toString("latin1"), cfg, parts.datFile, parts.datFirstLine ?? 1);
  } else {
    raw = readBinaryDat(parts.datBytes, cfg, cfg.dataFormat, parts.datFile, (w) => warnings.push(w));
  }
  const expected = expectedSamples(cfg);
  if (expected !== undefined && expected !== raw.count) {
    warnings.push(`${parts.datFile}: holds ${raw.count} samples, the configuration announces ${expected}${raw.count < expected ? " (truncated data)" : ""}`);
  }
  if (raw.count === 0) throw new ComtradeFormatError(parts.datFile, undefined, "no samples");

  // Time base.
  const timestampsS = raw.timestamps.map((t) => t * cfg.timeMult * 1e-6);
  const ratesUsable = cfg.rates.length > 0 && cfg.rates.every((r) => r.sampleRateHz > 0);
  const mode = opts.time ?? "auto";
  let timeSource: "rate" | "timestamp" = mode === "timestamp" || (mode === "auto" && !ratesUsable) ? "timestamp" : "rate";
  if (timeSource === "rate" && !ratesUsable) {
    throw new ComtradeFormatError(parts.cfgFile, undefined, "time from the sampling rates was asked for, but nrates is 0 or a rate is 0");
  }
  const rateTimes = ratesUsable ? timesFromRates(cfg, raw.count) : undefined;
  let times: Float64Array;
  if (timeSource === "rate") times = rateTimes!;
  else {
    const k = timestampsS.findIndex((t) => Number.isNaN(t));
    if (k >= 0) throw new ComtradeFormatError(parts.datFile, cfg.dataFormat === "ASCII" ? (parts.datFirstLine ?? 1) + k : undefined, `sample ${k + 1}: timestamp missing, and the time base must come from the timestamps (nrates = 0 or samp = 0)`);
    times = timestampsS.map((t) => t - timestampsS[0]!);
  }
  if (rateTimes && timeSource === "rate") {
    const minRate = Math.min(...cfg.rates.map((r) => r.sampleRateHz));
    for (let k = 0; k < raw.count; k++) {
      const ts = timestampsS[k]! - timestampsS[0]!;
      if (Math.abs(ts - rateTimes[k]!) > 2 / minRate) {
        warnings.push(`${parts.datFile}: sample ${k + 1}: timestamp says ${ts.toFixed(6)} s but the sampling rates say ${rateTimes[k]!.toFixed(6)} s; times follow the rates (read with time: "timestamp" to follow the stamps)`);
        break;
      }
    }
  }

  // Scaling.
  const scale = opts.scale ?? "primary";
  const scaledAs: ScaleTo[] = [];
  const analog = cfg.analog.map((ch, c) => {
    let factor = 1;
    let as: ScaleTo = scale;
    if (scale === "recorded" || ch.ps === undefined) as = "recorded";
    else if (ch.ps === (scale === "primary" ? "S" : "P")) {
      if (!(ch.primary! > 0 && ch.secondary! > 0)) {
        warnings.push(`${parts.cfgFile}: analog channel ${c + 1} (${ch.id}): primary ${ch.primary} / secondary ${ch.secondary} cannot convert; values left as recorded`);
        as = "recorded";
      } else factor = scale === "primary" ? ch.primary! / ch.secondary! : ch.secondary! / ch.primary!;
    }
    scaledAs.push(as);
    const a = ch.a * factor, b = ch.b * factor;
    return raw.analogRaw[c]!.map((x) => a * x + b);
  });

  if (opts.strict && warnings.length > 0) throw new Error(`${warnings[0]} (strict reading)`);
  const triggerS = cfg.startTime && cfg.triggerTime ? timestampToEpochS(cfg.triggerTime) - timestampToEpochS(cfg.startTime) : null;
  return {
    cfg,
    encoding,
    warnings,
    count: raw.count,
    times,
    timeSource,
    timestampsS,
    sampleNumbers: raw.sampleNumbers,
    analog,
    units: cfg.analog.map((ch) => ch.unit),
    scaledAs,
    digital: raw.digital,
    triggerS,
    hdr: parts.hdr,
    inf: parts.inf,
  };
}

/** Sample instants from the rate segments: sample s of segment k comes 1/samp_k after sample
 *  s-1; samples beyond the last endsamp continue at the last rate. */
export function timesFromRates(cfg: ComtradeConfig, count: number): Float64Array {
  const t = new Float64Array(count);
  let seg = 0;
  let segT0 = 0, segS0 = 1; // time and number of the segment's reference sample
  for (let s = 1; s <= count; s++) {
    while (seg < cfg.rates.length - 1 && s > cfg.rates[seg]!.endSample) {
      const end = cfg.rates[seg]!.endSample;
      segT0 = segT0 + (end - segS0) / cfg.rates[seg]!.sampleRateHz;
      segS0 = end;
      seg++;
    }
    t[s - 1] = segT0 + (s - segS0) / cfg.rates[seg]!.sampleRateHz;
  }
  return t;
}

/** Index of the analog channel whose id is `name` (case-insensitive, trimmed), or -1. */
export function findAnalog(rec: ComtradeRecord, name: string): number {
  const n = name.trim().toLowerCase();
  return rec.cfg.analog.findIndex((ch) => ch.id.trim().toLowerCase() === n);
}

/** Reads only the configuration (of a .cfg, or the CFG section of a .cff). */
export function readComtradeConfig(path: string, opts: { encoding?: TextEncodingName } = {}): { cfg: ComtradeConfig; warnings: string[]; encoding: TextEncodingName } {
  if (!existsSync(path)) throw new ComtradeFormatError(path, undefined, "file not found");
  const bytes = new Uint8Array(readFileSync(path));
  const warnings: string[] = [];
  let cfgBytes: Uint8Array = bytes, first = 1;
  if (/\.cff$/i.test(path)) {
    const s = splitCff(bytes, path, (w) => warnings.push(w)).get("CFG")!;
    cfgBytes = s.bytes;
    first = s.firstLine;
  }
  const { text, encoding } = decodeText(cfgBytes, opts.encoding);
  const p = parseCfg(text, path, first);
  return { cfg: p.cfg, warnings: [...warnings, ...p.warnings], encoding };
}
