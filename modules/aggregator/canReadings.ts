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

const P = 0, U = 1, I = 2, EI = 3, EE = 4, F = 5;
/** Bit of q[2m + 1] set when a reading took the ORed QualitySince (the next MEAS_QUALITY starts it again). */
const TAKEN = 0x10000;

export function canReadingJoiner(agg: Aggregator, nowS: () => number): (r: CanReading) => boolean {
  const s = new Float64Array(agg.reg.maxMeters * F).fill(NaN);
  // per meter: the latest QualityFlags (-1: none heard), the OR of QualitySince (| TAKEN)
  const q = new Int32Array(agg.reg.maxMeters * 2).fill(-1);
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
    else if (r.message === "MEAS_QUALITY") { q[m * 2] = v.QualityFlags; q[m * 2 + 1] = (q[m * 2 + 1] & TAKEN ? 0 : q[m * 2 + 1]) | v.QualitySince; }
    else return true;
    if (r.message.indexOf("MEAS_ENERGY") !== 0 || isNaN(s[b + EI]) || isNaN(s[b + EE])) return true;
    q[m * 2 + 1] |= TAKEN;
    return agg.onReading({
      address: r.address, timeS: nowS(), powerW: isNaN(s[b + P]) ? 0 : s[b + P],
      importmWh: s[b + EI] * 1000, exportmWh: s[b + EE] * 1000, voltageV: s[b + U], currentA: s[b + I],
      quality: q[m * 2] < 0 ? undefined : q[m * 2] | (q[m * 2 + 1] & 0xffff) << 16,
    });
  };
}
