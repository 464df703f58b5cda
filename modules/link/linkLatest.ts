/**
 * A meter's latest voltage, current and quality flags read from the CAN link's C when a
 * page asks (linkPort.ts linkLatest: the latest-value table beside the poll schedule),
 * for the aggregator's store (readingsStore.ts LatestSource). One way for each value:
 * frame -> the C's table (verified, stored as the answer's 4 bytes) -> the API; nothing
 * per answer or per second in JavaScript. Meter rows map to bus addresses through
 * `addressOf` (the registry's table).
 */
import { FN_MEAS_VOLTAGE_FREQ, FN_MEAS_CURRENT_PF, FN_MEAS_QUALITY } from "../can/idPlan";
import { LinkCanController } from "./linkPort";

export interface LatestValues {
  voltageV(m: number): number;
  currentA(m: number): number;
  quality(m: number): number;
}

export function linkLatest(can: LinkCanController, addressOf: Uint8Array): LatestValues {
  const v = new Float64Array(3);
  // first signal of the latest answer (U_L1, I_L1), NaN when never answered
  function first(m: number, fn: number): number {
    return can.linkLatest(addressOf[m], fn, v) === 1 ? v[0] : NaN;
  }
  return {
    voltageV: function (m: number) { return first(m, FN_MEAS_VOLTAGE_FREQ); },
    currentA: function (m: number) { return first(m, FN_MEAS_CURRENT_PF); },
    // MEAS_QUALITY: QualityFlags | QualitySince << 16 (the store's quality word), -1 unknown
    quality: function (m: number) {
      if (can.linkLatest(addressOf[m], FN_MEAS_QUALITY, v) !== 1 || isNaN(v[0])) return -1;
      return v[0] | ((isNaN(v[1]) ? 0 : v[1]) & 0xffff) << 16;
    },
  };
}
