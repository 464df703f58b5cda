/**
 * A KvStore of a fixed set of keys on the FRAM (issue 16: the aggregator's state files,
 * modules/aggregator/stateOnFram.ts): each key has its region of two slots of a header
 * and `bytes` of payload, written in turn as the meter's billing ring is
 * (billingStore.ts), so a power cut during a write leaves the old record or the new one,
 * never a mix.
 *
 * Slot: a 16-byte header, then the payload.
 *   0 "M" "R" key index, layout version; 4 payload length (u32 LE); 8 CRC (u32 LE);
 *   12 sequence number (u32 LE).
 * CRC: CRC-32 over the CRC-32s of the payload's 256-byte pieces (u32 LE each), so a
 * value written piece by piece (setBytes: the aggregator's typed arrays, never joined in
 * RAM) needs no running CRC and at most one 256-byte piece in RAM.
 *
 * A write goes to the slot whose sequence number is lower (or whose header is not ours):
 * the payload first, then the length and CRC, then the sequence number alone, last. On
 * FRAM a cut write leaves a prefix of the new bytes (modules/ports/fram.ts), so until the
 * sequence number is complete the slot reads older than the other one, and a torn
 * sequence number (new low bytes, old high bytes) is lower than the other slot's too.
 * A read takes the newer slot whose CRC holds, else the older one; a slot that fails
 * its CRC is counted (`damaged`). Keys without a region go to `rest` (another KvStore:
 * Storage on the device), so a store that also receives other keys keeps them.
 */
import { FramPort } from "../ports/fram";
import { KvStore } from "../ports/kvStore";

export const FRAM_RECORD_HEADER = 16;
const PIECE = 256;
const VERSION = 1;

export interface FramRecordSlot { key: string; bytes: number }

/** Bytes the regions of `slots` take: two slots of header + payload each. */
export function framRecordsBytes(slots: FramRecordSlot[]): number {
  let n = 0;
  for (let i = 0; i < slots.length; i++) n += 2 * (FRAM_RECORD_HEADER + slots[i].bytes);
  return n;
}

export interface FramRecordsIo {
  crc: (b: Uint8Array) => number;
  /** Bytes to a string of one char per byte (E.toString). */
  str: (b: Uint8Array) => string;
  /** A string of byte chars to bytes (E.toUint8Array). */
  bytes: (s: string) => Uint8Array;
}

export class FramRecords implements KvStore {
  /** Slots read whose CRC failed (a cut write, a damaged part), writes the bus refused. */
  damaged = 0;
  writeFails = 0;
  private at: { [key: string]: number } = {};
  private cap: { [key: string]: number } = {};
  private idx: { [key: string]: number } = {};
  private hdr = new Uint8Array(FRAM_RECORD_HEADER);

  constructor(private fram: FramPort, base: number, slots: FramRecordSlot[], private io: FramRecordsIo, private rest?: KvStore) {
    let a = base;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      this.at[s.key] = a;
      this.cap[s.key] = s.bytes;
      this.idx[s.key] = i;
      a += 2 * (FRAM_RECORD_HEADER + s.bytes);
    }
    if (a > fram.sizeBytes) throw new Error("FRAM records take " + (a - base) + " B from " + base + ", the part has " + fram.sizeBytes + " B");
  }

  /** Sequence number of slot k of key's region, -1 when its header is not one of ours or its length is impossible. */
  private seq(key: string, k: number): number {
    const h = this.fram.read(this.slot(key, k), FRAM_RECORD_HEADER);
    if (!(h[0] === 77 && h[1] === 82 && h[2] === this.idx[key] && h[3] === VERSION && u32(h, 4) <= this.cap[key])) return -1;
    return u32(h, 12);
  }

  private slot(key: string, k: number): number {
    return this.at[key] + k * (FRAM_RECORD_HEADER + this.cap[key]);
  }

  get(key: string): string | undefined {
    if (this.at[key] === undefined) return this.rest ? this.rest.get(key) : undefined;
    const s0 = this.seq(key, 0), s1 = this.seq(key, 1);
    const order = s1 > s0 ? [1, 0] : [0, 1];
    for (let i = 0; i < 2; i++) {
      if ((order[i] ? s1 : s0) < 0) continue;
      const v = this.load(this.slot(key, order[i]));
      if (v !== undefined) return v;
      this.damaged++;
    }
    return undefined;
  }

  /** The payload of the slot at `a` when its CRC holds. */
  private load(a: number): string | undefined {
    const h = this.fram.read(a, FRAM_RECORD_HEADER), n = u32(h, 4);
    const crcs = new Uint32Array(Math.ceil(n / PIECE));
    let s = "";
    for (let o = 0, k = 0; o < n; o += PIECE, k++) {
      const b = this.fram.read(a + FRAM_RECORD_HEADER + o, Math.min(PIECE, n - o));
      crcs[k] = this.io.crc(b);
      s += this.io.str(b);
    }
    return this.io.crc(new Uint8Array(crcs.buffer)) === u32(h, 8) ? s : undefined;
  }

  set(key: string, value: string): boolean {
    if (this.at[key] === undefined) return this.rest ? this.rest.set(key, value) : false;
    const parts: Uint8Array[] = [];
    for (let o = 0; o < value.length; o += PIECE) parts.push(this.io.bytes(value.substr(o, PIECE)));
    return this.setBytes(key, parts);
  }

  setBytes(key: string, parts: Uint8Array[]): boolean {
    if (this.at[key] === undefined) return this.rest ? (this.rest.setBytes ? this.rest.setBytes(key, parts) : false) : false;
    let n = 0;
    for (let i = 0; i < parts.length; i++) n += parts[i].length;
    if (n > this.cap[key]) return false;
    const s0 = this.seq(key, 0), s1 = this.seq(key, 1);
    const a = this.slot(key, s0 > s1 ? 1 : 0);
    const crcs = new Uint32Array(Math.ceil(n / PIECE));
    const buf = new Uint8Array(PIECE);
    let fill = 0, off = 0, k = 0, ok = true;
    // the parts' bytes in 256-byte pieces of the payload, each written as it fills
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      for (let j = 0; j < p.length;) {
        const m = Math.min(PIECE - fill, p.length - j);
        buf.set(p.subarray(j, j + m), fill);
        fill += m;
        j += m;
        if (fill === PIECE || off + fill === n) {
          const b = buf.subarray(0, fill);
          crcs[k++] = this.io.crc(b);
          if (!this.fram.write(a + FRAM_RECORD_HEADER + off, b)) ok = false;
          off += fill;
          fill = 0;
        }
      }
    }
    const h = this.hdr;
    h[0] = 77; h[1] = 82; h[2] = this.idx[key]; h[3] = VERSION;
    put32(h, 4, n);
    put32(h, 8, this.io.crc(new Uint8Array(crcs.buffer)));
    put32(h, 12, Math.max(s0, s1, 0) + 1);
    // the sequence number last and alone: the slot is the newer one only once all is there
    if (!ok || !this.fram.write(a, h.subarray(0, 12)) || !this.fram.write(a + 12, h.subarray(12))) {
      this.writeFails++;
      return false;
    }
    return true;
  }
}

function u32(b: Uint8Array, at: number): number {
  return (b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24) >>> 0;
}

function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 255;
  b[at + 1] = (v >>> 8) & 255;
  b[at + 2] = (v >>> 16) & 255;
  b[at + 3] = v >>> 24;
}
