import { test } from "node:test";
import assert from "node:assert/strict";
import { referenceSinusoidalSet, referenceNonSinusoidalSet } from "./testSets.ts";
import { steadyStateTruth } from "./truth.ts";

test("reference sinusoidal set: seeded, inside the published ranges", () => {
  const a = referenceSinusoidalSet(200, { seed: 3 });
  assert.deepEqual(referenceSinusoidalSet(200, { seed: 3 }), a);
  assert.notDeepEqual(referenceSinusoidalSet(200, { seed: 4 }), a);
  for (const s of a) {
    const f = s.frequencyHz as number;
    assert.ok(f >= 42.5 && f <= 57.5);
    assert.ok(s.v.rms >= 115 && s.v.rms <= 230);
    assert.ok(s.i.rms >= 1.5 && s.i.rms <= 30);
    assert.ok(s.displacementRad! >= -Math.PI / 4 && s.displacementRad! <= Math.PI / 2);
  }
  // the grid spans its ranges (not a degenerate stream)
  const fs = a.map((s) => s.frequencyHz as number);
  assert.ok(Math.min(...fs) < 43.5 && Math.max(...fs) > 56.5);
  // P and N both come close to zero inside the set (why the bench states their errors in % of S)
  const t = a.map((s) => steadyStateTruth(s));
  assert.ok(t.some((x) => x.pW / x.sVA < 0.05) && t.some((x) => x.nVA / x.sVA < 0.05));
});

test("reference non-sinusoidal set: five harmonics 3..39 per channel, THD exactly 8 %", () => {
  for (const s of referenceNonSinusoidalSet(200, { seed: 3 })) {
    for (const ch of [s.v, s.i]) {
      const orders = ch.components!.map((c) => c.order);
      assert.equal(new Set(orders).size, 5);
      assert.ok(orders.every((h) => h >= 3 && h <= 39 && Number.isInteger(h)));
    }
    const t = steadyStateTruth(s);
    assert.ok(Math.abs(t.thdVPct - 8) < 1e-9 && Math.abs(t.thdIPct - 8) < 1e-9);
  }
});

test("reference event set: kinds, depths and durations in range, events inside the record", async () => {
  const { referenceEventSet } = await import("./testSets.ts");
  const { eventTruth } = await import("./truth.ts");
  const set = referenceEventSet(100, { seed: 2 });
  const kinds = new Set(set.map((c) => c.spec.events![0]!.kind));
  assert.deepEqual([...kinds].sort(), ["dip", "interruption", "swell"]);
  for (const c of set) {
    const [e] = eventTruth(c.spec, c.declaredV);
    const f = c.spec.frequencyHz as number;
    assert.ok(e!.durationS * f > 0.999 && e!.durationS * f < 30.001);
    assert.ok(e!.endS + 0.3 <= c.durationS, "steady signal after the event");
    if (e!.kind === "dip") assert.ok(e!.residualOfDeclaredPct >= 10 && e!.residualOfDeclaredPct <= 85);
    if (e!.kind === "swell") assert.ok(e!.residualOfDeclaredPct >= 115 && e!.residualOfDeclaredPct <= 150);
    if (e!.kind === "interruption") assert.ok(e!.residualOfDeclaredPct < 5);
  }
});
