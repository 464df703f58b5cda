import { test } from "node:test";
import assert from "node:assert/strict";
import { VoltageEventDetector, type VoltageEvent } from "./voltageEvents.ts";
import { urmsSeries } from "../../host/analyze/syntheticWindow.ts";

function run(fHz: number, residual: number, startS: number, durS: number, declared = 230, u = 230): VoltageEvent[] {
  const s = urmsSeries(fHz, u, residual, startS, startS + durS, startS + durS + 0.2);
  const d = new VoltageEventDetector(declared);
  const out: VoltageEvent[] = [];
  for (let k = 0; k < s.u.length; k++) {
    const e = d.push(s.u[k]!, s.endS[k]!, 1 / fHz);
    if (e) out.push(e);
  }
  const e = d.finish(s.endS[s.endS.length - 1]!);
  if (e) out.push(e);
  return out;
}

test("dips of several depths and points on wave: start and end within half a cycle, residual exact", () => {
  for (const [res, start, dur] of [[0.5, 0.1013, 0.1], [0.85, 0.2, 0.06], [0.3, 0.1077, 0.5], [0.7, 0.1149, 0.035]] as const) {
    const ev = run(50, res, start, dur);
    assert.equal(ev.length, 1, `one event for ${res}`);
    assert.equal(ev[0]!.kind, "dip");
    assert.ok(Math.abs(ev[0]!.startS - start) < 0.01, `start ${ev[0]!.startS} vs ${start}`);
    assert.ok(Math.abs(ev[0]!.startS + ev[0]!.durationS - (start + dur)) < 0.01, `end ${ev[0]!.startS + ev[0]!.durationS}`);
    assert.ok(Math.abs(ev[0]!.residualPct - res * 100) < 0.2, `residual ${ev[0]!.residualPct}`);
  }
});

test("swell above 110 % and interruption below 5 % are classified, with their extreme", () => {
  const sw = run(60, 1.2, 0.3, 0.2);
  assert.equal(sw.length, 1);
  assert.equal(sw[0]!.kind, "swell");
  assert.ok(Math.abs(sw[0]!.residualPct - 120) < 0.2);
  const it = run(50, 0.01, 0.3, 0.3);
  assert.equal(it[0]!.kind, "interruption");
  assert.ok(it[0]!.residualPct < 1.5);
});

test("hysteresis: 91 % after a dip does not end it, 92 % does; 89.5 % starts one", () => {
  const d = new VoltageEventDetector(100);
  const T = 0.02;
  let t = 0;
  const push = (u: number): VoltageEvent | null => d.push(u, (t += T / 2), T);
  for (let k = 0; k < 6; k++) assert.equal(push(100), null);
  assert.equal(push(89.5), null);
  assert.equal(d.takeTouched(), true);
  assert.equal(push(91), null);
  const e = push(92);
  assert.ok(e && e.kind === "dip" && Math.abs(e.residualPct - 89.5) < 1e-9);
  assert.equal(d.takeTouched(), true, "the window in which it ended is still flagged");
  assert.equal(push(100), null);
  assert.equal(d.takeTouched(), false);
});

test("an event open at the end of the data is closed by finish", () => {
  const d = new VoltageEventDetector(230);
  for (let k = 1; k <= 8; k++) d.push(230, k * 0.01, 0.02);
  d.push(100, 0.09, 0.02);
  const e = d.finish(0.5);
  assert.ok(e && e.kind === "dip" && e.durationS > 0.4);
  assert.equal(e.open, true, "marked as still in progress");
  assert.ok(Math.abs(e.startS + e.durationS - 0.5) < 1e-12, "duration runs to the end of the data");
  assert.equal(d.finish(0.6), null, "closed once");
  // An event that ends inside the data carries no mark.
  const closed = run(50, 0.5, 0.1, 0.1);
  assert.equal(closed.length, 1);
  assert.equal(closed[0]!.open, undefined);
  assert.throws(() => new VoltageEventDetector(0), /declared voltage/);
});
