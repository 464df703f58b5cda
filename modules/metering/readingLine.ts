/**
 * The meter's one-line reading (console, once a second): the C chain's periodic
 * reading (MeterADC 'reading' event) with the energy registers. Plain string building
 * (toFixed only: Espruino prints numbers with 12 significant digits and lacks toPrecision).
 */
import type { MeterReading } from "./readings";

export function readingLine(r: MeterReading): string {
  return (
    "t=" + r.tS.toFixed(1) + "s f=" + r.fHz.toFixed(3) + "Hz V=" + r.vRmsV.toFixed(2) + "V I=" + r.iRmsA.toFixed(3) +
    "A P=" + r.pW.toFixed(1) + "W S=" + r.sVA.toFixed(1) + "VA N=" + r.nVA.toFixed(1) + "VA PF=" + r.pf.toFixed(4) +
    " THDv=" + r.thdVPct.toFixed(2) + "% THDi=" + r.thdIPct.toFixed(2) + "% E+=" + r.importWh.toFixed(3) +
    "Wh E-=" + r.exportWh.toFixed(3) + "Wh" + (r.flagged ? " FLAGGED" : "")
  );
}
