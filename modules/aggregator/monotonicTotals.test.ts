/**
 * The totals the aggregator shows never go down (Home Assistant and other consumers read
 * a decrease as a meter reset): a register lower than the last one seen (meter replaced
 * or reset) is treated as a reset: the shown total stays where it was and counts on from
 * there, the reset is counted per meter and logged, and billing counts no energy for that step.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Aggregator } from "./aggregator.ts";
import { restoreAggregator } from "./restoreState.ts";
import { config, memStorage } from "./testing/fixtures.ts";
import { L_N, L_IMP, L_EXP } from "./readingsStore.ts";

const T0 = 1_800_000_000;

function shown(a: Aggregator, m: number): number[] {
  return [a.store.latest[m * L_N + L_IMP], a.store.latest[m * L_N + L_EXP]];
}

test("a register going back (meter replaced) keeps the shown total and counts on from it, flagged", () => {
  const storage = memStorage();
  const a = new Aggregator(config(), storage, { sendCommand: () => 0 });
  const lines: string[] = [];
  a.logLine = (l) => lines.push(l);
  const m = a.reg.indexOf(1);
  const feed = (t: number, imp: number, exp: number) => assert.ok(a.onReading({ address: 1, timeS: T0 + t, powerW: 0, importmWh: imp, exportmWh: exp }));
  feed(0, 5_000_000, 200_000);
  feed(10, 6_000_000, 200_000);
  feed(20, 1_000_000, 0); // the new meter starts low
  assert.deepEqual(shown(a, m), [6_000_000, 200_000], "shown totals never go down");
  feed(30, 1_500_000, 50_000);
  assert.deepEqual(shown(a, m), [6_500_000, 250_000]);
  assert.equal(a.store.resets[m], 1, "one reset flagged");
  assert.ok(lines.some((l) => /meter 1: energy register went back .*treated as a meter reset/.test(l)), lines.join("\n"));
  assert.deepEqual([a.store.open[m * 2], a.store.open[m * 2 + 1]], [1_500_000, 50_000], "billing: 1 kWh before, 0.5 kWh after, nothing for the step back");
  // an aggregator restart keeps the offset: the next reading counts on, no new reset
  a.save(T0 + 40);
  const b = new Aggregator(config(), storage, { sendCommand: () => 0 });
  restoreAggregator(b);
  b.onReading({ address: 1, timeS: T0 + 50, powerW: 0, importmWh: 1_600_000, exportmWh: 50_000 });
  assert.deepEqual(shown(b, m), [6_600_000, 250_000]);
  assert.equal(b.store.resets[m], 1);
});
