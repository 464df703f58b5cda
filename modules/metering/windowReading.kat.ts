import { KatSuite, expectNear } from "../selftest/katSuite";
import { windowReading } from "./windowReading";
import type { KernelWindow } from "./kernelWindow";

/**
 * A 10-cycle window of 100 samples (fs 1000 Hz, f 100 Hz, crossings at 0, 10, ...,
 * 100): v = 2048 + 1000 sin, i = 2048 + 500 sin(. - 0.5). With 0.25 V and 0.01 A per
 * LSB: Vrms = 250/sqrt2 = 176.777 V, Irms = 3.536 A, P = V I cos 0.5 = 548.489 W.
 * (A test-only loop over 100 samples; the meter itself never loops over samples.)
 */
function katWindow(): KernelWindow {
  const w = (2 * Math.PI) / 10;
  let sv = 0, si = 0, svv = 0, sii = 0, svi = 0, svip = 0, svpi = 0;
  const v = (n: number): number => 2048 + 1000 * Math.sin(w * n);
  const i = (n: number): number => 2048 + 500 * Math.sin(w * n - 0.5);
  for (let n = 0; n < 100; n++) {
    sv += v(n);
    si += i(n);
    svv += v(n) * v(n);
    sii += i(n) * i(n);
    svi += v(n) * i(n);
    svip += v(n) * i(n - 1);
    svpi += v(n - 1) * i(n);
  }
  const c = new Float64Array(11);
  for (let k = 0; k <= 10; k++) c[k] = 10 * k;
  const hV = new Float32Array(51);
  const hI = new Float32Array(51);
  hV[1] = 1000 / Math.SQRT2;
  hV[3] = 50 / Math.SQRT2;
  hI[1] = 500 / Math.SQRT2;
  return {
    index: 0, startSample: 0, sampleRateHz: 1000, cycles: 10, sampleCount: 100,
    sumVLsb: sv, sumILsb: si, sumVVLsb2: svv, sumIILsb2: sii, sumVILsb2: svi, sumVIPrevLsb2: svip, sumVPrevILsb2: svpi,
    firstVLsb: v(0), firstILsb: i(0), lastVLsb: v(99), lastILsb: i(99),
    crossingsSample: c, urmsHalfLsb: new Float32Array(0), urmsHalfEndSample: new Float64Array(0),
    hVLsb: hV, hILsb: hI, harmonicMaxOrder: 50, vMidLsb: 2048, syncErrorSample: 0, flags: 0, droppedBefore: 0,
  };
}

export function registerKats(suite: KatSuite): void {
  const cal = { v: { unitPerLsb: 0.25, zeroLsb: 2048, noiseLsb2: 0 }, i: { unitPerLsb: 0.01, zeroLsb: 2048, noiseLsb2: 0 }, phaseRad: 0, frontEndHz: 0 };
  suite.check("metering: rms, P, Q, S, N, PF, f, THD of a known window", () => {
    const r = windowReading(katWindow(), cal);
    expectNear("Vrms", r.vRmsV, 176.7767, 1e-3);
    expectNear("Irms", r.iRmsA, 3.535534, 1e-5);
    expectNear("P", r.pW, 548.4891, 1e-3);
    expectNear("Q", r.qVar, 299.641, 1e-3);
    expectNear("PF", r.pf, 0.8775826, 1e-6);
    expectNear("N", r.nVA, 299.641, 1e-3);
    expectNear("f", r.fHz, 100, 1e-9);
    expectNear("THD", r.thdVPct, 5, 1e-4);
  });
  suite.check("metering: phase compensation of 0.5 rad makes the load resistive", () => {
    const r = windowReading(katWindow(), { v: cal.v, i: cal.i, phaseRad: 0.5, frontEndHz: 0 });
    expectNear("PF", r.pf, 1, 1e-9);
  });
}
