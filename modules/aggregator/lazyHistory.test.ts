// lazyHistory.ts: the NOR history built for one task and let go after, one archive kind at
// a time; a put or load without a held archive builds it for that call only; a history
// that cannot be built counts writes as failed and reads as nothing, one attempt a task.
import { test } from "node:test";
import assert from "node:assert/strict";
import { lazyHistory } from "./lazyHistory.ts";
import type { HistoryArchives, HistoryFactory } from "./historyOnNor.ts";

/** A history whose archives remember one profile value and one day, counting loads and builds per kind. */
function fakeHistory(counts: { loads: number; day: number; profile: number }): () => HistoryFactory {
  const rec: { w: number; day: number } = { w: NaN, day: -1 };
  return () => {
    counts.loads++;
    return (n, onFail, day) => {
      const a = {} as HistoryArchives;
      if (day !== true) { counts.profile++; a.profile = { put: (s, w) => { rec.w = w[0]; }, get: (s, m) => rec.w + 1000 * m }; }
      if (day !== false) { counts.day++; a.day = { put: (d) => { rec.day = d; }, load: () => rec.day }; }
      return a;
    };
  };
}

test("lazyHistory: a profile get builds the profile alone and keeps it for the task; puts and loads build for one call", () => {
  const counts = { loads: 0, day: 0, profile: 0 };
  const pending: (() => void)[] = [];
  let fails = 0;
  const h = lazyHistory(fakeHistory(counts), (f) => pending.push(f))(4, () => fails++);
  assert.equal(counts.loads, 0, "nothing built before the first use");
  h.profile.put(3, new Int16Array([42, 0, 0, 0]));
  assert.deepEqual(counts, { loads: 1, day: 0, profile: 1 }, "a put builds its archive for itself");
  assert.equal(pending.length, 0, "and keeps nothing to drop");
  h.day.put(6, new Int32Array(8), new Float64Array(8));
  assert.deepEqual(counts, { loads: 2, day: 1, profile: 1 }, "a day put builds the day archive alone");
  for (let m = 0; m < 4; m++) assert.equal(h.profile.get(3, m), 42 + 1000 * m);
  assert.deepEqual(counts, { loads: 3, day: 1, profile: 2 }, "one build for the task's gets");
  h.profile.put(4, new Int16Array([7, 0, 0, 0]));
  assert.deepEqual(counts, { loads: 3, day: 1, profile: 2 }, "a profile put uses the held profile");
  h.day.put(7, new Int32Array(8), new Float64Array(8));
  assert.equal(h.day.load(7, new Int32Array(8), new Float64Array(8)), 7);
  assert.deepEqual(counts, { loads: 5, day: 3, profile: 2 }, "day calls build for themselves while the profile is held");
  assert.equal(pending.length, 1, "one drop scheduled");
  pending.shift()!();
  assert.equal(h.profile.get(3, 1), 1007, "the next task builds it again and reads what was written");
  assert.deepEqual(counts, { loads: 6, day: 3, profile: 3 });
  assert.equal(fails, 0);
});

test("lazyHistory: keep() has a task's day loads share one build (a bill reads a day per call); a profile get lets it go; drop() too", () => {
  const counts = { loads: 0, day: 0, profile: 0 };
  const pending: (() => void)[] = [];
  const h = lazyHistory(fakeHistory(counts), (f) => pending.push(f))(2, () => {});
  h.day.put(9, new Int32Array(4), new Float64Array(4));
  assert.equal(h.day.load(0, new Int32Array(4), new Float64Array(4)), 9);
  assert.deepEqual(counts, { loads: 2, day: 2, profile: 0 }, "without keep() each put and load builds for itself");
  assert.equal(pending.length, 0, "and nothing stays");
  h.day.keep!();
  for (let r = 0; r < 12; r++) assert.equal(h.day.load(r, new Int32Array(4), new Float64Array(4)), 9);
  assert.deepEqual(counts, { loads: 3, day: 3, profile: 0 }, "twelve loads after keep(): one build");
  assert.equal(pending.length, 1, "dropped when the task ends");
  h.profile.get(0, 0);
  assert.deepEqual(counts, { loads: 4, day: 3, profile: 1 }, "a profile get holds the profile instead (one kind at a time)");
  h.day.load(0, new Int32Array(4), new Float64Array(4));
  assert.deepEqual(counts, { loads: 5, day: 4, profile: 1 }, "so a load builds the day archive for itself again");
  assert.equal(pending.length, 1, "still one drop for the task");
  h.day.drop!();
  h.day.keep!();
  assert.equal(pending.length, 2, "the keep() after drop() scheduled its own drop");
  pending.splice(0).forEach((f) => f());
  h.day.put(2, new Int32Array(4), new Float64Array(4));
  assert.deepEqual(counts, { loads: 7, day: 6, profile: 1 }, "nothing held after the task");
});

test("lazyHistory without a history: writes count as failures, reads find nothing, one attempt a task", () => {
  let loads = 0, fails = 0;
  const pending: (() => void)[] = [];
  const h = lazyHistory(() => { loads++; return undefined; }, (f) => pending.push(f))(2, () => fails++);
  h.profile.put(0, new Int16Array(2));
  h.day.put(0, new Int32Array(4), new Float64Array(4));
  assert.ok(Number.isNaN(h.profile.get(0, 0)));
  assert.equal(h.day.load(0, new Int32Array(4), new Float64Array(4)), -1);
  assert.equal(fails, 2);
  assert.equal(loads, 4, "each put/load tries, the task's gets try once");
  assert.ok(Number.isNaN(h.profile.get(1, 0)));
  assert.equal(loads, 4);
  pending.shift()!();
  const throwing = lazyHistory(() => { throw new Error("history broken"); }, (f) => pending.push(f))(2, () => fails++);
  assert.ok(Number.isNaN(throwing.profile.get(0, 0)), "a history that throws is no history");
  throwing.profile.put(0, new Int16Array(2));
  assert.equal(fails, 3);
});
