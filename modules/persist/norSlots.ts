/**
 * Fixed-size records on the SPI NOR (modules/ports/nor.ts) that survive a power cut at
 * any point of a write: `count` slots, each a PAIR of 4 KB sectors from `base`; slot s
 * holds the newest record written to it, key and all (the aggregator's history:
 * profile intervals, closed days; modules/aggregator/historyOnNor.ts).
 *
 * A write goes to the sector of the pair that does not hold the slot's newest valid
 * record (an invalid or empty one first, else the older): erase it, program the header
 * less its first byte and the payload page by page, then program the first byte (the
 * commit mark, 0xFF -> 0x00) alone. So the slot's previous record stays whole until the
 * new one is committed: a cut in the erase or the programs leaves a sector without the
 * mark (or an old record of a lower sequence number), and readers take the other.
 *
 * Header (24 bytes): 0 commit (0x00), 1 format 0x4E, 2-3 payload bytes (LE), 4 key,
 * 8 ~key, 12 sequence, 16 ~sequence (Int32 LE), 20 CRC-32 of the payload, then the
 * payload. A cut erase only sets bits, so a half-erased header cannot keep both a
 * number and its complement: it reads as invalid, not as another key or a newer record.
 * find() checks the header only (a profile page reads one value of a record per call);
 * read() checks the payload's CRC too, reading it into the caller's buffer (a bill reads
 * a day after another into the store's one day of scratch: nothing allocated per day) in pieces of
 * READ_PIECE_BYTES: on Espruino each NOR read allocates its command and SPI1.send's answer,
 * so a whole 64-meter day (1 536 B) read at once took two contiguous 1.5 KB blocks a day.
 *
 * One function with its helpers inside, not a class: the aggregator builds its slots for
 * one task and lets them go (modules/ports/device/boardNor.ts), so between tasks none of
 * their functions are in RAM (a class's methods stay resident: issue 16). Held for good,
 * an instance costs more than a class's would (its own function objects).
 *
 * Wear: each write erases one sector; a slot written once a day erases each of its two
 * sectors every other day (0.5 a day: 100 000 cycles last 547 years).
 */
import { NorPort, NOR_SECTOR_BYTES, NOR_PAGE_BYTES } from "../ports/nor";

export const NOR_SLOT_HEADER_BYTES = 24;
const FORMAT = 0x4e;
/** Largest NOR read of a payload: bounds what one read allocates (twice this, plus 8 B, on the device). */
export const READ_PIECE_BYTES = 128;

/** Records in NOR slots: write, find and read as below; `lastKey` is the key the last find() or read() found. */
export interface NorSlots {
  readonly nor: NorPort;
  readonly count: number;
  readonly payloadBytes: number;
  lastKey: number;
  /**
   * Writes `payload` (payloadBytes long) as slot `slot`'s newest record, with `key` (an
   * int32: a day number, an interval number). False when the NOR failed.
   */
  write(slot: number, key: number, payload: Uint8Array): boolean;
  /**
   * The NOR address of slot `slot`'s newest committed record's payload when its key is
   * `key` (-1: any key, then lastKey says which), else -1. Checks the header, not the CRC.
   */
  find(slot: number, key: number): number;
  /**
   * Reads slot `slot`'s newest committed record into `into` (payloadBytes long) and
   * returns it when its CRC holds, else null (`into` then undefined); lastKey: its key.
   */
  read(slot: number, into: Uint8Array): Uint8Array | null;
}

/** `count` slots of `payloadBytes` (at most 4 072) from `base` (sector-aligned) on `nor`; crc: CRC-32 of a byte array (E.CRC32). */
export function norSlots(nor: NorPort, base: number, count: number, payloadBytes: number, crc: (b: Uint8Array) => number): NorSlots {
  if (base % NOR_SECTOR_BYTES || payloadBytes < 1 || NOR_SLOT_HEADER_BYTES + payloadBytes > NOR_SECTOR_BYTES || base + count * 2 * NOR_SECTOR_BYTES > nor.sizeBytes) {
    throw new Error("NOR slots: " + count + " x 2 sectors of " + payloadBytes + " B at " + base + " do not fit the part");
  }
  // the pair being looked at: sequence number (-1: no valid record) and key of each sector
  let s0 = -1, s1 = -1, k0 = 0, k1 = 0;

  function i32(b: Uint8Array, o: number): number {
    return b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24;
  }

  function put32(b: Uint8Array, o: number, v: number): void {
    b[o] = v;
    b[o + 1] = v >> 8;
    b[o + 2] = v >> 16;
    b[o + 3] = v >> 24;
  }

  /** Reads both headers of the slot's pair: which holds the newest valid record (0, 1), or -1 for neither. */
  function look(slot: number): number {
    for (let k = 0; k < 2; k++) {
      const h = nor.read(base + (2 * slot + k) * NOR_SECTOR_BYTES, 20);
      const ok = h[0] === 0 && h[1] === FORMAT && (h[2] | h[3] << 8) === payloadBytes && (i32(h, 4) ^ i32(h, 8)) === -1 && (i32(h, 12) ^ i32(h, 16)) === -1 && i32(h, 12) >= 0;
      const seq = ok ? i32(h, 12) : -1;
      if (k) { s1 = seq; k1 = i32(h, 4); } else { s0 = seq; k0 = i32(h, 4); }
    }
    return s0 < 0 && s1 < 0 ? -1 : s0 >= s1 ? 0 : 1;
  }

  const slots: NorSlots = {
    nor: nor,
    count: count,
    payloadBytes: payloadBytes,
    lastKey: -1,
    write: function (slot: number, key: number, payload: Uint8Array): boolean {
      const n = look(slot);
      // the victim: not the newest valid record; the new sequence number follows the higher one
      const v = n < 0 ? (s0 < 0 ? 0 : 1) : 1 - n;
      const seq = Math.max(s0, s1) + 1;
      const a = base + (2 * slot + v) * NOR_SECTOR_BYTES;
      const len = payloadBytes;
      const h = new Uint8Array(NOR_SLOT_HEADER_BYTES);
      h[0] = 0xff;
      h[1] = FORMAT;
      h[2] = len;
      h[3] = len >> 8;
      put32(h, 4, key);
      put32(h, 8, ~key);
      put32(h, 12, seq);
      put32(h, 16, ~seq);
      put32(h, 20, crc(payload));
      if (!nor.erase(a) || !nor.program(a + 1, h.subarray(1))) return false;
      // the payload in pieces that stay inside 256-byte pages
      for (let off = 0; off < len;) {
        const at = a + NOR_SLOT_HEADER_BYTES + off;
        const end = Math.min(len, off + NOR_PAGE_BYTES - (at % NOR_PAGE_BYTES));
        if (!nor.program(at, payload.subarray(off, end))) return false;
        off = end;
      }
      return nor.program(a, new Uint8Array(1)); // the commit mark, last
    },
    find: function (slot: number, key: number): number {
      const n = look(slot);
      const k = n === 0 ? k0 : k1;
      if (n < 0 || (key !== -1 && k !== key)) return -1;
      slots.lastKey = k;
      return base + (2 * slot + n) * NOR_SECTOR_BYTES + NOR_SLOT_HEADER_BYTES;
    },
    read: function (slot: number, into: Uint8Array): Uint8Array | null {
      const a = slots.find(slot, -1);
      if (a < 0) return null;
      const crcWas = i32(nor.read(a - 4, 4), 0);
      for (let off = 0; off < payloadBytes; off += READ_PIECE_BYTES) into.set(nor.read(a + off, Math.min(READ_PIECE_BYTES, payloadBytes - off)), off);
      return (crc(into) | 0) === crcWas ? into : null;
    },
  };
  return slots;
}
