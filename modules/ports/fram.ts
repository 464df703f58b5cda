/**
 * Byte-addressed non-volatile memory port: the meter's I2C FRAM (Fujitsu MB85RC64TA,
 * 8 KB, byte-writable, no write delay, 10^13 writes per byte). Device: Espruino's I2C
 * (ports/device/fram.ts); host: a byte array that can lose power after any write or in
 * the middle of one (host/runtime/fram.ts). One contract suite runs on both
 * (modules/ports/fram.test.ts).
 *
 * A write either reaches the part byte by byte in address order or stops at a power cut:
 * on FRAM each byte is stored as it is clocked in, so a cut leaves a prefix of the new
 * bytes followed by the old ones (a "torn" write). Callers protect records with a CRC.
 */
export interface FramPort {
  /** Capacity in bytes. */
  readonly sizeBytes: number;
  /** `n` bytes from `addr`; throws an Error naming the range when it is outside the part or the bus fails. */
  read(addr: number, n: number): Uint8Array;
  /** Writes `data` at `addr`; false when the bus failed (no acknowledge), throws on a range outside the part. */
  write(addr: number, data: Uint8Array): boolean;
}

/** Throws unless [addr, addr + n) lies inside a part of `size` bytes. */
export function checkRange(addr: number, n: number, size: number): void {
  if (!(addr >= 0 && n >= 0 && addr + n <= size && addr === Math.floor(addr))) {
    throw new Error("FRAM range " + addr + "+" + n + " outside 0.." + size);
  }
}
