import { test } from "node:test";
import assert from "node:assert/strict";
import { RealClock, TimerSource, VirtualClock } from "./clock.ts";

/** A source with fixed due times that records when each fired. */
function source(clock: VirtualClock | RealClock, name: string, dues: number[], log: string[]): TimerSource {
  const pending = dues.slice();
  const s: TimerSource = {
    nextDueMs: () => (pending.length ? Math.min(...pending) : undefined),
    runDue: () => {
      const now = clock.nowMs();
      for (const d of pending.filter((x) => x <= now)) {
        log.push(name + "@" + d + "=" + now);
        pending.splice(pending.indexOf(d), 1);
      }
    },
  };
  return s;
}

test("VirtualClock fires each source at its due time, earliest first, across sources", () => {
  const clock = new VirtualClock();
  const log: string[] = [];
  clock.subscribe(source(clock, "a", [30, 10], log));
  clock.subscribe(source(clock, "b", [20, 10], log));
  clock.advance(25);
  assert.deepEqual(log, ["a@10=10", "b@10=10", "b@20=20"]);
  assert.equal(clock.nowMs(), 25);
  clock.advance(10);
  assert.deepEqual(log.slice(3), ["a@30=30"]);
  assert.equal(clock.nowMs(), 35);
});

test("VirtualClock refuses to go backwards and negative steps", () => {
  const clock = new VirtualClock(100);
  assert.throws(() => clock.advanceTo(50), /backwards/);
  assert.throws(() => clock.advance(-1), /ms must be >= 0/);
});

test("VirtualClock.runUntilIdle stops at the last timer or the limit", () => {
  const clock = new VirtualClock();
  const log: string[] = [];
  clock.subscribe(source(clock, "a", [5, 500], log));
  assert.equal(clock.runUntilIdle(100), 5);
  assert.equal(clock.runUntilIdle(1000), 495);
  assert.equal(log.length, 2);
});

test("detached sources are no longer fired", () => {
  const clock = new VirtualClock();
  const log: string[] = [];
  const sub = clock.subscribe(source(clock, "a", [5], log));
  sub.detach();
  clock.advance(10);
  assert.deepEqual(log, []);
});

test("RealClock fires a due source from a host timer and then disarms", async () => {
  const clock = new RealClock();
  const log: string[] = [];
  const start = clock.nowMs();
  clock.subscribe(source(clock, "r", [start + 20], log));
  assert.equal(clock.isArmed(), true);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(log.length, 1);
  assert.equal(clock.isArmed(), false);
});
