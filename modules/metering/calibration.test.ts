import { test } from "node:test";
import assert from "node:assert/strict";
import { fitGainOffset, fitPhaseRad } from "./calibration.ts";

test("least-squares gain and offset recover an exact line, inverting included", () => {
  // code = 1861.8 - x / 0.3494 (inverting transducer), five DC points.
  const g = -0.3494, z = 1861.8;
  const x = [-300, -100, 0, 150, 320];
  const c = x.map((v) => z + v / g);
  const cal = fitGainOffset(x, c, 0.33);
  assert.ok(Math.abs(cal.unitPerLsb - g) < 1e-12);
  assert.ok(Math.abs(cal.zeroLsb - z) < 1e-9);
  assert.equal(cal.noiseLsb2, 0.33);
});

test("least squares averages reading noise: known answer for a noisy 3-point fit", () => {
  // Points (code, x): (0, 0.1), (1, 0.9), (2, 2.1): a = 1.0, b = 0.0333..., zero = -0.0333...
  const cal = fitGainOffset([0.1, 0.9, 2.1], [0, 1, 2], 0);
  assert.ok(Math.abs(cal.unitPerLsb - 1) < 1e-12);
  assert.ok(Math.abs(cal.zeroLsb + 1 / 30) < 1e-12);
});

test("calibration rejects too few or degenerate points with a message", () => {
  assert.throws(() => fitGainOffset([1], [2], 0), /two or more/);
  assert.throws(() => fitGainOffset([1, 2], [5, 5], 0), /distinct readings/);
  assert.throws(() => fitGainOffset([1, 2], [5], 0), /one reading each/);
});

test("phase error is the measured angle minus the true one", () => {
  const lag = 0.012, theta = 0.6;
  assert.ok(Math.abs(fitPhaseRad(Math.cos(theta + lag), Math.sin(theta + lag), theta) - lag) < 1e-12);
});
