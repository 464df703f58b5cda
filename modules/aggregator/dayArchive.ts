/**
 * Closed ledger days in the storage port, one small blob per day in LEDGER_DAYS slots
 * ("agg.d0" .. "agg.d31", slot = day % LEDGER_DAYS, each the day number then its
 * rows: 4 + n x 24 bytes), so only today takes RAM. A day is written once
 * when it closes (and again only if a late interval changed it), so the flash wear is
 * one small file a day instead of the whole 32-day ledger.
 */
import { KvStore } from "../ports/kvStore";
import { DayArchive, LEDGER_DAYS } from "./readingsStore";
import { saveArrays, unpack } from "./snapshot";
import { NorSlots } from "../persist/norSlots";

export const DAY_KEY = "agg.d";

export function kvDayArchive(kv: KvStore, onFail: () => void): DayArchive {
  const tag = new Int32Array(1);
  return {
    put: (day, e, m) => {
      tag[0] = day;
      if (!saveArrays(kv, DAY_KEY + (day % LEDGER_DAYS), [tag, e, m])) onFail();
    },
    load: (r, e, m) => (unpack(kv.get(DAY_KEY + r), [tag, e, m]) ? tag[0] : -1),
  };
}

/**
 * The same archive on the SPI NOR (modules/persist/norSlots.ts): day d is record key d
 * in NOR slot d % LEDGER_DAYS, its payload e then m (24 B a meter), checked by CRC
 * when read back. Built for one task and let go, as NorSlots (no class held in RAM).
 */
export function norDayArchive(slots: NorSlots, n: number, onFail: () => void): DayArchive {
  const eBytes = 8 * n;
  return {
    put: function (day: number, e: Int32Array, m: Float64Array): void {
      const p = new Uint8Array(3 * eBytes);
      p.set(new Uint8Array(e.buffer, e.byteOffset, eBytes));
      p.set(new Uint8Array(m.buffer, m.byteOffset, 2 * eBytes), eBytes);
      if (!slots.write(day % LEDGER_DAYS, day, p)) onFail();
    },
    load: function (r: number, e: Int32Array, m: Float64Array): number {
      const p = slots.read(r);
      if (!p) return -1;
      new Uint8Array(e.buffer, e.byteOffset, eBytes).set(p.subarray(0, eBytes));
      new Uint8Array(m.buffer, m.byteOffset, 2 * eBytes).set(p.subarray(eBytes));
      return slots.lastKey;
    },
  };
}
