import { test } from "node:test";
import assert from "node:assert/strict";
import { windowReading, wholeCycleSum, periodSamples, thdPct } from "./windowReading.ts";
import type { MeterCalibration } from "./calibration.ts";
import { syntheticWindow } from "../../host/analyze/syntheticWindow.ts";

// Reference transducer scaling: 460 V rms full scale over 1.5 V at a 3.3 V, 12-bit ADC.
const gV = (460 * Math.SQRT2) / (1.5 / (3.3 / 4096));
const gI = (30 * Math.SQRT2) / (1.5 / (3.3 / 4096));
const cal = (over: Partial<MeterCalibration> = {}): MeterCalibration => ({
  v: { unitPerLsb: gV, zeroLsb: 1861.8, noiseLsb2: 0 },
  i: { unitPerLsb: gI, zeroLsb: 1861.8, noiseLsb2: 0 },
  phaseRad: 0,
  frontEndHz: 0,
  ...over,
});
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

test("sinusoid: rms, P, Q, S, N, PF and f match the closed form (end-correction residual < 1e-6)", () => {
  for (const [fHz, theta, c0] of [[50, 0.5, -0.3], [42.5, -0.7, 0], [57.5, 1.5, -0.99], [49.9, 0, -0.5]] as const) {
    const V = 230, I = 12.5;
    const w = syntheticWindow({ fs: 12800, fHz, c0, thetaRad: theta, vAmpLsb: (V * Math.SQRT2) / gV, iAmpLsb: (I * Math.SQRT2) / gI, vZero: 1861.8, iZero: 1861.8 });
    const r = windowReading(w, cal());
    assert.ok(rel(r.vRmsV, V) < 1e-6, `V ${r.vRmsV}`);
    assert.ok(rel(r.iRmsA, I) < 1e-6, `I ${r.iRmsA}`);
    assert.ok(Math.abs(r.pW - V * I * Math.cos(theta)) < 1e-6 * V * I, `P ${r.pW}`);
    assert.ok(Math.abs(r.qVar - V * I * Math.sin(theta)) < 1e-4 * V * I, `Q ${r.qVar}`);
    assert.ok(Math.abs(r.nVA - V * I * Math.abs(Math.sin(theta))) < 2e-3 * V * I, `N ${r.nVA}`);
    assert.ok(Math.abs(r.pf - Math.cos(theta)) < 3e-5, `pf ${r.pf}`);
    assert.ok(Math.abs(r.fHz - fHz) < 1e-9);
    assert.ok(Math.abs(r.spanS - 10 / fHz) < 1e-12);
  }
});

test("end correction: a constant integrates to its value times the span; whole samples need none", () => {
  // N = 10 samples of 1 over a span of 9.6 samples.
  assert.equal(wholeCycleSum(10, 1, 1, 9.6, 10), 9.6);
  assert.equal(wholeCycleSum(123.4, 5, 7, 10, 10), 123.4);
});

test("frequency: least-squares slope of crossings, exact on a line and robust to one noisy crossing", () => {
  const c = [0.1, 256.1, 512.1, 768.1];
  assert.equal(periodSamples(c, 4), 256);
  const noisy = [0, 256, 512.3, 768];
  assert.ok(Math.abs(periodSamples(noisy, 4) - 256) < 0.04);
});

test("phase compensation: a current channel lagging by 10 mrad is corrected", () => {
  const V = 230, I = 10, theta = 0.3, lag = 0.01;
  const w = syntheticWindow({ fs: 12800, fHz: 50, thetaRad: theta + lag, vAmpLsb: (V * Math.SQRT2) / gV, iAmpLsb: (I * Math.SQRT2) / gI, vZero: 1861.8, iZero: 1861.8 });
  const raw = windowReading(w, cal());
  assert.ok(Math.abs(raw.pW - V * I * Math.cos(theta)) > 5, "uncompensated P is visibly off");
  const r = windowReading(w, cal({ phaseRad: lag }));
  assert.ok(Math.abs(r.pW - V * I * Math.cos(theta)) < 1e-3 * V * I * 0.05, `P ${r.pW}`);
  assert.ok(Math.abs(r.qVar - V * I * Math.sin(theta)) < 1e-4 * V * I, `Q ${r.qVar}`);
});

test("harmonics: THD over groups 2..40, group 41+ excluded, front-end roll-off undone", () => {
  const h = new Float32Array(51);
  h[1] = 100;
  h[3] = 6;
  h[39] = 8;
  h[45] = 50;
  assert.ok(Math.abs(thdPct(h, 50) - 10) < 1e-5);
  assert.ok(Math.abs(thdPct(h, 20) - 6) < 1e-5, "only groups up to harmonicMaxOrder");
  const fc = 10000, f = 50;
  const att = (n: number): number => 1 / Math.sqrt(1 + ((n * f) / fc) ** 2);
  const vHarm = [{ order: 39, ratio: (0.08 * att(39)) / att(1), phaseRad: 0.3 }];
  const w = syntheticWindow({ fs: 12800, fHz: f, thetaRad: 0, vAmpLsb: 1000 * att(1), iAmpLsb: 500, vHarm, vZero: 1861.8 });
  const r = windowReading(w, cal({ frontEndHz: fc }));
  assert.ok(Math.abs(r.thdVPct - 8) < 1e-4, `THD ${r.thdVPct}`);
  assert.ok(rel(r.hV[1], (1000 * gV) / Math.SQRT2) < 1e-6);
  // rms regains the attenuated power: sqrt(1 + 0.08^2) of the fundamental.
  assert.ok(rel(r.vRmsV, ((1000 * gV) / Math.SQRT2) * Math.sqrt(1 + 0.0064)) < 2e-5, `V ${r.vRmsV}`);
  const plain = windowReading(w, cal());
  assert.ok(Math.abs(plain.thdVPct - 8) > 0.1, "without the fix THD reads low");
});

test("noise floor is removed in quadrature; dc relative to the calibrated zero counts in rms", () => {
  const w = syntheticWindow({ fs: 12800, fHz: 50, thetaRad: 0, vAmpLsb: 100, iAmpLsb: 100, vZero: 2000, iZero: 2048 });
  const r = windowReading(w, cal({ v: { unitPerLsb: 1, zeroLsb: 2010, noiseLsb2: 0 }, i: { unitPerLsb: 1, zeroLsb: 2048, noiseLsb2: 25 } }));
  assert.ok(Math.abs(r.vRmsV - Math.sqrt(5000 + 100)) < 1e-4, `V with 10 LSB dc ${r.vRmsV}`);
  assert.ok(Math.abs(r.hV[0] - 10) < 1e-3, `dc ${r.hV[0]}`);
  assert.ok(Math.abs(r.iRmsA - Math.sqrt(5000 - 25)) < 1e-4, `I ${r.iRmsA}`);
});

test("inverting transducers: both gains negative still give positive P for an in-phase load", () => {
  const w = syntheticWindow({ fs: 12800, fHz: 50, thetaRad: 0, vAmpLsb: 500, iAmpLsb: 400 });
  const r = windowReading(w, cal({ v: { unitPerLsb: -0.5, zeroLsb: 2048, noiseLsb2: 0 }, i: { unitPerLsb: -0.02, zeroLsb: 2048, noiseLsb2: 0 } }));
  assert.ok(r.pW > 0 && Math.abs(r.pf - 1) < 1e-9);
});
