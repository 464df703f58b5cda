// A COMTRADE record read for `meternet analyze` without holding its samples: the .cfg
// whole, the .dat streamed (host/comtrade/datStream.ts) once for what the input needs to
// know (channel levels and peaks, whether the values are ADC codes, the timestamps'
// gaps), and again to feed the kernel. Memory stays that of one chunk whatever the
// record's length (issue 13 item 10: 10 million samples took 1.1 to 1.4 GB read whole).
import { closeSync, existsSync, openSync, readFileSync, readSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCfg } from "../comtrade/cfgParse.ts";
import { splitCff } from "../comtrade/cff.ts";
import { checkDataFormat, expectedSamples } from "../comtrade/datRead.ts";
import { streamDat, type DatChunk, type DatSource } from "../comtrade/datStream.ts";
import { ComtradeFormatError } from "../comtrade/formatError.ts";
import { decodeText, type TextEncodingName } from "../comtrade/textDecoding.ts";
import type { ComtradeConfig } from "../comtrade/types.ts";

/** What analyze knows of a record without its samples (the header part of ComtradeRecord). */
export interface RecordHeader {
  cfg: ComtradeConfig;
  encoding: TextEncodingName;
  warnings: string[];
  count: number;
  /** Where the data is and how to read it again. */
  src: DatSource;
  cfgFile: string;
  datFile: string;
  datFirstLine: number;
  /** ASCII data: the first pass's copy of the channels that may be analysed (ChannelCache). */
  cache?: ChannelCache;
}

/** Per analog channel, over the record (values a*raw+b as recorded, NaN skipped). */
export interface ChannelStats {
  n: number;
  sum: number;
  sumSq: number;
  /** Largest |a*raw+b|, and whether one was infinite (sample number, 1-based; 0: none). */
  peak: number;
  infiniteAt: number;
  /** Every raw value an integer 0..4095 (ADC codes; recordInput.ts case 1). */
  codes: boolean;
}

function replaceExt(path: string, ext: string): string[] {
  const base = path.replace(/\.[^./\\]*$/, "");
  return [base + ext.toLowerCase(), base + ext.toUpperCase()];
}

/** Opens a record: the configuration parsed, the data located and its format checked. */
export function openRecord(path: string): RecordHeader {
  if (!existsSync(path)) throw new ComtradeFormatError(path, undefined, "file not found");
  const warnings: string[] = [];
  let cfgBytes: Uint8Array, firstLine = 1, src: DatSource, datFile: string, datFirstLine = 1, head: Uint8Array;
  let cffFormat: string | undefined;
  if (/\.cff$/i.test(path)) {
    // A .cff is read whole (its sections are found by scanning it); its data is then streamed from memory.
    const bytes = new Uint8Array(readFileSync(path));
    const s = splitCff(bytes, path, (w) => warnings.push(w));
    const cfgS = s.get("CFG")!, datS = s.get("DAT")!;
    cfgBytes = cfgS.bytes;
    firstLine = cfgS.firstLine;
    src = { kind: "bytes", bytes: datS.bytes };
    datFile = path;
    datFirstLine = datS.firstLine;
    head = datS.bytes.subarray(0, 4096);
    cffFormat = datS.dataFormat;
  } else {
    const dat = replaceExt(path, ".dat").find((p) => existsSync(p));
    if (!dat) throw new ComtradeFormatError(path, undefined, `data file not found (looked for ${replaceExt(path, ".dat").join(" and ")})`);
    cfgBytes = new Uint8Array(readFileSync(path));
    const length = statSync(dat).size;
    src = { kind: "file", path: dat, offset: 0, length };
    datFile = dat;
    const h = Buffer.alloc(Math.min(4096, length));
    const fd = openSync(dat, "r");
    readSync(fd, h, 0, h.length, 0);
    closeSync(fd);
    head = new Uint8Array(h);
  }
  const { text, encoding } = decodeText(cfgBytes);
  const parsed = parseCfg(text, path, firstLine);
  warnings.push(...parsed.warnings);
  const cfg = parsed.cfg;
  if (cffFormat && cffFormat !== cfg.dataFormat) throw new ComtradeFormatError(datFile, datFirstLine - 1, `DAT section says ${cffFormat} but the configuration's ft is ${cfg.dataFormat}`);
  checkDataFormat(head, cfg, path, datFile);
  return { cfg, encoding, warnings, count: 0, src, cfgFile: path, datFile, datFirstLine };
}

/** Streams the record's data (channels: analog indices wanted); warnings go to h.warnings once. */
export function streamRecord(h: RecordHeader, channels: number[], onChunk: (c: DatChunk) => void, first = false): number {
  if (!first && h.cache?.has(channels)) return h.cache.stream(channels, onChunk);
  return streamDat(h.src, h.cfg, h.datFile, h.datFirstLine, channels, onChunk, (w) => {
    if (first) h.warnings.push(w);
  });
}

/**
 * Instants of the samples from the rate segments (COMTRADE: sample s of segment k comes
 * 1/samp_k after sample s-1; past the last endsamp the last rate continues), as
 * host/comtrade/reader.ts timesFromRates, but computed for one sample on demand.
 */
export class RateTimes {
  private readonly starts: { s0: number; t0: number; end: number; rate: number }[] = [];
  constructor(cfg: ComtradeConfig) {
    let t0 = 0, s0 = 1;
    cfg.rates.forEach((r, k) => {
      this.starts.push({ s0, t0, end: k === cfg.rates.length - 1 ? Infinity : r.endSample, rate: r.sampleRateHz });
      if (k < cfg.rates.length - 1) {
        t0 = t0 + (r.endSample - s0) / r.sampleRateHz;
        s0 = r.endSample;
      }
    });
  }
  /** Instant of 0-based sample i, s from the first sample. */
  at(i: number): number {
    const s = i + 1;
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (s > this.starts[m]!.end) lo = m + 1;
      else hi = m;
    }
    const g = this.starts[lo]!;
    return g.t0 + (s - g.s0) / g.rate;
  }
  /** Rate of the segment holding 0-based sample i. */
  rateAt(i: number): number {
    const s = i + 1;
    for (const g of this.starts) if (s <= g.end) return g.rate;
    return this.starts[this.starts.length - 1]!.rate;
  }
}

/** Moduli (timestamp units) of wrapping stamp counters. */
const WRAPS = [...Array.from({ length: 25 }, (_, k) => 2 ** (k + 8)), ...Array.from({ length: 7 }, (_, k) => 10 ** (k + 3))];

/** A discontinuity of the .dat timestamps (recordInput.ts TimestampGap). */
export interface Gap {
  sample: number;
  beforeS: number;
  afterS: number;
  missingS: number;
  /** Shift of the instants from this sample on (stamp time minus rate time). */
  shiftS: number;
}

/**
 * The timestamp-gap rule of recordInput.ts (recordTimes) fed one sample at a time:
 * stamps unwrapped, each step against 1/rate, steps beyond the tolerance kept as
 * candidate gaps; at the end, the stamps are believed only if most steps follow the
 * rates (the median deviation within the tolerance).
 */
export class GapFinder {
  private first = -1;
  private lift = 0;
  private prev = -1;
  private prevU = 0;
  private t0 = 0;
  private within = 0;
  private total = 0;
  private shift = 0;
  private readonly cands: Gap[] = [];
  private readonly unitS: number;
  constructor(private readonly times: RateTimes, timeMult: number) {
    this.unitS = Math.abs(timeMult) * 1e-6;
  }
  push(s: number, stampS: number): void {
    if (Number.isNaN(stampS)) return;
    let u = stampS + this.lift;
    if (this.first < 0) {
      this.first = s;
      this.t0 = u - this.times.at(s);
    }
    if (this.prev >= 0) {
      let step = u - this.prevU;
      const pNew = 1 / this.times.rateAt(s), pOld = 1 / this.times.rateAt(s - 1);
      const pick = (x: number): number => (Math.abs(x - pNew) <= Math.abs(x - pOld) ? pNew : pOld);
      let period = pick(step);
      let tol = Math.max(3 * period, 2 * this.unitS);
      if (step < 0 && this.unitS > 0) {
        const unit = this.unitS;
        const m = WRAPS.find((w) => Math.abs(step + w * unit - pick(step + w * unit)) <= Math.max(3 * pick(step + w * unit), 2 * unit));
        if (m !== undefined) {
          this.lift += m * unit;
          u = stampS + this.lift;
          step = u - this.prevU;
          period = pick(step);
          tol = Math.max(3 * period, 2 * unit);
        }
      }
      if (this.prev === s - 1) {
        this.total++;
        if (Math.abs(step - period) <= tol) this.within++;
        else if (this.cands.length < 100_000) {
          const beforeS = this.times.at(s - 1) + this.shift;
          const newShift = u - this.t0 - this.times.at(s);
          this.cands.push({ sample: s, beforeS, afterS: this.times.at(s) + newShift, missingS: step - period, shiftS: newShift });
          this.shift = newShift;
        }
      }
    }
    this.prev = s;
    this.prevU = u;
  }
  /** The gaps, or null when the stamps do not follow the rates (then they are ignored). */
  finish(): Gap[] | null {
    if (this.total === 0) return [];
    // The median deviation (recordTimes: dev[len >> 1] > 1) is beyond the tolerance when
    // at most half the steps are within it.
    if (this.within <= this.total >> 1) return null;
    return this.cands;
  }
}

/** Caches not yet closed (removed at exit whatever happened). */
const OPEN = new Set<ChannelCache>();
let exitHooked = false;

/**
 * The first pass's copy of some channels' raw values (float64, exact), so that later
 * passes over an ASCII record read binary instead of parsing its text again (the parse is
 * most of an ASCII record's time). A temporary file, never larger than the .dat itself
 * (else it is dropped and the text is read again), removed by close() or at exit.
 */
export class ChannelCache {
  private fd: number;
  private written = 0;
  private dropped = false;
  private samples = 0;
  readonly path: string;
  private readonly buf: Float64Array;
  constructor(readonly channels: number[], private readonly limitBytes: number, private readonly chunkSamples = 16384) {
    this.path = join(tmpdir(), `meternet-analyze-${process.pid}-${Math.random().toString(36).slice(2)}.bin`);
    this.fd = openSync(this.path, "w+");
    this.buf = new Float64Array(chunkSamples * channels.length);
    if (OPEN.size === 0 && !exitHooked) {
      process.once("exit", () => OPEN.forEach((c) => c.close()));
      exitHooked = true;
    }
    OPEN.add(this);
  }
  add(c: DatChunk): void {
    if (this.dropped) return;
    const nc = this.channels.length;
    for (let j = 0; j < c.count; j++) for (let q = 0; q < nc; q++) this.buf[j * nc + q] = c.analog[this.channels[q]!]![j]!;
    const bytes = c.count * nc * 8;
    if (this.written + bytes > this.limitBytes) {
      this.dropped = true;
      this.close();
      return;
    }
    writeSync(this.fd, new Uint8Array(this.buf.buffer, 0, bytes), 0, bytes, this.written);
    this.written += bytes;
    this.samples += c.count;
  }
  /** Usable for these channels (all cached, the cache complete)? */
  has(channels: number[]): boolean {
    return !this.dropped && this.fd >= 0 && channels.every((k) => this.channels.includes(k));
  }
  /** Streams the cached values of channels (as streamDat's chunks; no timestamps). */
  stream(channels: number[], onChunk: (c: DatChunk) => void): number {
    const nc = this.channels.length;
    const chunk: DatChunk = { first: 0, count: 0, timestamps: new Float64Array(0), analog: [] };
    for (const k of channels) chunk.analog[k] = new Float64Array(this.chunkSamples);
    const raw = new Float64Array(this.chunkSamples * nc);
    const cols = channels.map((k) => this.channels.indexOf(k));
    for (let s = 0; s < this.samples; s += this.chunkSamples) {
      const n = Math.min(this.chunkSamples, this.samples - s);
      readSync(this.fd, new Uint8Array(raw.buffer, 0, n * nc * 8), 0, n * nc * 8, s * nc * 8);
      channels.forEach((k, q) => {
        const a = chunk.analog[k]!, col = cols[q]!;
        for (let j = 0; j < n; j++) a[j] = raw[j * nc + col]!;
      });
      chunk.first = s;
      chunk.count = n;
      onChunk(chunk);
    }
    return this.samples;
  }
  close(): void {
    OPEN.delete(this);
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
    rmSync(this.path, { force: true });
  }
}
