/**
 * An attacker's frame factory for tests: everything a node with raw bus access can
 * do without the keys. Works on captured frames; never knows a key.
 */
import { CanFrame, dataFrame } from "../frame";
import { MAC_OFFSET, FV_BYTE } from "../messages";

/** Deterministic PRNG (LCG) so a forged-MAC run is reproducible. */
export class Lcg {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0; }
  byte(): number {
    this.s = (this.s * 1664525 + 1013904223) % 4294967296; // exact: below 2^53
    return this.s >>> 24;
  }
}

export function copyOf(f: CanFrame): CanFrame {
  return { id: f.id, extended: f.extended, rtr: f.rtr, dlc: f.dlc, data: new Uint8Array(f.data) };
}

/** The frame with every freshness low byte 0..255 and a random MAC. */
export function forgedMacs(f: CanFrame, rng: Lcg): CanFrame[] {
  const out: CanFrame[] = [];
  for (let fv = 0; fv < 256; fv++) {
    const g = copyOf(f);
    g.data[FV_BYTE] = fv;
    for (let i = MAC_OFFSET; i < 8; i++) g.data[i] = rng.byte();
    out.push(g);
  }
  return out;
}

/** 64 copies, each with one payload bit flipped. */
export function bitFlips(f: CanFrame): CanFrame[] {
  const out: CanFrame[] = [];
  for (let b = 0; b < f.dlc * 8; b++) {
    const g = copyOf(f);
    g.data[b >> 3] ^= 1 << (b & 7);
    out.push(g);
  }
  return out;
}

/** The payload cut to 0..dlc-1 bytes (a well-formed frame with a short DLC). */
export function truncations(f: CanFrame): CanFrame[] {
  const out: CanFrame[] = [];
  for (let n = 0; n < f.dlc; n++) out.push(dataFrame(f.id, new Uint8Array(f.data.subarray(0, n))));
  return out;
}

/** The frame with its freshness byte moved back by 1..n (MAC kept). */
export function freshnessRollbacks(f: CanFrame, n: number): CanFrame[] {
  const out: CanFrame[] = [];
  for (let k = 1; k <= n; k++) {
    const g = copyOf(f);
    g.data[FV_BYTE] = (g.data[FV_BYTE] - k + 256) % 256;
    out.push(g);
  }
  return out;
}
