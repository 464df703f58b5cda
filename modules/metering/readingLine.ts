/**
 * The meter's one-line reading (console, once a second): latest window values and
 * the energy registers. Plain string building (toFixed only: Espruino prints
 * numbers with 12 significant digits and lacks toPrecision).
 */
import type { WindowReading } from "./windowReading";
import type { EnergyRegisters } from "./energyRegisters";

export function readingLine(tS: number, r: WindowReading, flagged: boolean, e: EnergyRegisters): string {
  return (
    "t=" + tS.toFixed(1) + "s f=" + r.fHz.toFixed(3) + "Hz V=" + r.vRmsV.toFixed(2) + "V I=" + r.iRmsA.toFixed(3) +
    "A P=" + r.pW.toFixed(1) + "W S=" + r.sVA.toFixed(1) + "VA N=" + r.nVA.toFixed(1) + "VA PF=" + r.pf.toFixed(4) +
    " THDv=" + r.thdVPct.toFixed(2) + "% THDi=" + r.thdIPct.toFixed(2) + "% E+=" + e.importWh.units().toFixed(3) +
    "Wh E-=" + e.exportWh.units().toFixed(3) + "Wh" + (flagged ? " FLAGGED" : "")
  );
}
