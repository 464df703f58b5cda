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
