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
 * e and m are one buffer, m right after e (DayArchive), so the record is that buffer's
 * bytes: written from it and read straight into it, no payload allocated per day (issue
 * 16: a bill reads up to 32 days).
 */
export function norDayArchive(slots: NorSlots, n: number, onFail: () => void): DayArchive {
  return {
    put: function (day: number, e: Int32Array, m: Float64Array): void {
      if (!slots.write(day % LEDGER_DAYS, day, new Uint8Array(e.buffer, e.byteOffset, 24 * n))) onFail();
    },
    load: function (r: number, e: Int32Array, m: Float64Array): number {
      return slots.read(r, new Uint8Array(e.buffer, e.byteOffset, 24 * n)) ? slots.lastKey : -1;
    },
  };
}
