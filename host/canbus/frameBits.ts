/**
 * The bits a CAN 2.0 frame puts on the wire (ISO 11898-1:2015, clause 10.4), so that
 * the virtual bus charges every frame its exact duration instead of an estimate.
 *
 * Bit values: 0 = dominant, 1 = recessive. Stuffing covers SOF..end of CRC sequence
 * and is computed on the actual bit sequence (a stuff bit starts the next run), which
 * is why two frames of the same DLC can differ by up to 24 bits.
 */
import type { CanFrame } from "../../modules/can/frame.ts";

/** ISO 11898-1 CRC-15 generator x^15+x^14+x^10+x^8+x^7+x^4+x^3+1. */
export const CAN_CRC15_POLY = 0x4599;

/** Fixed recessive tail: CRC delimiter, ACK slot (as sent), ACK delimiter, 7 EOF bits. */
export const TAIL_BITS = 1 + 1 + 1 + 7;
export const IFS_BITS = 3;
/** Error flag (6) plus the other nodes' superposed flags (up to 6) and the delimiter (8). */
export const ERROR_FLAG_BITS = 6;
export const ERROR_ECHO_BITS = 6;
export const ERROR_DELIMITER_BITS = 8;
/** An error-passive transmitter waits this long after the IFS before it may start again. */
export const SUSPEND_TRANSMISSION_BITS = 8;

function pushBits(out: number[], value: number, width: number): void {
  for (let i = width - 1; i >= 0; i--) out.push((value >>> i) & 1);
}

/** CRC-15 over a bit sequence, as the ISO 11898-1 shift-register algorithm. */
export function crc15(bits: ArrayLike<number>): number {
  let crc = 0;
  for (let i = 0; i < bits.length; i++) {
    const next = (bits[i] & 1) ^ ((crc >> 14) & 1);
    crc = (crc << 1) & 0x7fff;
    if (next) crc ^= CAN_CRC15_POLY;
  }
  return crc;
}

/**
 * The arbitration field as transmitted after SOF: standard = ID(11) RTR IDE(0);
 * extended = base ID(11) SRR(1) IDE(1) ID-ext(18) RTR. Comparing these sequences
 * bit by bit (dominant wins) is CAN arbitration, including "standard beats extended
 * with the same base identifier" and "data beats remote with the same identifier".
 */
export function arbitrationBits(f: CanFrame): number[] {
  const out: number[] = [];
  if (f.extended) {
    pushBits(out, (f.id >>> 18) & 0x7ff, 11);
    out.push(1, 1);
    pushBits(out, f.id & 0x3ffff, 18);
    out.push(f.rtr ? 1 : 0);
  } else {
    pushBits(out, f.id, 11);
    out.push(f.rtr ? 1 : 0, 0);
  }
  return out;
}

/**
 * Negative when `a` wins arbitration over `b`, positive when `b` wins, 0 when both
 * send identical arbitration fields (two nodes with the same identifier: an error on
 * a real bus, see bus.ts).
 */
export function compareArbitration(a: CanFrame, b: CanFrame): number {
  const x = arbitrationBits(a);
  const y = arbitrationBits(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** SOF..end of data field, unstuffed: what the CRC is computed over. */
export function headerAndDataBits(f: CanFrame): number[] {
  const out: number[] = [0];
  const arb = arbitrationBits(f);
  for (const b of arb) out.push(b);
  // standard: r0 ; extended: r1 r0 (IDE already in the arbitration field)
  if (f.extended) out.push(0, 0);
  else out.push(0);
  pushBits(out, f.dlc, 4);
  if (!f.rtr) for (let i = 0; i < f.data.length; i++) pushBits(out, f.data[i], 8);
  return out;
}

/** SOF..end of CRC sequence, unstuffed. */
export function unstuffedBits(f: CanFrame): number[] {
  const out = headerAndDataBits(f);
  pushBits(out, crc15(out), 15);
  return out;
}

/** Inserts a complement bit after every 5 equal bits; stuff bits count in the next run. */
export function stuff(bits: ArrayLike<number>): number[] {
  const out: number[] = [];
  let run = 0;
  let last = -1;
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    out.push(b);
    if (b === last) run++;
    else {
      last = b;
      run = 1;
    }
    if (run === 5) {
      const s = 1 - b;
      out.push(s);
      last = s;
      run = 1;
    }
  }
  return out;
}

export interface FrameBitLayout {
  /** SOF..CRC after stuffing: what a bit error can hit and what stuffing lengthens. */
  stuffedBits: number[];
  stuffBits: number;
  crc: number;
  /** Frame length from SOF to the last EOF bit. */
  frameBits: number;
  /** frameBits plus the 3-bit interframe space: the bus time one frame occupies. */
  slotBits: number;
}

export function frameLayout(f: CanFrame): FrameBitLayout {
  const raw = unstuffedBits(f);
  const stuffed = stuff(raw);
  const crcBits = raw.slice(raw.length - 15);
  let crc = 0;
  for (const b of crcBits) crc = (crc << 1) | b;
  const frameBits = stuffed.length + TAIL_BITS;
  return { stuffedBits: stuffed, stuffBits: stuffed.length - raw.length, crc: crc, frameBits: frameBits, slotBits: frameBits + IFS_BITS };
}

/** Bits from SOF to the end of EOF, stuff bits included. */
export function frameBitLength(f: CanFrame): number {
  return frameLayout(f).frameBits;
}

/**
 * Worst-case frame length with interframe space (Davis, Burns, Bril, Lukkien 2007):
 * 8*dlc + g + 13 + floor((g + 8*dlc - 1) / 4) with g = 34 (standard) or 54 (extended).
 */
export function worstCaseSlotBits(dlc: number, extended: boolean, rtr: boolean): number {
  const g = extended ? 54 : 34;
  const d = rtr ? 0 : 8 * dlc;
  return d + g + 13 + Math.floor((g + d - 1) / 4);
}
