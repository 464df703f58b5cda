/**
 * The CPU guard that needs no interpreter: the meter bundle's JavaScript work per window,
 * counted by the host runtime (costHarness.ts: tokens Espruino lexes, calls, calls into the
 * native hooks, events the hooks deliver) and priced in Cortex-M3 instructions by the model
 * of costModel.ts, fitted on the Cortex-M rig (bench/device part (b)) for the current bundle
 * and older ones (test/realInterpreter/measuredCost.json, remeasured with
 * test/realInterpreter/rigCost.ts). Budget: package.json meternet.budgets.windowWork, issue
 * 17's target (10 % of the 199.8 ms window at CPI 1.5 of 72 MHz, CAN link on).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./jsVarHarness.ts";
import { meterDriverParts } from "./meterDriver.ts";
import { workPerWindow } from "./costHarness.ts";
import { checkBudget, readBudgets } from "./budgets.ts";
import { estimateInstructions, fitCost, rigWork, type CostFit, type CostPoint } from "./costModel.ts";

const cost = JSON.parse(readFileSync(join(ROOT, "test/realInterpreter/measuredCost.json"), "utf8")) as { rig: string; points: CostPoint[]; fit: CostFit };
/** Issue 17: the meter's JavaScript at most 10 % of the window at CPI 1.5 (72 MHz), in instructions. */
const TARGET_INSTRUCTIONS_PER_WINDOW = Math.floor((0.1 * (10 / 50.05) * 72e6) / 1.5);

test("the cost model tracks the Cortex-M rig: every calibration point within 10 %", () => {
  assert.equal(cost.rig, "thumb-m3");
  assert.ok(cost.points.length >= 4, "calibration points: " + cost.points.length);
  assert.ok(new Set(cost.points.map((p) => p.label)).size >= 2, "needs the current bundle and at least one older one");
  assert.ok(cost.points.some((p) => p.bundleTokensPerWindow < 1000), "needs a bundle whose per-window maths is in C");
  assert.deepEqual(fitCost(cost.points), cost.fit, "the stored fit is the fit of the stored points");
  for (const p of cost.points) {
    const err = estimateInstructions(cost.fit, rigWork(p)) / p.instructionsPerWindow - 1;
    assert.ok(Math.abs(err) <= 0.1, `${p.label} CAN ${p.canLink ? "on" : "off"}: ${p.instructionsPerWindow} instructions, estimate error ${(err * 100).toFixed(1)} %`);
  }
});

test("the meter's window budget is issue 17's target: 10 % of the window at CPI 1.5, in Cortex-M3 instructions", () => {
  assert.equal(readBudgets().windowWork.meter, TARGET_INSTRUCTIONS_PER_WINDOW);
});

test("the meter bundle's JavaScript per window (CAN link on) is within its budget (package.json meternet.budgets.windowWork)", async () => {
  const code = readFileSync(join(ROOT, "build/meter.js"), "latin1");
  const w = await workPerWindow((n) => meterDriverParts(code, n, true), 3, 8);
  const b = readBudgets();
  const instr = Math.round(estimateInstructions(cost.fit, w));
  console.log(`meter: ${w.t} tokens, ${w.c} calls, ${w.n} native calls, ${w.e} events per window = about ${(instr / 1e6).toFixed(3)} M Cortex-M3 instructions; budget ${b.windowWork.meter}`);
  assert.ok(w.t > 100, "the counters did not count: " + w.t);
  assert.ok(w.e > 0, "no event reached the bundle: " + w.e);
  assert.equal(checkBudget("JavaScript per window (Cortex-M3 instructions, estimated)", "meter", instr, b.windowWork, b.windowWorkOver), null);
});

test("the window-work check fails for a bundle over its budget", async () => {
  // a meter that sums 500 numbers in JavaScript per window: about 500 x 13 tokens
  const code = "var adc = new MeterADC(); var sum = 0; adc.on('window', function (w) { for (var i = 0; i < 500; i++) sum += i * w.cycles; }); adc.start({ sampleRateHz: 12800, nominalHz: 50 });";
  const w = await workPerWindow((n) => meterDriverParts(code, n, false), 2, 4);
  assert.ok(w.t > 5000 && w.t < 9000, "tokens per window " + w.t);
  const instr = Math.round(estimateInstructions(cost.fit, w));
  assert.match(checkBudget("JavaScript per window (Cortex-M3 instructions, estimated)", "meter", instr, { meter: TARGET_INSTRUCTIONS_PER_WINDOW }, {}) as string,
    new RegExp(`JavaScript per window \\(Cortex-M3 instructions, estimated\\) of meter is \\d+, over its budget of ${TARGET_INSTRUCTIONS_PER_WINDOW}`));
});
