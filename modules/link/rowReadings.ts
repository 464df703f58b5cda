/**
 * The C link's rows (aggregatorLink.ts onRows) into the aggregator: a meter reading
 * when an energy register was answered (power, voltage and current are the latest
 * values beside it), the co-generator's status, each poll outcome for the offline
 * marks, and a log line when a meter's alarm code changes. Allocation-free: the
 * reading goes to the store as arguments (Aggregator.reading), no object per row.
 * Registers come in Wh (32 bits): the store counts mWh.
 */
import { LogLine } from "../ports/log";
import { ROW_ADDRESS, ROW_TRIGGER, ROW_OK, ROW_MISS, ROW_LAST_OK } from "./linkPort";
import {
  ROW_LEN, COL_P_IMPORT, COL_P_EXPORT, COL_U, COL_I, COL_E_IMPORT, COL_E_EXPORT, COL_CO_STATE, COL_CO_POWER, COL_ALARM, COL_Q_FLAGS, COL_Q_SINCE,
} from "./aggregatorLink";
import { FN_ALARM, FN_MEAS_ENERGY_IMPORT, FN_MEAS_ENERGY_EXPORT, FN_COGEN_STATUS } from "../can/idPlan";

/** What the rows feed (modules/aggregator/aggregator.ts Aggregator has these). */
export interface RowTarget {
  /** A reading as arguments (Aggregator.reading: no object per row; NaN, -1 unknown). */
  reading(address: number, tS: number, powerW: number, importmWh: number, exportmWh: number, voltageV: number, currentA: number, quality: number): boolean;
  setCogen(state: number, powerW: number, tS: number): void;
  pollResult(address: number, ok: boolean, nowS: number): boolean;
}

const ENERGY = (1 << FN_MEAS_ENERGY_IMPORT) | (1 << FN_MEAS_ENERGY_EXPORT);

export function rowReadings(agg: RowTarget, nowS: () => number, log: LogLine): (rows: Float64Array, n: number) => void {
  const alarms = new Uint8Array(64);
  return function (rows: Float64Array, n: number) {
    const t = nowS();
    for (let k = 0; k < n; k++) {
      const b = k * ROW_LEN;
      const a = rows[b + ROW_ADDRESS];
      const trig = rows[b + ROW_TRIGGER];
      // outcomes since the last row, the last one last (the C keeps counts, not the order)
      let miss = rows[b + ROW_MISS];
      const ok = rows[b + ROW_OK] > 0;
      const lastOk = rows[b + ROW_LAST_OK] === 1;
      if (ok && !lastOk) agg.pollResult(a, true, t);
      while (miss-- > 0) agg.pollResult(a, false, t);
      if (ok && lastOk) agg.pollResult(a, true, t);
      if (trig & (1 << FN_COGEN_STATUS)) agg.setCogen(rows[b + COL_CO_STATE], rows[b + COL_CO_POWER], t);
      if ((trig & (1 << FN_ALARM)) && rows[b + COL_ALARM] !== alarms[a]) {
        alarms[a] = rows[b + COL_ALARM];
        log("aggregator: alarm " + alarms[a] + " from meter " + a);
      }
      if (!(trig & ENERGY) || isNaN(rows[b + COL_E_IMPORT]) || isNaN(rows[b + COL_E_EXPORT])) continue;
      const p = rows[b + COL_P_IMPORT] - rows[b + COL_P_EXPORT];
      const qf = rows[b + COL_Q_FLAGS], qs = rows[b + COL_Q_SINCE];
      // the window's quality flags | those since the meter's previous publish << 16 (readingsStore.ts); -1 until MEAS_QUALITY answered
      agg.reading(a, t, isNaN(p) ? 0 : p, rows[b + COL_E_IMPORT] * 1000, rows[b + COL_E_EXPORT] * 1000, rows[b + COL_U], rows[b + COL_I],
        isNaN(qf) ? -1 : qf | ((isNaN(qs) ? 0 : qs) & 0xffff) << 16);
    }
  };
}
