/**
 * Typed arrays to and from one byte string for the storage port. The blob starts
 * with "MN1" and its payload length must match the arrays exactly, so a blob saved
 * with another meter count or layout is refused instead of misread. saveArrays()
 * hands the arrays' own bytes to a store that writes pieces (KvStore.setBytes), so no
 * copy of the blob is built in RAM; pack() is the fallback for a string-only store.
 */
import { KvStore } from "../ports/kvStore";

export type Packable = Float64Array | Float32Array | Int32Array | Int16Array | Uint8Array | Uint16Array | Uint32Array;

export function pack(arrays: Packable[]): string {
  let s = "MN1";
  for (let a = 0; a < arrays.length; a++) {
    const x = arrays[a];
    const u = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
    for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]);
  }
  return s;
}

const MAGIC = [77, 78, 49]; // "MN1"

/** The blob of pack() as views on the arrays' own bytes, header first. */
export function packParts(arrays: Packable[]): Uint8Array[] {
  const parts: Uint8Array[] = [new Uint8Array(MAGIC)];
  for (let a = 0; a < arrays.length; a++) {
    const x = arrays[a];
    parts.push(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  }
  return parts;
}

/** Stores pack(arrays) under `name`, piece by piece when the store can; false when the write failed. */
export function saveArrays(kv: KvStore, name: string, arrays: Packable[]): boolean {
  return kv.setBytes ? kv.setBytes(name, packParts(arrays)) : kv.set(name, pack(arrays));
}

/** Fills `arrays` from a blob made by pack(); returns false and changes nothing when it does not fit. */
export function unpack(s: string | undefined, arrays: Packable[]): boolean {
  if (!s || s.slice(0, 3) !== "MN1") return false;
  let n = 3;
  for (let a = 0; a < arrays.length; a++) n += arrays[a].byteLength;
  if (n !== s.length) return false;
  let p = 3;
  for (let a = 0; a < arrays.length; a++) {
    const x = arrays[a];
    const u = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
    for (let i = 0; i < u.length; i++) u[i] = s.charCodeAt(p++);
  }
  return true;
}

/**
 * Years until the flash pages of a log-structured store (Espruino Storage) reach
 * their erase endurance: every byte written is erased once when compaction reclaims
 * it, and each compaction also rewrites the live files, so erases per page per day =
 * bytesPerDay / (areaBytes - liveBytes).
 */
export function flashLifeYears(bytesPerDay: number, areaBytes: number, liveBytes: number, eraseCycles: number): number {
  return eraseCycles / (bytesPerDay / (areaBytes - liveBytes)) / 365;
}
