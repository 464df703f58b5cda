// Voltage events as analyze reports them (issue 13 items 5 and 6): a dip that deepens
// into an interruption gives both events; the declared voltage cannot be fooled.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeRecord } from "./analyzeRecord.ts";
import { generateRecord } from "../waveform/generateRecord.ts";

const dir = mkdtempSync(join(tmpdir(), "meternet-events-test-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("a dip below 90 % from 0.99 s that falls below 5 % from 1.10 s: a dip from 0.99 s and an interruption from 1.10 s", () => {
  const base = join(dir, "relematika");
  generateRecord({ frequencyHz: 50, v: { rms: 57.7 }, i: { rms: 1 }, seed: 1, events: [{ kind: "dip", startS: 0.99, durationS: 0.6, residualPct: 40 }, { kind: "interruption", startS: 1.1, durationS: 0.4 }] }, base, { durationS: 2, sampleRateHz: 2000 });
  const res = analyzeRecord(base + ".cfg", { nominalV: 57.7 });
  const ev = res.events.map((e) => ({ kind: e.kind, start: +e.startS.toFixed(3), end: +(e.startS + e.durationS).toFixed(3), residual: +e.residualPct.toFixed(1) }));
  assert.equal(ev.length, 2, JSON.stringify(ev));
  const dip = ev.find((e) => e.kind === "dip")!, int = ev.find((e) => e.kind === "interruption")!;
  assert.ok(Math.abs(dip.start - 0.99) <= 0.005 && Math.abs(dip.end - 1.59) <= 0.005, JSON.stringify(dip));
  assert.ok(Math.abs(int.start - 1.1) <= 0.005 && Math.abs(int.end - 1.5) <= 0.005, JSON.stringify(int));
  assert.ok(dip.residual < 1 && int.residual < 1);
});

test("a fault record whose first windows hold the fault and the dead line: no declared voltage from them, no events, the reason said", () => {
  // RTDS-like: 59.98 V, a fault from 0.1 s (25 %), the line dead from 0.3 s to the end (0.7 s).
  const base = join(dir, "rtds");
  generateRecord({ frequencyHz: 60, v: { rms: 59.98 }, i: { rms: 1 }, seed: 1, events: [{ kind: "dip", startS: 0.1, durationS: 0.6, residualPct: 25 }, { kind: "interruption", startS: 0.3, durationS: 0.4 }] }, base, { durationS: 0.7, sampleRateHz: 4800 });
  const res = analyzeRecord(base + ".cfg");
  assert.equal(res.declaredV, null);
  assert.equal(res.events.length, 0, JSON.stringify(res.events));
  assert.match(res.declaredFrom, /^no declared voltage: no --nominal-v, no VT rating in the \.cfg, and no 3 steady windows to start a sliding reference \(IEC 61000-4-30 5\.4\.4\) from; give --nominal-v$/);
  assert.ok(res.notes.some((n) => n.endsWith("no events are reported")));
  // With the declared voltage given: a dip from 0.1 s and the interruption from 0.3 s.
  const given = analyzeRecord(base + ".cfg", { nominalV: 59.98 });
  assert.deepEqual(given.events.map((e) => e.kind).sort(), ["dip", "interruption"]);
  assert.ok(given.events.every((e) => e.residualPct < 1), JSON.stringify(given.events));
});

test("a record shorter than a window (67 ms at 349 V): no 230 V default, no swell", () => {
  const base = join(dir, "keating");
  generateRecord({ frequencyHz: 60, v: { rms: 349 }, i: { rms: 100 }, seed: 1 }, base, { durationS: 0.067, sampleRateHz: 5760 });
  const res = analyzeRecord(base + ".cfg");
  assert.equal(res.declaredV, null);
  assert.equal(res.events.length, 0, JSON.stringify(res.events));
  assert.ok(!res.declaredFrom.includes("230"));
});

test("a steady record: the sliding reference from its first steady windows, said so", () => {
  const base = join(dir, "steady");
  generateRecord({ frequencyHz: 50, v: { rms: 231.7 }, i: { rms: 5 }, seed: 1, events: [{ kind: "dip", startS: 1.3, durationS: 0.2, residualPct: 50 }] }, base, { durationS: 2 });
  const res = analyzeRecord(base + ".cfg");
  assert.ok(res.declaredV !== null && Math.abs(res.declaredV - 231.7) < 0.1, `declared ${res.declaredV}`);
  assert.match(res.declaredFrom, /^sliding reference \(IEC 61000-4-30 5\.4\.4\) from the first steady windows, 0\.0\d\d-0\.6\d\d s$/);
  assert.ok(res.notes.some((n) => /^declared voltage 231\.\d+ V: sliding reference .* it slides to 2\d\d\.\d+ V by the end of the record, at most 0\.\d\d % from its start/.test(n)), res.notes.join("\n"));
  assert.deepEqual(res.events.map((e) => e.kind), ["dip"]);
  // A dip inside the first windows does not start the reference: it starts after the dip.
  const b2 = join(dir, "earlydip");
  generateRecord({ frequencyHz: 50, v: { rms: 231.7 }, i: { rms: 5 }, seed: 1, events: [{ kind: "dip", startS: 0.1, durationS: 0.2, residualPct: 20 }] }, b2, { durationS: 2 });
  const r2 = analyzeRecord(b2 + ".cfg");
  assert.ok(r2.declaredV !== null && Math.abs(r2.declaredV - 231.7) < 0.1, `declared ${r2.declaredV}`);
  assert.deepEqual(r2.events.map((e) => e.kind), ["dip"]);
  assert.ok(Math.abs(r2.events[0]!.residualPct - 20) < 1, `residual ${r2.events[0]!.residualPct}`);
});

test("a record that starts inside a sustained 60 % dip: two steady levels, no reference, no events", () => {
  const base = join(dir, "sustained");
  generateRecord({ frequencyHz: 50, v: { rms: 230 }, i: { rms: 5 }, seed: 1, events: [{ kind: "dip", startS: 0, durationS: 1.2, residualPct: 60 }] }, base, { durationS: 2.4 });
  const res = analyzeRecord(base + ".cfg");
  assert.equal(res.declaredV, null);
  assert.equal(res.events.length, 0, JSON.stringify(res.events));
  assert.match(res.declaredFrom, /^no declared voltage: the record holds two steady levels, 138(\.\d+)? V \(0\.0\d\d-0\.6\d\d s\) and 230(\.\d+)? V \(from 1\.\d{3} s\), 66\.\d % apart/);
  // Given the declared voltage, the dip is there.
  assert.deepEqual(analyzeRecord(base + ".cfg", { nominalV: 230 }).events.map((e) => e.kind), ["dip"]);
});
