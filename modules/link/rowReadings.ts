/**
 * The C link's rows (aggregatorLink.ts onRows) into the aggregator: a meter reading
 * (energy registers and the power beside them) when an energy register was answered,
 * the co-generator's status, each poll outcome for the offline marks, and a log line
 * when a meter's alarm code changes. Voltage, current and quality flags are not here:
 * they stay in the link's C until a page asks (AggregatorLink.latestSignals). Allocation-free: the
 * reading goes to the store as arguments (Aggregator.reading), no object per row.
 * Registers come in Wh (32 bits): the store counts mWh.
 */
import { LogLine } from "../ports/log";
import { ROW_ADDRESS, ROW_TRIGGER, ROW_OK, ROW_MISS, ROW_LAST_OK } from "./linkPort";
import { ROW_LEN, COL_P_IMPORT, COL_P_EXPORT, COL_E_IMPORT, COL_E_EXPORT, COL_CO_STATE, COL_CO_POWER, COL_ALARM } from "./aggregatorLink";
import { FN_ALARM, FN_MEAS_ENERGY_IMPORT, FN_MEAS_ENERGY_EXPORT, FN_COGEN_STATUS } from "../can/idPlan";

/** What the rows feed (modules/aggregator/aggregator.ts Aggregator has these). */
export interface RowTarget {
  /** A reading as arguments (Aggregator.reading: no object per row). */
  reading(address: number, tS: number, powerW: number, importmWh: number, exportmWh: number): boolean;
  setCogen(state: number, powerW: number, tS: number): void;
  /** A poll's outcome; an answer changes nothing unless misses were reported before it (the rows skip that call). */
  pollResult(address: number, ok: boolean, nowS: number): boolean;
}

const ENERGY = (1 << FN_MEAS_ENERGY_IMPORT) | (1 << FN_MEAS_ENERGY_EXPORT);

export function rowReadings(agg: RowTarget, nowS: () => number, log: LogLine): (rows: Float64Array, n: number) => void {
  // per address a: [a] its last alarm code; [64 + a] 1 while misses reported to agg stand
  // (no answer reported since). An answer is reported only then (Aggregator.pollResult
  // changes nothing on an answer without misses before it), so the common row (answered,
  // nothing missed) makes no call: Espruino lexes the whole of a function it calls, early
  // return or not. One array: each costs a few JsVars of its own.
  const seen = new Uint8Array(128);
  return function (rows: Float64Array, n: number) {
    const t = nowS();
    for (let k = 0; k < n; k++) {
      const b = k * ROW_LEN;
      const a = rows[b + ROW_ADDRESS];
      const trig = rows[b + ROW_TRIGGER];
      // outcomes since the last row, the last one last (the C keeps counts, not the order)
      const miss = rows[b + ROW_MISS];
      if (miss > 0 || seen[64 + a]) {
        const ok = rows[b + ROW_OK] > 0;
        const lastOk = rows[b + ROW_LAST_OK] === 1;
        if (ok && !lastOk) agg.pollResult(a, true, t);
        let j = miss;
        while (j-- > 0) agg.pollResult(a, false, t);
        if (ok && lastOk) agg.pollResult(a, true, t);
        // misses stand unless an answer was reported last
        if (ok && (lastOk || !(miss > 0))) seen[64 + a] = 0;
        else if (miss > 0) seen[64 + a] = 1;
      }
      if (trig & (1 << FN_COGEN_STATUS)) agg.setCogen(rows[b + COL_CO_STATE], rows[b + COL_CO_POWER], t);
      if ((trig & (1 << FN_ALARM)) && rows[b + COL_ALARM] !== seen[a]) {
        seen[a] = rows[b + COL_ALARM];
        log("aggregator: alarm " + seen[a] + " from meter " + a);
      }
      if (!(trig & ENERGY) || isNaN(rows[b + COL_E_IMPORT]) || isNaN(rows[b + COL_E_EXPORT])) continue;
      const p = rows[b + COL_P_IMPORT] - rows[b + COL_P_EXPORT];
      agg.reading(a, t, isNaN(p) ? 0 : p, rows[b + COL_E_IMPORT] * 1000, rows[b + COL_E_EXPORT] * 1000);
    }
  };
}
