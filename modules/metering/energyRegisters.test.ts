import { test } from "node:test";
import assert from "node:assert/strict";
import { EnergyRegister, EnergyRegisters } from "./energyRegisters.ts";

test("ten simulated years of 0.2 s windows at an awkward power lose nothing", () => {
  // 3 years of 10-cycle windows = 4.7e8 additions; the same arithmetic is checked in
  // closed form by repeating one day's pattern: energy per window e = 1234.567 W * 0.2 s.
  const reg = new EnergyRegisters();
  const pW = 1234.567, dt = 0.2;
  const perDay = (24 * 3600) / dt; // 432000 windows
  for (let k = 0; k < perDay; k++) reg.add(pW, -pW / 3, dt);
  const dayMilli = (pW * 24 * 3600) / 3.6; // mWh per day, exact rational 29629608
  assert.equal(reg.importWh.milli, Math.floor(dayMilli + 1e-6));
  assert.ok(Math.abs(reg.importWh.units() - dayMilli / 1000) < 1e-9);
  assert.ok(Math.abs(reg.exportVarh.units() - dayMilli / 3000) < 1e-9);
  // Continue for ten years by jumping the integer part (the state is just milli + frac),
  // then add one more day window by window: the day's increment is still exact.
  const before = reg.importWh.milli;
  reg.importWh.milli += 3650 * Math.floor(dayMilli);
  const start = reg.importWh.milli + reg.importWh.frac;
  for (let k = 0; k < perDay; k++) reg.add(pW, 0, dt);
  const inc = reg.importWh.milli + reg.importWh.frac - start;
  assert.ok(Math.abs(inc - dayMilli) < 1e-6, `increment ${inc} vs ${dayMilli}`);
  assert.ok(reg.importWh.milli > before);
});

test("a plain float total drifts where the register does not", () => {
  const reg = new EnergyRegister();
  reg.milli = 1e11; // 100 MWh already counted
  let plain = 1e11;
  for (let k = 0; k < 100000; k++) {
    reg.addMilli(0.0123);
    plain = Math.fround(plain + 0.0123);
  }
  assert.ok(Math.abs(reg.milli + reg.frac - 1e11 - 1230) < 1e-6);
  assert.ok(Math.abs(plain - 1e11 - 1230) > 100, "float32 total loses it all");
});

test("import/export split by the sign of P and Q; exact text of a large count", () => {
  const reg = new EnergyRegisters();
  reg.add(-3600, 3600, 1); // 1 Wh exported, 1 varh imported
  assert.equal(reg.exportWh.milli, 1000);
  assert.equal(reg.importWh.milli, 0);
  assert.equal(reg.importVarh.milli, 1000);
  const r = new EnergyRegister();
  r.milli = 123456789012345;
  assert.equal(r.milliText(), "123456789012345");
  r.milli = 1000001;
  assert.equal(r.milliText(), "1000001");
  r.milli = 42;
  assert.equal(r.milliText(), "42");
});

test("one simulated year window by window (1.58e8 additions) matches exact rational arithmetic", () => {
  const reg = new EnergyRegisters();
  const n = 365 * 24 * 3600 * 5; // 0.2 s windows
  let naiveWh = 0;
  for (let k = 0; k < n; k++) {
    reg.add(1234.567, 0, 0.2);
    naiveWh += (1234.567 * 0.2) / 3600;
  }
  // Exact: each window is 1234.567 * 0.2 / 3.6 = 2469134 / 36000 mWh.
  const exact = BigInt(n) * 2469134n;
  assert.equal(BigInt(reg.importWh.milli), exact / 36000n);
  const exactFrac = Number(exact % 36000n) / 36000;
  assert.ok(Math.abs(reg.importWh.frac - exactFrac) < 1e-5, `frac ${reg.importWh.frac} vs ${exactFrac}`);
  // The plain double total drifts by far more than a milli-Wh over the same year.
  const naiveErrMilli = Math.abs(naiveWh * 1000 - Number(exact) / 36000);
  assert.ok(naiveErrMilli > 1, `plain sum error ${naiveErrMilli} mWh`);
});
