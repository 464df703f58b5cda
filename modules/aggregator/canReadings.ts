/**
 * Joins the CAN protocol's per-message readings (AggregatorNode.onReading delivers one
 * authenticated message at a time: MEAS_POWER, MEAS_ENERGY_IMPORT, ...; signal names
 * and units from modules/can/messages.ts) into the store's MeterReading. Power,
 * voltage and current are kept per meter; a reading is recorded whenever an energy
 * register arrives and both registers are known. Registers come in Wh (32 bits): the
 * store counts mWh. MEAS_QUALITY's flags go with the reading: the latest window's, and
 * the OR of every QualitySince heard since the previous reading (no flagged window
 * between two readings is lost).
 */
import { Aggregator } from "./aggregator";

export interface CanReading { address: number; message: string; values: { [signal: string]: number }; }

// QF, QS: the latest QualityFlags and the OR of QualitySince; QN: a reading took QS (the next MEAS_QUALITY starts it again)
const P = 0, U = 1, I = 2, EI = 3, EE = 4, QF = 5, QS = 6, QN = 7, F = 8;

export function canReadingJoiner(agg: Aggregator, nowS: () => number): (r: CanReading) => boolean {
  const s = new Float64Array(agg.reg.maxMeters * F).fill(NaN);
  return (r) => {
    // the co-generator is a node of its own, not a meter row (modules/can COGEN_STATUS)
    if (r.message === "COGEN_STATUS") { agg.setCogen(r.values.CoState, r.values.CoPowerW, nowS()); return true; }
    const m = agg.reg.indexOf(r.address);
    if (m < 0) return false;
    const v = r.values;
    const b = m * F;
    if (r.message === "MEAS_POWER") s[b + P] = v.P_import - v.P_export;
    else if (r.message === "MEAS_VOLTAGE_FREQ") s[b + U] = v.U_L1;
    else if (r.message === "MEAS_CURRENT_PF") s[b + I] = v.I_L1;
    else if (r.message === "MEAS_ENERGY_IMPORT") s[b + EI] = v.E_import;
    else if (r.message === "MEAS_ENERGY_EXPORT") s[b + EE] = v.E_export;
    else if (r.message === "MEAS_QUALITY") { s[b + QF] = v.QualityFlags; s[b + QS] = (s[b + QN] === 0 ? s[b + QS] : 0) | v.QualitySince; s[b + QN] = 0; }
    else return true;
    if (r.message.indexOf("MEAS_ENERGY") !== 0 || isNaN(s[b + EI]) || isNaN(s[b + EE])) return true;
    s[b + QN] = 1;
    return agg.onReading({
      address: r.address, timeS: nowS(), powerW: isNaN(s[b + P]) ? 0 : s[b + P],
      importmWh: s[b + EI] * 1000, exportmWh: s[b + EE] * 1000, voltageV: s[b + U], currentA: s[b + I],
      quality: isNaN(s[b + QF]) ? undefined : s[b + QF] | s[b + QS] << 16,
    });
  };
}
