import { KatSuite, expectNear, expectEqual } from "../selftest/katSuite";
import { VoltageEventDetector } from "./voltageEvents";

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
}
