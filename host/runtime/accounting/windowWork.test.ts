/**
 * The CPU guard that needs no interpreter: the meter bundle's JavaScript work per window,
 * counted by the host runtime in tokens Espruino lexes (instrument.ts), against the budget
 * of package.json meternet.budgets.windowWork, which is issue 17's target (1 M x86-64
 * instructions per window, CAN link on) divided by the instructions per token fitted on
 * callgrind runs of the real interpreter (test/realInterpreter/measuredCost.json,
 * remeasured with test/realInterpreter/callgrindCost.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./jsVarHarness.ts";
import { meterDriverParts } from "./meterDriver.ts";
import { workPerWindow } from "./costHarness.ts";
import { checkBudget, readBudgets } from "./budgets.ts";

interface Point { label: string; canLink: boolean; instructionsPerWindow: number; tokensPerWindow: number }
const cost = JSON.parse(readFileSync(join(ROOT, "test/realInterpreter/measuredCost.json"), "utf8")) as { points: Point[]; fit: { instructionsPerToken: number; maxErrorPct: number } };
/** Issue 17: at most 1 M x86-64 instructions per meter window on the proxy, CAN link on. */
const TARGET_INSTRUCTIONS_PER_WINDOW = 1e6;

test("the work unit tracks the real interpreter: one instructions-per-token figure fits every calibration point within 10 %", () => {
  assert.ok(cost.points.length >= 4, "calibration points: " + cost.points.length);
  assert.ok(new Set(cost.points.map((p) => p.label)).size >= 2, "needs the current bundle and at least one older one");
  const k = cost.fit.instructionsPerToken;
  for (const p of cost.points) {
    const err = (k * p.tokensPerWindow) / p.instructionsPerWindow - 1;
    assert.ok(Math.abs(err) <= 0.1, `${p.label} CAN ${p.canLink ? "on" : "off"}: ${p.instructionsPerWindow} instructions, ${p.tokensPerWindow} tokens, fit error ${(err * 100).toFixed(1)} %`);
  }
});

test("the meter's window budget is issue 17's 1 M instructions in tokens", () => {
  const budget = readBudgets().windowWork.meter;
  assert.equal(budget, Math.floor(TARGET_INSTRUCTIONS_PER_WINDOW / cost.fit.instructionsPerToken));
});

test("the meter bundle's work per window (CAN link on) is within its budget (package.json meternet.budgets.windowWork)", async () => {
  const code = readFileSync(join(ROOT, "build/meter.js"), "latin1");
  const w = await workPerWindow((n) => meterDriverParts(code, n, true), 3, 8);
  const b = readBudgets();
  const instr = Math.round(w.t * cost.fit.instructionsPerToken);
  console.log(`meter: ${Math.round(w.t)} tokens and ${Math.round(w.c)} calls per window = about ${(instr / 1e6).toFixed(1)} M x86-64 instructions; budget ${b.windowWork.meter} tokens (1 M)`);
  assert.ok(w.t > 100, "the counters did not count: " + w.t);
  assert.equal(checkBudget("work per window (tokens)", "meter", Math.round(w.t), b.windowWork, b.windowWorkOver), null);
});

test("the window-work check fails for a bundle over its budget", async () => {
  // a meter that sums 500 numbers in JavaScript per window: about 500 x 13 tokens
  const code = "var adc = new MeterADC(); var sum = 0; adc.on('window', function (w) { for (var i = 0; i < 500; i++) sum += i * w.cycles; }); adc.start({ sampleRateHz: 12800, nominalHz: 50 });";
  const w = await workPerWindow((n) => meterDriverParts(code, n, false), 2, 4);
  assert.ok(w.t > 5000 && w.t < 9000, "tokens per window " + w.t);
  assert.match(checkBudget("work per window (tokens)", "meter", Math.round(w.t), { meter: 1164 }, {}) as string, /work per window \(tokens\) of meter is \d+, over its budget of 1164/);
});
