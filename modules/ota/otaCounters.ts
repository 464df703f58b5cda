/**
 * The meter's two OTA counters on its FRAM (issue 18): the security counter of the last
 * manifest it accepted (anti-rollback: the C refuses one not above it) and the counter
 * of a transfer under way ("receiving N": after a restart the manifest with counter N is
 * accepted once more and starts over; 0 when none).
 *
 * Layout (host/native/otaPowerCut.test.ts models the same bytes): two copies of 16 bytes
 * at OTA_COUNTERS_AT, each [seq u32, stored u32, restart u32, crc u32] big-endian, the
 * CRC-32 (E.CRC32) over the first 12 bytes. A write goes over the older copy, so a write
 * torn by a power cut leaves the other one in force; the copy with the higher seq wins.
 * After the billing ring (0..255), the boot record (256, otaBoot.c) and the slots' size
 * and hash (288).
 */
import type { FramPort } from "../ports/fram";

export const OTA_COUNTERS_AT = 384;

/**
 * The counters in force, or a write of the next record: one function with its helper
 * declared inside, so that on the meter it is built into the one place that calls it
 * (meterOta.ts's events callback) and nothing of it stays resident between events
 * (a top-level function is 6-8 JsVars for good; a nested one exists only during the call).
 *
 * write null: [seq, stored, restart] in force, the valid copy with the higher seq
 * ([0, 0, 0] on a new meter). write [stored, restart]: writes them as the next record over
 * the older copy and returns null when the FRAM did not acknowledge, else the record.
 */
export function otaCounters(fram: FramPort, crc32: (b: Uint8Array) => number, write: number[] | null): number[] | null {
  // [seq, stored, restart] of copy k, or null when its CRC fails (big-endian words, no DataView: the meter images compile it out)
  const copyAt = function (k: number): number[] | null {
    const b = fram.read(OTA_COUNTERS_AT + 16 * k, 16);
    const w = [0, 0, 0, 0];
    for (let i = 0; i < 16; i++) w[i >> 2] = w[i >> 2] * 256 + b[i];
    return w[3] === crc32(b.subarray(0, 12)) ? w.slice(0, 3) : null;
  };
  const a = copyAt(0), b = copyAt(1);
  if (!write) return a && (!b || a[0] > b[0]) ? a : b || [0, 0, 0];
  const over = !a ? 0 : !b ? 1 : a[0] <= b[0] ? 0 : 1;
  const w = [Math.max(a ? a[0] : 0, b ? b[0] : 0) + 1, write[0], write[1], 0];
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    if (i === 12) w[3] = crc32(bytes.subarray(0, 12));
    bytes[i] = w[i >> 2] >>> (24 - 8 * (i & 3));
  }
  return fram.write(OTA_COUNTERS_AT + 16 * over, bytes) ? w.slice(0, 3) : null;
}

/** [seq, stored, restart] in force: the valid copy with the higher seq; [0, 0, 0] on a new meter. */
export function readOtaCounters(fram: FramPort, crc32: (b: Uint8Array) => number): number[] {
  return otaCounters(fram, crc32, null)!;
}

/** Writes stored and restart as the next record, over the older copy; false when the FRAM did not acknowledge. */
export function writeOtaCounters(fram: FramPort, crc32: (b: Uint8Array) => number, stored: number, restart: number): boolean {
  return otaCounters(fram, crc32, [stored, restart]) !== null;
}
