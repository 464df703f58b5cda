/**
 * The `E` object: the maths helpers and error flags of src/jswrap_espruino.c (2v29).
 *
 * - E.sum(arr): sum of a String, Array or ArrayBuffer/typed array (holes skipped);
 *   any other argument throws "First argument must be Array, not <type>".
 * - E.variance(arr, mean): the SUM of (x - mean)^2. Espruino does NOT divide by the
 *   length (its reference: `v=0; for (i in arr) v+=Math.pow(mean-arr[i],2)`).
 * - E.convolve(a, b, offset): sum of a[i] * b[(i + offset) % b.length].
 * - E.FFT(re, im, inverse): in place, length padded to a power of two with zeros and
 *   written back only up to each array's own length; forward scaled by 1/n; with no
 *   imaginary array, `re` receives the magnitudes sqrt(re^2 + im^2). Mismatched
 *   lengths are not an error (the shorter array is zero-padded).
 * - E.CRC32(data): standard CRC-32 (reflected 0xEDB88320), unsigned; undefined for a
 *   non-iterable argument.
 * - E.toString(a, ...) / E.toUint8Array(a, ...): every argument's bytes (a number is one
 *   byte, a string its chars, an array or typed array its elements & 0xFF) joined, as a
 *   string of one char per byte / as a Uint8Array.
 * - E.getErrorFlags(): the flags raised since the last call, then cleared.
 * - E.on('init' | 'kill' | 'errorFlag', fn): run by the runtime at boot, before a
 *   reset or load, and when new error flags are raised.
 */
import { fftInPlace } from "./fft.ts";
import { ListenerTable } from "./events.ts";
import { Realm, isArrayBuffer, isIterable, newArray, numbersOf, typeName, toBytes, bytesToString } from "./realm.ts";

/** The bytes of E.toString / E.toUint8Array's arguments, joined. */
function bytesOfArgs(args: unknown[]): Uint8Array {
  const parts = args.map((a) => (typeof a === "number" ? Uint8Array.of(a & 0xff) : toBytes(a)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

export const ERROR_FLAGS = ["FIFO_FULL", "BUFFER_FULL", "CALLBACK", "LOW_MEMORY", "MEMORY", "MEMORY_BUSY", "UART_OVERFLOW"] as const;
export type ErrorFlag = (typeof ERROR_FLAGS)[number];

function lengthOf(v: unknown): number {
  if (typeof v === "string") return v.length;
  if (isArrayBuffer(v)) return v.byteLength;
  if (v !== null && typeof v === "object" && typeof (v as { length?: unknown }).length === "number") return (v as { length: number }).length;
  if (v !== null && typeof v === "object") return Object.keys(v).length;
  return 0;
}

function writeBack(dst: unknown, values: ArrayLike<number>): void {
  if (typeof dst === "string" || dst === null || typeof dst !== "object") return; // strings are immutable
  const target = isArrayBuffer(dst) ? new Uint8Array(dst) : (dst as Record<number, number> & { length: number });
  const n = Math.min(lengthOf(target), values.length);
  for (let i = 0; i < n; i++) target[i] = values[i];
}

export class ErrorFlags {
  private flags = new Set<ErrorFlag>();
  /** Raises a flag; returns true when it was not already set. */
  raise(flag: ErrorFlag): boolean {
    if (this.flags.has(flag)) return false;
    this.flags.add(flag);
    return true;
  }
  /** Returns the set flags in Espruino's order and clears them. */
  take(): ErrorFlag[] {
    const out = ERROR_FLAGS.filter((f) => this.flags.has(f));
    this.flags.clear();
    return out;
  }
}

export interface EOptions {
  realm: Realm;
  listeners: ListenerTable;
  errorFlags: ErrorFlags;
}

export function createE(opts: EOptions): Record<string, unknown> {
  const { realm, errorFlags } = opts;
  const fail = (message: string) => new realm.Error(message);
  const E = {
    sum(arr: unknown): number {
      if (!(typeof arr === "string" || Array.isArray(arr) || isArrayBuffer(arr) || ArrayBuffer.isView(arr))) {
        throw fail("First argument must be Array, not " + typeName(arr));
      }
      let sum = 0;
      if (Array.isArray(arr)) arr.forEach((x) => { sum += Number(x); });
      else for (const x of numbersOf(arr)) sum += x;
      return sum;
    },
    variance(arr: unknown, mean: unknown): number {
      if (!isIterable(arr)) throw fail("First argument must iterable, not " + typeName(arr));
      const m = Number(mean);
      let v = 0;
      for (const x of numbersOf(arr)) v += (x - m) * (x - m);
      return v;
    },
    convolve(a: unknown, b: unknown, offset: unknown): number {
      if (!isIterable(a) || !isIterable(b)) {
        throw fail("Expecting first 2 arguments to be iterable, not " + typeName(a) + " and " + typeName(b));
      }
      const xa = numbersOf(a);
      const xb = numbersOf(b);
      const l = xb.length;
      let off = (Number(offset) | 0) % l;
      if (off < 0) off += l;
      let conv = 0;
      for (let i = 0; i < xa.length; i++) conv += xa[i] * xb[(i + off) % l];
      return conv;
    },
    FFT(re: unknown, im: unknown, inverse: unknown): void {
      if (!isIterable(re) || !(im === undefined || isIterable(im))) {
        throw fail("Expecting first 2 arguments to be iterable or undefined, not " + typeName(re) + " and " + typeName(im));
      }
      let n = 1;
      while (n < lengthOf(re)) n <<= 1;
      const vr = new Float32Array(n);
      const vi = new Float32Array(n);
      vr.set(numbersOf(re).slice(0, n));
      if (im !== undefined) vi.set(numbersOf(im).slice(0, n));
      fftInPlace(vr, vi, Boolean(inverse));
      if (im !== undefined) {
        writeBack(re, vr);
        writeBack(im, vi);
      } else {
        const mag = new Float64Array(n);
        for (let i = 0; i < n; i++) mag[i] = Math.sqrt(vr[i] * vr[i] + vi[i] * vi[i]);
        writeBack(re, mag);
      }
    },
    CRC32(data: unknown): number | undefined {
      if (!isIterable(data)) return undefined;
      let crc = 0xffffffff;
      for (const x of numbersOf(data)) {
        crc ^= x & 0xff;
        for (let t = 0; t < 8; t++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
      }
      return ~crc >>> 0;
    },
    toString(...args: unknown[]): string {
      return bytesToString(bytesOfArgs(args));
    },
    toUint8Array(...args: unknown[]): Uint8Array {
      const b = bytesOfArgs(args);
      const out = new realm.Uint8Array(b.length);
      out.set(b);
      return out;
    },
    getErrorFlags(): string[] {
      return newArray(realm, errorFlags.take() as string[]);
    },
  };
  return opts.listeners.attachTo(E) as unknown as Record<string, unknown>;
}
