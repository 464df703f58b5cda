// The data (.dat, or a .cff's DAT section) read in chunks of samples, so that a record of
// any length is read in memory that does not grow with it (`meternet analyze` reads a
// record twice this way: host/analyze/recordScan.ts). Same formats, missing-data markers,
// errors (file:line: sample n: ...) and warnings as datRead.ts, which reads it whole.
import { closeSync, openSync, readSync } from "node:fs";
import { ComtradeFormatError } from "./formatError.ts";
import { recordBytes, analogWidth } from "./datRead.ts";
import type { ComtradeConfig } from "./types.ts";

/** Where the data is: a file (from offset, length bytes) or bytes already in memory (.cff). */
export type DatSource = { kind: "file"; path: string; offset: number; length: number } | { kind: "bytes"; bytes: Uint8Array };

export interface DatChunk {
  /** 0-based index of the chunk's first sample, and how many it holds. */
  first: number;
  count: number;
  /** Timestamps in the file's units, NaN where missing. */
  timestamps: Float64Array;
  /** Raw values (before a*x+b) of the channels asked for, NaN where missing; undefined for the others.
   *  The arrays are reused for the next chunk: copy what must outlive the callback. */
  analog: (Float64Array | undefined)[];
}

const CHUNK_BYTES = 1 << 20;
/** ASCII text is read in smaller blocks: each becomes a string and its lines' fields, garbage the heap holds until collected. */
const ASCII_BLOCK_BYTES = 1 << 18;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * An ASCII field as a number: NaN when empty (missing), undefined when it is not a
 * decimal number (as datRead.ts's NUMBER). Number() does the work; the forms it takes that
 * COMTRADE does not (0x, 0o, 0b prefixes, Infinity) go through the pattern.
 */
function number(s: string): number | undefined {
  const x = +s;
  if (Number.isNaN(x)) return s.trim() === "" ? NaN : undefined;
  if (x === 0 && s.trim() === "") return NaN;
  if (!Number.isFinite(x) || /[xXoObB]/.test(s)) return NUMBER.test(s.trim()) ? Number(s.trim()) : undefined;
  return x;
}

/** Reads blockBytes at a time from the source (one buffer, reused); calls back with each block. */
function readBlocks(src: DatSource, onBlock: (b: Uint8Array, last: boolean) => void, blockBytes = CHUNK_BYTES): void {
  if (src.kind === "bytes") {
    for (let o = 0; o < src.bytes.length || o === 0; o += blockBytes) {
      onBlock(src.bytes.subarray(o, Math.min(src.bytes.length, o + blockBytes)), o + blockBytes >= src.bytes.length);
      if (src.bytes.length === 0) break;
    }
    return;
  }
  const fd = openSync(src.path, "r");
  try {
    const buf = new Uint8Array(blockBytes);
    let done = 0;
    while (done < src.length) {
      const want = Math.min(blockBytes, src.length - done);
      const n = readSync(fd, buf, 0, want, src.offset + done);
      if (n <= 0) break;
      done += n;
      onBlock(buf.subarray(0, n), done >= src.length);
    }
    if (src.length === 0) onBlock(new Uint8Array(0), true);
  } finally {
    closeSync(fd);
  }
}

/**
 * Streams the samples: channels lists the analog channels (0-based) whose values are
 * wanted. Returns the number of samples. Binary: a partial trailing record is reported
 * through warn. ASCII: blank lines are skipped; line numbers count from firstLine.
 */
export function streamDat(src: DatSource, cfg: ComtradeConfig, file: string, firstLine: number, channels: number[], onChunk: (c: DatChunk) => void, warn: (w: string) => void, chunkSamples = 16384): number {
  const nA = cfg.analog.length, nD = cfg.digital.length;
  const want = new Array<boolean>(nA).fill(false);
  for (const c of channels) want[c] = true;
  // One chunk, refilled: the callback must not keep its arrays (memory stays one chunk's).
  const chunk: DatChunk = { first: 0, count: 0, timestamps: new Float64Array(chunkSamples), analog: want.map((w) => (w ? new Float64Array(chunkSamples) : undefined)) };
  let count = 0;
  const emit = (): void => {
    if (chunk.count === 0) return;
    onChunk(chunk);
    chunk.first = count;
    chunk.count = 0;
  };
  if (cfg.dataFormat !== "ASCII") {
    const size = recordBytes(cfg, cfg.dataFormat);
    const width = analogWidth(cfg.dataFormat);
    // Blocks of whole records: no record straddles two (readSync fills each block fully but the last).
    let total = 0, left = 0;
    readBlocks(src, (bytes) => {
      total += bytes.length;
      const n = Math.floor(bytes.length / size);
      left = bytes.length - n * size;
      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let k = 0; k < n; k++) {
        const o = k * size;
        const ts = dv.getUint32(o + 4, true);
        const j = chunk.count;
        chunk.timestamps[j] = ts === 0xffffffff ? NaN : ts;
        for (let c = 0; c < nA; c++) {
          const a = chunk.analog[c];
          if (!a) continue;
          const p = o + 8 + c * width;
          let x: number;
          if (cfg.dataFormat === "BINARY") {
            x = dv.getInt16(p, true);
            if (x === -32768) x = NaN;
          } else if (cfg.dataFormat === "BINARY32") {
            x = dv.getInt32(p, true);
            if (x === -2147483648) x = NaN;
          } else x = dv.getFloat32(p, true);
          a[j] = x;
        }
        chunk.count++;
        count++;
        if (chunk.count === chunkSamples) emit();
      }
    }, Math.max(1, Math.floor(CHUNK_BYTES / size)) * size);
    if (left) warn(`${file}: ${total} bytes is not a whole number of ${size}-byte records (${count} records and ${left} bytes left over, ignored)`);
    emit();
    return count;
  }
  // ASCII: lines split across blocks are carried; a CR at a block's end waits for its LF.
  let rest = "";
  let lineNo = firstLine;
  const missing99999 = cfg.rev !== 1991;
  const onLine = (line: string): void => {
    const where = lineNo++;
    if (line.length === 0 || line.trim() === "") return;
    const f = line.split(",");
    if (f.length === 2 + nA + nD + 1 && f[f.length - 1]!.trim() === "") f.pop();
    if (f.length !== 2 + nA + nD) failAt(where, count, `has ${f.length} fields, expected ${2 + nA + nD} (n, timestamp, ${nA} analog, ${nD} digital)`);
    const sn = f[0]!.trim();
    if (!/^\d+$/.test(sn)) failAt(where, count, `field 'n' (sample number) is '${sn}', expected an integer`);
    const j = chunk.count;
    const ts = number(f[1]!);
    if (ts === undefined) failAt(where, count, `field 'timestamp' is '${f[1]!.trim()}', expected a number`);
    chunk.timestamps[j] = ts!;
    for (let c = 0; c < nA; c++) {
      const a = chunk.analog[c];
      if (!a) continue;
      let x = number(f[2 + c]!);
      if (x === undefined) failAt(where, count, `analog channel ${c + 1} (${cfg.analog[c]!.id}) is '${f[2 + c]!.trim()}', expected a number`);
      if (missing99999 && x === 99999) x = NaN;
      a[j] = x!;
    }
    for (let c = 0; c < nD; c++) {
      const d = f[2 + nA + c]!;
      if (d !== "0" && d !== "1" && d.trim() !== "0" && d.trim() !== "1" && d.trim() !== "") failAt(where, count, `digital channel ${c + 1} (${cfg.digital[c]!.id}) is '${d.trim()}', expected 0 or 1`);
    }
    chunk.count++;
    count++;
    if (chunk.count === chunkSamples) emit();
  };
  const failAt = (where: number, n: number, detail: string): never => {
    throw new ComtradeFormatError(file, where, `sample ${n + 1}: ${detail}`);
  };
  readBlocks(src, (block, last) => {
    let text = rest + Buffer.from(block.buffer, block.byteOffset, block.byteLength).toString("latin1");
    if (last) text = text.replace(/\x1a+\s*$/, "");
    let hold = "";
    if (!last && text.endsWith("\r")) {
      hold = "\r";
      text = text.slice(0, -1);
    }
    const lines = text.split(/\r\n|\n|\r/);
    rest = last ? "" : lines.pop()! + hold;
    if (last) while (lines.length > 0 && lines[lines.length - 1]!.trim() === "") lines.pop();
    for (const l of lines) onLine(l);
  }, ASCII_BLOCK_BYTES);
  emit();
  return count;
}
