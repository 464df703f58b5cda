import { KatSuite, expectNear, expectEqual } from "../selftest/katSuite";
import { VoltageEventDetector } from "./voltageEvents";
import { EnergyRegisters } from "./energyRegisters";

export function registerKats(suite: KatSuite): void {
  suite.check("metering: dip from Urms(1/2), residual and interpolated start", () => {
    const d = new VoltageEventDetector(230);
    // 50 Hz, values every 10 ms. A 50 % dip starting at 0.1 s: the one-cycle value
    // ending at 0.11 s has half its cycle in the dip: ms = (230^2 + 115^2) / 2.
    const u = [230, 230, 230, 230, 230, 230, 230, 230, 230, 230, Math.sqrt((230 * 230 + 115 * 115) / 2), 115, 115, 115, 115, 115, 115, Math.sqrt((230 * 230 + 115 * 115) / 2), 230, 230];
    let ev = null;
    for (let k = 0; k < u.length; k++) {
      const e = d.push(u[k], 0.01 * (k + 1), 0.02);
      if (e) ev = e;
    }
    if (!ev) throw new Error("no event");
    expectEqual("kind", ev.kind, "dip");
    expectNear("residual %", ev.residualPct, 50, 1e-9);
    expectNear("start s", ev.startS, 0.1, 1e-9);
    expectNear("duration s", ev.durationS, 0.07, 1e-9);
  });
  suite.check("metering: energy register keeps every milli-Wh", () => {
    const e = new EnergyRegisters();
    for (let k = 0; k < 1000; k++) e.add(1234.567, -10, 0.2);
    // 1234.567 W * 200 s / 3.6 = 68587.0555... mWh
    expectEqual("mWh", e.importWh.milli, 68587);
    expectNear("frac", e.importWh.frac, 0.0555556, 1e-6);
    expectNear("varh", e.exportVarh.units(), 2000 / 3600, 1e-12);
  });
}
