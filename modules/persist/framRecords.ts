/**
 * A KvStore of a fixed set of keys on the FRAM (issue 16: the aggregator's state files,
 * modules/aggregator/stateOnFram.ts): each key has its region of two slots of a header
 * and `bytes` of payload, written in turn as the meter's billing ring is
 * (billingStore.ts), so a power cut during a write leaves the old record or the new one,
 * never a mix.
 *
 * Slot: a 12-byte header, then the payload: 0 payload length, 4 CRC, 8 sequence number
 * (u32 LE each). CRC: the CRC-32 of the CRC-32s (u32 LE) of the payload's 256-byte pieces,
 * so neither side holds more than a piece (E.CRC32 has no running form). The writer
 * writes the parts (setBytes: the aggregator's typed arrays, never joined in RAM) in
 * pieces of at most 256 bytes, then reads the payload back piece by piece for the CRC:
 * what is checked is what the part holds.
 *
 * A write goes to the slot whose sequence number is lower (or whose length is impossible):
 * the payload first, then the length and CRC, then the sequence number alone, last. On
 * FRAM a cut write leaves a prefix of the new bytes (modules/ports/fram.ts), so until the
 * sequence number is complete the slot reads older than the other one, and a torn
 * sequence number (new low bytes, old high bytes) is lower than the other slot's too.
 * A read takes the newer slot whose CRC holds, else the older one; a slot that fails
 * its CRC is counted (`damaged`). A key without a region is neither read nor written.
 */
import { FramPort } from "../ports/fram";
import { KvStore } from "../ports/kvStore";

export const FRAM_RECORD_HEADER = 12;
const PIECE = 256;

/** [key, payload bytes of a slot] (a pair, not an object: fewer bytes in the aggregator's full Storage). */
export type FramRecordSlot = [string, number];

/** Bytes the regions of `slots` take: two slots of header + payload each. */
export function framRecordsBytes(slots: FramRecordSlot[]): number {
  let n = 0;
  for (let i = 0; i < slots.length; i++) n += 2 * (FRAM_RECORD_HEADER + slots[i][1]);
  return n;
}

export interface FramRecordsIo {
  crc: (b: Uint8Array) => number;
  /** Bytes to a string of one char per byte (E.toString). */
  str: (b: Uint8Array) => string;
  /** A string of byte chars to bytes (E.toUint8Array). */
  bytes: (s: string) => Uint8Array;
}

/** The store: a KvStore of the slots' keys, and how many slots failed their CRC when read. */
export interface FramRecords extends KvStore {
  /** Slots whose CRC failed when read (a damaged part; a cut write is never read first). */
  damaged: number;
  setBytes(key: string, parts: Uint8Array[]): boolean;
}

/**
 * The store over `fram` from `base`: one function with its helpers declared inside, not a
 * class, so that a caller that builds it for one save or one restore and lets it go
 * (the aggregator's board wiring, modules/ports/device/boardFram.ts) keeps none of its
 * functions in RAM between saves (issue 16: a class's methods stay resident). Throws when
 * the regions do not fit the part.
 */
export function framRecords(fram: FramPort, base: number, slots: FramRecordSlot[], io: FramRecordsIo): FramRecords {
  /** key -> [first byte of its region, payload bytes of a slot]. */
  const regions: { [key: string]: number[] } = {};
  for (let i = 0; i < slots.length; i++) {
    regions[slots[i][0]] = [base, slots[i][1]];
    base += 2 * (FRAM_RECORD_HEADER + slots[i][1]);
  }
  if (base > fram.sizeBytes) throw new Error("FRAM too small");

  function u32(b: Uint8Array, at: number): number {
    return (b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24) >>> 0;
  }

  function put32(b: Uint8Array, at: number, v: number): void {
    b[at] = v & 255;
    b[at + 1] = (v >>> 8) & 255;
    b[at + 2] = (v >>> 16) & 255;
    b[at + 3] = v >>> 24;
  }

  /** Slot k's address, length, sequence number (-1: an impossible length or 0: nothing there) and CRC. */
  function head(r: number[], k: number): number[] {
    const a = r[0] + k * (FRAM_RECORD_HEADER + r[1]);
    const h = fram.read(a, FRAM_RECORD_HEADER), n = u32(h, 0);
    const q = u32(h, 8);
    return [a, n, n <= r[1] && q > 0 ? q : -1, u32(h, 4)];
  }

  /** The payload at `a` (n bytes) read piece by piece: its CRC, and its text when `text`. */
  function scan(a: number, n: number, text: boolean): (number | string)[] {
    const crcs = new Uint32Array(Math.ceil(n / PIECE));
    let s = "";
    for (let o = 0; o < n; o += PIECE) {
      const b = fram.read(a + o, Math.min(PIECE, n - o));
      crcs[o / PIECE] = io.crc(b);
      if (text) s += io.str(b);
    }
    return [io.crc(new Uint8Array(crcs.buffer)), s];
  }

  function setBytes(key: string, parts: Uint8Array[]): boolean {
    const r = regions[key];
    let n = 0;
    for (let i = 0; i < parts.length; i++) n += parts[i].length;
    if (!r || n > r[1]) return false;
    const h0 = head(r, 0), h1 = head(r, 1);
    const a = (h0[2] > h1[2] ? h1 : h0)[0];
    // in pieces: the driver copies what it sends (its command and the bytes)
    for (let i = 0, o = a + FRAM_RECORD_HEADER; i < parts.length; o += parts[i++].length) {
      for (let k = 0; k < parts[i].length; k += PIECE) if (!fram.write(o + k, parts[i].subarray(k, k + PIECE))) return false;
    }
    const h = new Uint8Array(FRAM_RECORD_HEADER);
    put32(h, 0, n);
    put32(h, 4, scan(a + FRAM_RECORD_HEADER, n, false)[0] as number);
    put32(h, 8, Math.max(h0[2], h1[2], 0) + 1);
    // the sequence number last and alone: the slot is the newer one only once all is there
    return fram.write(a, h.subarray(0, 8)) && fram.write(a + 8, h.subarray(8));
  }

  const store: FramRecords = {
    damaged: 0,
    get: function (key: string): string | undefined {
      const r = regions[key];
      if (!r) return undefined;
      const h0 = head(r, 0), h1 = head(r, 1);
      const hs = h1[2] > h0[2] ? [h1, h0] : [h0, h1];
      for (let i = 0; i < 2; i++) {
        const h = hs[i];
        if (h[2] < 0) continue;
        const v = scan(h[0] + FRAM_RECORD_HEADER, h[1], true);
        if (v[0] === h[3]) return v[1] as string;
        store.damaged++;
      }
      return undefined;
    },
    set: function (key: string, value: string): boolean {
      return setBytes(key, [io.bytes(value)]);
    },
    setBytes: setBytes,
  };
  return store;
}
