/**
 * The 24-hour power profile out of RAM (issue 16): each closed 15-minute interval's
 * average power of every meter is written once, when the interval closes, as one small
 * blob in the storage port ("agg.p0" .. "agg.p95", slot = interval % PROFILE_SLOTS,
 * each "MN1", the interval number (Int32) and n x Int16 W: 7 + 2n bytes), and read back
 * value by value when a page asks (readingsStore.ts profileOf). In RAM it took 96 x 2 x n
 * bytes (881 JsVars at 64 meters); here it keeps one Int16 per meter of scratch.
 *
 * On Espruino, Storage.read returns the file where it lies in flash (memory-mapped, no
 * copy in JsVars), so a read costs a lookup and two character codes. Flash wear: 96
 * writes a day of 7 + 2n bytes plus Storage's 32-byte header (64 meters: 96 x 168 B =
 * 16 KB a day); before, the profile went into agg.now with every save (12 KB every
 * save interval at 64 meters: 1.2 MB a day at 900 s). Where it lives is the port's
 * business: the flash map puts history on the SPI NOR (tools/firmware/flashMap.ts), so
 * at 64 meters the app passes a store on it (AggHistory); on internal Storage the 96
 * files take 96 x (32 + 7 + 2n) bytes (8 meters: 5.0 KB, 64 meters: 16 KB).
 */
import { KvStore } from "../ports/kvStore";
import { PROFILE_SLOTS } from "./readingsStore";
import { saveArrays } from "./snapshot";

export const PROFILE_KEY = "agg.p";

/** Closed intervals' average power per meter, PROFILE_SLOTS of them, out of RAM. */
export interface ProfileArchive {
  /** Keeps interval `slot`'s average power of every meter (w[m], W), replacing what its slot held. */
  put(slot: number, w: Int16Array): void;
  /** Meter m's average power in interval `slot`, W; NaN when that interval is not held. */
  get(slot: number, m: number): number;
}

export function kvProfileArchive(kv: KvStore, n: number, onFail: () => void): ProfileArchive {
  const tag = new Int32Array(1);
  // bytes of a record: "MN1", the slot (Int32, little-endian), then n x Int16
  const len = 7 + 2 * n;
  return {
    put: function (slot, w) {
      tag[0] = slot;
      if (!saveArrays(kv, PROFILE_KEY + (slot % PROFILE_SLOTS), [tag, w])) onFail();
    },
    get: function (slot, m) {
      const s = kv.get(PROFILE_KEY + (slot % PROFILE_SLOTS));
      if (!s || s.length !== len || !(m >= 0 && m < n)) return NaN;
      const t = s.charCodeAt(3) | s.charCodeAt(4) << 8 | s.charCodeAt(5) << 16 | s.charCodeAt(6) << 24;
      if (t !== slot) return NaN;
      const v = s.charCodeAt(7 + 2 * m) | s.charCodeAt(8 + 2 * m) << 8;
      return v >= 32768 ? v - 65536 : v;
    },
  };
}
