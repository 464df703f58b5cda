import { test } from "node:test";
import assert from "node:assert/strict";
import { CLASSES, CYCLE_FN, DEFAULT_ASSUMPTIONS, idleLatency, loadedLatency, pollCycle } from "./pollBench.ts";

test("idle poll: every class answers within 2x the wire time of remote + answer, and after at least the wire time of the remote", () => {
  for (const r of idleLatency(DEFAULT_ASSUMPTIONS, 63)) {
    assert.ok(r.answerUs <= 2 * r.wireUs, r.cls + ": " + r.answerUs + " us vs wire " + r.wireUs);
    assert.ok(r.answerUs >= r.wireUs - 3 * 8 - 1, r.cls + " faster than the wire allows");
    assert.ok(r.toMeterIsrUs < 3600 / 5, r.cls + ": request to meter ISR " + r.toMeterIsrUs + " us");
  }
});

test("64-meter poll cycle within 1.3x its wire limit with the default interpreter assumptions", () => {
  const c = pollCycle(64, DEFAULT_ASSUMPTIONS);
  assert.equal(c.answers, 64);
  assert.ok(c.cycleUs <= 1.3 * c.wireLimitUs, c.cycleUs + " vs " + c.wireLimitUs);
  // ~130 bits per pair at 8 us: the limit is 60..100 ms
  assert.ok(c.wireLimitUs > 60000 && c.wireLimitUs < 100000, "wire limit " + c.wireLimitUs);
});

test("a saturated aggregator interpreter (2 ms per answer) misses the 1.3x target: the bench can fail", () => {
  const c = pollCycle(64, Object.assign({}, DEFAULT_ASSUMPTIONS, { aggVerifyUs: 1700 }));
  assert.ok(c.cycleUs > 1.3 * c.wireLimitUs);
});

test("under a running cycle, classes above the cycle's priority answer within 2x wire; lower ones wait", () => {
  const r = loadedLatency(16, DEFAULT_ASSUMPTIONS);
  for (let i = 0; i < CLASSES.length; i++) {
    if (CLASSES[i].fn < CYCLE_FN) assert.ok(r[i].answerUs <= 2 * r[i].wireUs, CLASSES[i].name + " " + r[i].answerUs);
    else assert.ok(r[i].answerUs > 2 * r[i].wireUs, CLASSES[i].name + " should queue behind the cycle");
  }
});

test("end to end with modules/can nodes: 8 meters synchronised, all answers verified, cycle at the wire limit", async () => {
  const { endToEndCycle } = await import("./endToEnd.ts");
  const r = endToEndCycle(8, 1100, 2);
  assert.equal(r.synced, 8);
  assert.equal(r.answered, 8);
  assert.equal(r.rejects, 0);
  assert.ok(r.verifiedUs <= 1.3 * r.wireLimitUs, r.verifiedUs + " vs " + r.wireLimitUs);
});
