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
 * business: the flash map puts history on the SPI NOR (tools/firmware/flashMap.ts), and
 * the app passes norProfileArchive below when the board's NOR answers
 * (modules/aggregator/historyOnNor.ts); kvProfileArchive on internal Storage stays for
 * a board without one and for the tests: its 96 files take 96 x (32 + 7 + 2n) bytes
 * (8 meters: 5.0 KB, 64 meters: 16 KB).
 */
import { KvStore } from "../ports/kvStore";
import { PROFILE_SLOTS } from "./readingsStore";
import { saveArrays } from "./snapshot";
import { NorSlots } from "../persist/norSlots";

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

/**
 * The same archive on the SPI NOR (modules/persist/norSlots.ts): interval `slot` is
 * record key `slot` in NOR slot slot % PROFILE_SLOTS, its payload n x Int16 W. A get
 * reads that slot's two headers (20 B each) and the one value: no record in RAM. Built
 * for one task and let go, as NorSlots (no class held in RAM).
 */
export function norProfileArchive(slots: NorSlots, n: number, onFail: () => void): ProfileArchive {
  return {
    put: function (slot: number, w: Int16Array): void {
      if (!slots.write(slot % PROFILE_SLOTS, slot, new Uint8Array(w.buffer, w.byteOffset, 2 * n))) onFail();
    },
    get: function (slot: number, m: number): number {
      if (!(m >= 0 && m < n && slot >= 0)) return NaN;
      const a = slots.find(slot % PROFILE_SLOTS, slot);
      if (a < 0) return NaN;
      const b = slots.nor.read(a + 2 * m, 2);
      const v = b[0] | b[1] << 8;
      return v >= 32768 ? v - 65536 : v;
    },
  };
}
