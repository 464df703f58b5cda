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
