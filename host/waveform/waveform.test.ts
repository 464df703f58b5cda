import { test } from "node:test";
import assert from "node:assert/strict";
import { createPrng } from "./prng.ts";
import { synthesize } from "./synthesize.ts";
import { steadyStateTruth, intervalTruth, eventTruth } from "./truth.ts";
import { frequencyRamp, type ConditionSpec } from "./condition.ts";
import { createPhaseTrack } from "./phase.ts";

const rms = (x: Float64Array, a = 0, b = x.length): number => {
  let s = 0;
  for (let k = a; k < b; k++) s += x[k]! * x[k]!;
  return Math.sqrt(s / (b - a));
};

const base: ConditionSpec = {
  frequencyHz: 50,
  v: { rms: 230, components: [{ order: 3, ratio: 0.05, phaseRad: 0.3 }, { order: 5, ratio: 0.03, phaseRad: -1 }] },
  i: { rms: 10, components: [{ order: 3, ratio: 0.2, phaseRad: 1.1 }] },
  displacementRad: Math.PI / 6,
};

test("prng: same seed same stream, different seed different stream, gaussian moments", () => {
  const a = createPrng(42), b = createPrng(42), c = createPrng(43);
  const xa = [a.uniform(), a.uniform(), a.gaussian()];
  assert.deepEqual([b.uniform(), b.uniform(), b.gaussian()], xa);
  assert.notDeepEqual([c.uniform(), c.uniform(), c.gaussian()], xa);
  const g = createPrng(7);
  let s = 0, s2 = 0;
  const n = 200_000;
  for (let k = 0; k < n; k++) {
    const x = g.gaussian();
    s += x;
    s2 += x * x;
  }
  assert.ok(Math.abs(s / n) < 0.01, `mean ${s / n}`);
  assert.ok(Math.abs(s2 / n - 1) < 0.01, `variance ${s2 / n}`);
});

test("rms of a sine with harmonics over whole cycles equals the analytic value", () => {
  const w = synthesize(base, { sampleRateHz: 10_000, durationS: 0.2 });
  assert.equal(w.vV.length, 2000);
  const expectV = 230 * Math.sqrt(1 + 0.05 ** 2 + 0.03 ** 2);
  assert.ok(Math.abs(rms(w.vV) - expectV) < 1e-9 * expectV, `${rms(w.vV)} vs ${expectV}`);
  const t = steadyStateTruth(base);
  assert.ok(Math.abs(t.vRmsV - expectV) < 1e-9);
  assert.ok(Math.abs(t.iRmsA - 10 * Math.sqrt(1.04)) < 1e-9);
  assert.ok(Math.abs(t.thdVPct - 100 * Math.sqrt(0.05 ** 2 + 0.03 ** 2)) < 1e-9);
  assert.ok(Math.abs(t.thdIPct - 20) < 1e-9);
  assert.ok(Math.abs(t.hV[1]! - 230) < 1e-9 && Math.abs(t.hV[3]! - 11.5) < 1e-9 && Math.abs(t.hV[5]! - 6.9) < 1e-9);
  assert.equal(t.hV[2], 0);
});

test("active power: fundamental V1 I1 cos(phi) plus the 3rd harmonic's own term, checked against the samples", () => {
  const t = steadyStateTruth(base);
  // 3rd harmonic phases: V: 3*0 + 0.3, I: 3*(-pi/6) + 1.1
  const p3 = 230 * 0.05 * 10 * 0.2 * Math.cos(0.3 - (-Math.PI / 2 + 1.1));
  const expect = 2300 * Math.cos(Math.PI / 6) + p3;
  assert.ok(Math.abs(t.pW - expect) < 1e-9, `${t.pW} vs ${expect}`);
  assert.ok(Math.abs(t.p1W - 2300 * Math.cos(Math.PI / 6)) < 1e-9);
  const w = synthesize(base, { sampleRateHz: 10_000, durationS: 0.2 });
  let p = 0;
  for (let k = 0; k < w.vV.length; k++) p += w.vV[k]! * w.iA[k]!;
  assert.ok(Math.abs(p / w.vV.length - expect) < 1e-9 * 2300);
  assert.ok(Math.abs(t.sVA - t.vRmsV * t.iRmsA) < 1e-9);
  assert.ok(Math.abs(t.nVA ** 2 + t.pW ** 2 - t.sVA ** 2) < 1e-6);
  assert.ok(Math.abs(t.pf - t.pW / t.sVA) < 1e-12);
  const iv = intervalTruth(base, 0, 0.2);
  for (const k of ["vRmsV", "iRmsA", "pW", "sVA", "nVA", "pf", "fHz"] as const) {
    assert.ok(Math.abs(iv[k] - t[k]) < 1e-7 * Math.max(1, Math.abs(t[k])), `${k}: ${iv[k]} vs ${t[k]}`);
  }
});

test("harmonic groups: an interharmonic on a group boundary is split half and half, off-boundary goes to its group", () => {
  const t = steadyStateTruth({ frequencyHz: 50, v: { rms: 100, components: [{ order: 7.5, ratio: 0.1 }, { order: 11.2, ratio: 0.04 }] }, i: { rms: 1 } });
  assert.ok(Math.abs(t.hV[7]! ** 2 - 50) < 1e-9 && Math.abs(t.hV[8]! ** 2 - 50) < 1e-9);
  assert.ok(Math.abs(t.hV[11]! - 4) < 1e-9);
  assert.equal(t.thdVPct, 0, "interharmonics are not in THD");
});

test("dip: starts at the requested point on wave, residual and duration exact", () => {
  const spec: ConditionSpec = {
    frequencyHz: 50,
    v: { rms: 230 },
    i: { rms: 5 },
    events: [{ kind: "dip", startS: 0.1003, durationS: 0.1, residualPct: 40, pointOnWaveDeg: 90 }],
  };
  const [e] = eventTruth(spec, 230);
  // the first 90° instant after 0.1003 s is 0.105 s
  assert.ok(Math.abs(e!.startS - 0.105) < 1e-12, `start ${e!.startS}`);
  assert.ok(Math.abs(e!.endS - 0.205) < 1e-12);
  assert.equal(e!.residualOfDeclaredPct, 40);
  const fs = 12_800;
  const w = synthesize(spec, { sampleRateHz: fs, durationS: 0.4 });
  const k0 = Math.round(0.105 * fs);
  const peak = 230 * Math.SQRT2;
  assert.ok(Math.abs(w.vV[k0]! - 0.4 * peak) < 1e-9 * peak, `at start ${w.vV[k0]}`);
  assert.ok(Math.abs(w.vV[k0 - 1]! - peak * Math.sin(2 * Math.PI * 50 * (k0 - 1) / fs)) < 1e-9 * peak);
  const cyc = fs / 50;
  assert.ok(Math.abs(rms(w.vV, k0 + cyc, k0 + 2 * cyc) - 92) < 1e-6);
  assert.ok(Math.abs(rms(w.vV, 0, cyc) - 230) < 1e-6);
  assert.ok(Math.abs(rms(w.iA, k0 + cyc, k0 + 2 * cyc) - 5) < 1e-6, "current does not follow by default");
  assert.ok(Math.abs(intervalTruth(spec, 0.12, 0.16).vRmsV - 92) < 1e-6);
});

test("interruption and swell envelopes; current may follow", () => {
  const spec: ConditionSpec = {
    frequencyHz: 60,
    v: { rms: 120 },
    i: { rms: 2 },
    events: [
      { kind: "interruption", startS: 0.05, durationS: 0.05, currentFollows: true },
      { kind: "swell", startS: 0.2, durationS: 0.05, residualPct: 120 },
    ],
  };
  const w = synthesize(spec, { sampleRateHz: 6000, durationS: 0.3 });
  assert.equal(rms(w.vV, 300, 600), 0);
  assert.equal(rms(w.iA, 300, 600), 0);
  assert.ok(Math.abs(rms(w.vV, 1200, 1500) - 144) < 1e-6);
});

test("seeded noise: same seed identical samples, different seed different, rms as specified", () => {
  const spec: ConditionSpec = { frequencyHz: 50, v: { rms: 0, noiseRms: 0.5 }, i: { rms: 0, noiseRms: 0.01 }, seed: 9 };
  const a = synthesize(spec, { sampleRateHz: 10_000, durationS: 2 });
  const b = synthesize(spec, { sampleRateHz: 10_000, durationS: 2 });
  const c = synthesize({ ...spec, seed: 10 }, { sampleRateHz: 10_000, durationS: 2 });
  assert.deepEqual(a.vV, b.vV);
  assert.notDeepEqual(a.vV, c.vV);
  assert.ok(Math.abs(rms(a.vV) - 0.5) < 0.01);
  assert.ok(Math.abs(rms(a.iA) - 0.01) < 0.0002);
  assert.deepEqual(synthesize(spec, { sampleRateHz: 10_000, durationS: 0.1, noise: false }).vV, new Float64Array(1000));
});

test("frequency ramp: phase is the integral of the profile, mean frequency exact", () => {
  const spec: ConditionSpec = { frequencyHz: frequencyRamp(49, 51, 0, 1), v: { rms: 230 }, i: { rms: 1 } };
  const tr = createPhaseTrack(spec.frequencyHz);
  assert.ok(Math.abs(tr.cyclesAt(1) - 50) < 1e-12);
  assert.ok(Math.abs(tr.cyclesAt(2) - 101) < 1e-12);
  assert.ok(Math.abs(tr.timeAtCycles(101) - 2) < 1e-9);
  assert.ok(Math.abs(intervalTruth(spec, 0, 1).fHz - 50) < 1e-12);
  assert.equal(steadyStateTruth(spec, 0.5).fHz, 50);
  // count positive-going zero crossings in the first second: 49 + (0 at t=0 excluded)
  const w = synthesize(spec, { sampleRateHz: 20_000, durationS: 1 });
  let n = 0;
  for (let k = 1; k < w.vV.length; k++) if (w.vV[k - 1]! < 0 && w.vV[k]! >= 0) n++;
  assert.equal(n, 49);
});

test("bad specs are rejected naming the field", () => {
  assert.throws(() => synthesize({ ...base, frequencyHz: -1 }, { sampleRateHz: 1000, durationS: 1 }), /frequencyHz must be positive/);
  assert.throws(() => steadyStateTruth({ ...base, v: { rms: 1, components: [{ order: 3, ratio: NaN }] } }), /v\.components\[0\]\.ratio/);
  assert.throws(() => synthesize({ ...base, events: [{ kind: "dip", startS: 0, durationS: 1 }] }, { sampleRateHz: 1000, durationS: 1 }), /events\[0\]\.residualPct/);
});

test("chunked synthesis joins seamlessly: signal identical, noise fresh per chunk and reproducible", () => {
  const spec: ConditionSpec = { ...base, frequencyHz: frequencyRamp(49, 51, 0, 1), v: { ...base.v, noiseRms: 0.3 }, seed: 2 };
  const whole = synthesize(spec, { sampleRateHz: 5000, durationS: 0.4, noise: false });
  const a = synthesize(spec, { sampleRateHz: 5000, durationS: 0.2, noise: false });
  const b = synthesize(spec, { sampleRateHz: 5000, durationS: 0.2, startS: 0.2, noise: false });
  for (let k = 0; k < 1000; k++) {
    assert.ok(Math.abs(whole.vV[k]! - a.vV[k]!) < 1e-9);
    assert.ok(Math.abs(whole.vV[1000 + k]! - b.vV[k]!) < 1e-9);
  }
  const na = synthesize(spec, { sampleRateHz: 5000, durationS: 0.2 });
  const nb = synthesize(spec, { sampleRateHz: 5000, durationS: 0.2, startS: 0.2 });
  const noiseA = na.vV.map((x, k) => x - a.vV[k]!), noiseB = nb.vV.map((x, k) => x - b.vV[k]!);
  assert.notDeepEqual(noiseA, noiseB);
  assert.deepEqual(synthesize(spec, { sampleRateHz: 5000, durationS: 0.2, startS: 0.2 }).vV, nb.vV);
});

test("interval truth over a window of non-whole cycles matches the closed form", () => {
  const spec: ConditionSpec = { frequencyHz: 50, v: { rms: 1 }, i: { rms: 2 }, displacementRad: 0.7 };
  const t0 = 0.0013, t1 = 0.2031;
  const a = 2 * Math.PI * 50 * t0, b = 2 * Math.PI * 50 * t1;
  const msV = 1 - (Math.sin(2 * b) - Math.sin(2 * a)) / (2 * (b - a));
  // v*i = 2*2*sin(x)sin(x-0.7)*... = 2*(cos(0.7) - cos(2x-0.7)) with peaks sqrt2*1 and sqrt2*2
  const p = 2 * (Math.cos(0.7) - (Math.sin(2 * b - 0.7) - Math.sin(2 * a - 0.7)) / (2 * (b - a)));
  const r = intervalTruth(spec, t0, t1);
  assert.ok(Math.abs(r.vRmsV - Math.sqrt(msV)) < 1e-10, `${r.vRmsV} vs ${Math.sqrt(msV)}`);
  assert.ok(Math.abs(r.pW - p) < 1e-10, `${r.pW} vs ${p}`);
});
