import { KatSuite, expectNear, expectEqual } from "../selftest/katSuite";
import { EnergyRegisters } from "./energyRegisters";

export function registerKats(suite: KatSuite): void {
  suite.check("metering: energy register keeps every milli-Wh", () => {
    const e = new EnergyRegisters();
    for (let k = 0; k < 1000; k++) e.add(1234.567, -10, 0.2);
    // 1234.567 W * 200 s / 3.6 = 68587.0555... mWh
    expectEqual("mWh", e.importWh.milli, 68587);
    expectNear("frac", e.importWh.frac, 0.0555556, 1e-6);
    expectNear("varh", e.exportVarh.units(), 2000 / 3600, 1e-12);
  });
}
