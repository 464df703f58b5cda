import { test } from "node:test";
import assert from "node:assert/strict";
import { Poller, PollTarget, PollResult } from "./poller.ts";
import { ManualClock } from "../../host/ports/clock.ts";
import { CAN_OK, CAN_EBUSY } from "./controller.ts";

class FakeTarget implements PollTarget {
  polls: string[] = [];
  synced = new Set<number>([1, 2, 3]);
  syncs: number[] = [];
  busy = false;
  poll(a: number, fn: number): number {
    if (this.busy) return CAN_EBUSY;
    this.polls.push(`${a}:${fn}`);
    return CAN_OK;
  }
  isSynced(a: number): boolean { return this.synced.has(a); }
  requestSync(a: number): number { this.syncs.push(a); return CAN_OK; }
}

function make(maxInFlight = 1) {
  const clock = new ManualClock();
  const t = new FakeTarget();
  const p = new Poller(t, clock, { capacity: 32, maxInFlight, staleAfterPeriods: 3, syncRetryMs: 100, syncAfterMisses: 2 });
  const results: PollResult[] = [];
  p.onResult = (r) => results.push(r);
  return { clock, t, p, results };
}

/** Answers every outstanding poll at once (a perfect meter). */
function answerAll(p: Poller, t: FakeTarget, from: number): number {
  const fresh = t.polls.slice(from);
  for (const s of fresh) { const [a, fn] = s.split(":").map(Number); p.answer(a, fn); }
  return t.polls.length;
}

test("per-entry periods: a 1 s entry is polled 10 times in 10 s, a 5 s entry twice", () => {
  const { clock, t, p } = make(3);
  p.add(1, 6, 1000, 10, 50, 0);
  p.add(2, 6, 5000, 10, 50, 0);
  let seen = 0;
  for (let ms = 0; ms < 10000; ms += 10) { p.tick(); seen = answerAll(p, t, seen); clock.advance(10); }
  assert.equal(t.polls.filter((s) => s === "1:6").length, 10);
  assert.equal(t.polls.filter((s) => s === "2:6").length, 2);
});

test("priority first, then the earliest due; at most maxInFlight outstanding", () => {
  const { t, p } = make(2);
  p.add(1, 6, 1000, 10, 50, 0);
  p.add(2, 0, 1000, 0, 50, 0);
  p.add(3, 0, 1000, 0, 50, 0);
  p.tick();
  assert.deepEqual(t.polls, ["2:0", "3:0"], "alarm-priority entries first, two in flight");
  p.answer(2, 0);
  assert.deepEqual(t.polls, ["2:0", "3:0", "1:6"], "an answer frees a slot at once");
});

test("deadline -> retries -> miss with attempts counted; stale after 3 periods; sync after 2 misses", () => {
  const { clock, t, p, results } = make(1);
  p.add(1, 6, 1000, 10, 50, 2);
  assert.equal(p.isStale(1, 6), true, "stale until the first reading");
  p.tick();
  p.answer(1, 6);
  assert.equal(p.isStale(1, 6), false);
  clock.advance(1000);
  for (let ms = 1000; ms < 2900; ms += 10) { p.tick(); clock.advance(10); }
  assert.equal(p.isStale(1, 6), false, "not yet 3 periods since the last reading (t = 0)");
  for (let ms = 2900; ms < 3450; ms += 10) { p.tick(); clock.advance(10); }
  assert.equal(p.isStale(1, 6), true, "3 periods without a reading");
  const misses = results.filter((r) => !r.ok);
  assert.equal(misses.length, 2);
  assert.equal(misses[0].attempts, 3, "first try + 2 retries");
  assert.equal(p.retried, 6, "2 per missed round, and 2 in the round after the sync");
  assert.deepEqual(t.syncs, [1], "two misses in a row: the next due poll becomes a sync request");
  p.answer(1, 6);
  assert.equal(p.isStale(1, 6), false);
});

test("a busy controller defers the poll without losing it", () => {
  const { t, p } = make(1);
  p.add(1, 6, 1000, 10, 50, 0);
  t.busy = true;
  p.tick();
  assert.equal(t.polls.length, 0);
  t.busy = false;
  p.tick();
  assert.deepEqual(t.polls, ["1:6"]);
});

test("an unsynchronised meter gets sync requests (rate-limited), not polls; synced() polls it at once", () => {
  const { clock, t, p } = make(3);
  t.synced.delete(2);
  p.add(2, 6, 1000, 10, 50, 0);
  p.add(1, 6, 1000, 10, 50, 0);
  for (let ms = 0; ms < 350; ms += 10) { p.tick(); clock.advance(10); }
  assert.deepEqual(t.syncs, [2, 2, 2], "after syncRetryMs = 100 ms, then 200 ms (backoff)");
  assert.ok(!t.polls.includes("2:6"));
  assert.ok(t.polls.includes("1:6"), "other meters are unaffected");
  t.synced.add(2);
  p.synced(2);
  assert.ok(t.polls.includes("2:6"));
});

// issue 12, 3.4: a meter whose answers are lost but which hears the aggregator got a
// sync request every syncRetryMs (150 in 30 s at 200 ms), and started a new freshness
// epoch (two storage writes) for each. The wait now doubles after each unanswered
// request, up to syncRetryMaxMs, and starts again from syncRetryMs once it syncs.
test("sync requests to a meter that never answers back off exponentially, bounded per hour", () => {
  const clock = new ManualClock();
  const t = new FakeTarget();
  t.synced.delete(2);
  const p = new Poller(t, clock, { capacity: 8, maxInFlight: 3, staleAfterPeriods: 3, syncRetryMs: 200, syncAfterMisses: 2, syncRetryMaxMs: 60000 });
  p.add(2, 6, 1000, 10, 50, 0);
  const at: number[] = [];
  const run = (untilMs: number) => {
    while (clock.nowMs() < untilMs) {
      const before = t.syncs.length;
      p.tick();
      if (t.syncs.length > before) at.push(clock.nowMs());
      clock.advance(10);
    }
  };
  run(30000);
  // gaps 200, 400, 800 ... ms: requests near 0, 0.2, 0.6, 1.4, 3.0, 6.2, 12.6, 25.4 s
  assert.equal(at.length, 8, "8 requests in 30 s, not 150: " + at.join(" "));
  for (let k = 1; k < at.length; k++) assert.ok(at[k] - at[k - 1] >= 200 * 2 ** (k - 1), "gap " + k + " at least doubles");
  run(3600000);
  // then 51 s, 102 s, and one per 60 s: at most 70 requests (epoch starts) in the first hour
  assert.ok(at.length >= 66 && at.length <= 70, at.length + " requests in an hour");
  assert.ok(at[at.length - 1] - at[at.length - 2] <= 60050, "the wait stops growing at syncRetryMaxMs");
  // synced: back to polling; a later loss of sync starts again from syncRetryMs
  t.synced.add(2);
  p.synced(2);
  assert.ok(t.polls.includes("2:6"));
  t.synced.delete(2);
  at.length = 0;
  run(clock.nowMs() + 3000);
  assert.ok(at.length >= 3, at.join(" "));
  assert.ok(at[1] - at[0] >= 200 && at[1] - at[0] <= 250, "the first wait is syncRetryMs again: " + at.join(" "));
  assert.ok(at[2] - at[1] >= 400 && at[2] - at[1] <= 450, at.join(" "));
});

test("times are Int32 offsets: the schedule, staleness and lastGoodMsOf survive 60 days (past 2^31 ms) of uptime", () => {
  const { clock, t, p } = make(1);
  clock.advance(1.7e12); // a device clock in Unix ms, as Date.now() gives
  const p2 = new Poller(t, clock, { capacity: 4, maxInFlight: 1, staleAfterPeriods: 3, syncRetryMs: 100, syncAfterMisses: 2 });
  p2.add(1, 6, 60000, 10, 50, 0);
  const day = 86400000;
  let seen = t.polls.length;
  for (let d = 0; d < 60; d++) {
    // one day in 1-minute steps: answered each time, so never stale
    for (let m = 0; m < 1440; m++) {
      p2.tick();
      seen = answerAll(p2, t, seen);
      clock.advance(60000);
    }
    assert.equal(p2.isStale(1, 6), false, "answered every minute, day " + d);
  }
  assert.equal(t.polls.length, 60 * 1440, "one poll a minute for 60 days, none lost or doubled across the rebases");
  assert.equal(p2.lastGoodMsOf(1, 6), 1.7e12 + 60 * day - 60000, "lastGoodMsOf is absolute device time");
  clock.advance(4 * 60000);
  p2.tick();
  assert.equal(p2.isStale(1, 6), true, "stale 3 periods after the last answer");
  void p;
});

test("periods and deadlines are kept in 16 bits: add() refuses what would not fit instead of wrapping it", () => {
  const { p } = make(1);
  assert.throws(() => p.add(1, 6, 65536, 10, 50, 0), /1\.\.65535 ms/);
  assert.throws(() => p.add(1, 6, 1000, 10, 0, 0), /1\.\.65535 ms/);
  assert.equal(p.add(1, 6, 65535, 10, 50, 0), 0);
});

test("the heap schedule polls exactly what the old scan of every entry polled, in the same order (random answers, misses, resyncs)", async () => {
  const { ScanPoller } = await import("./testing/scanPoller.ts");
  for (let seed = 1; seed <= 6; seed++) {
    let x = seed * 7919;
    const rnd = () => { x = (x * 1103515245 + 12345) % 2147483648; return x / 2147483648; };
    const clock = new ManualClock(1.7e12);
    const logs: string[][] = [[], []];
    const synced = new Set<number>();
    const targets = [0, 1].map((k) => ({
      poll: (a: number, fn: number) => { logs[k].push(clock.nowMs() + " " + a + ":" + fn); return CAN_OK; },
      isSynced: (a: number) => synced.has(a),
      requestSync: (a: number) => { logs[k].push(clock.nowMs() + " sync " + a); return CAN_OK; },
    }));
    const o = { capacity: 80, maxInFlight: 3, staleAfterPeriods: 3, syncRetryMs: 200, syncAfterMisses: 2 };
    const ps = [new Poller(targets[0], clock, o), new ScanPoller(targets[1], clock, o)];
    const plan = [[0, 1000, 0], [8, 1000, 10], [6, 2000, 20], [7, 2000, 20], [9, 5000, 30], [11, 10000, 40]];
    for (let a = 0; a < 12; a++) { synced.add(a); for (const [fn, per, pr] of plan) for (const p of ps) p.add(a, fn, per, pr, 50, 2); }
    let seen = 0;
    for (let ms = 0; ms < 60000; ms += 10) {
      for (const p of ps) p.tick();
      assert.deepEqual(logs[0], logs[1], "seed " + seed + " at " + ms + " ms");
      // answer most new polls (a silent meter 5 from 20 s to 30 s; 3 % lost at random)
      const fresh = logs[0].slice(seen).filter((l) => !l.includes("sync"));
      seen = logs[0].length;
      for (const l of fresh) {
        const [a, fn] = l.split(" ")[1].split(":").map(Number);
        if ((a === 5 && ms > 20000 && ms < 30000) || rnd() < 0.03) continue;
        for (const p of ps) p.answer(a, fn);
      }
      if (rnd() < 0.002) { const a = Math.floor(rnd() * 12); synced.delete(a); }
      for (const a of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) if (!synced.has(a) && rnd() < 0.05) { synced.add(a); for (const p of ps) p.synced(a); }
      seen = logs[0].length;
      assert.deepEqual(logs[0], logs[1], "seed " + seed + " after answers at " + ms + " ms");
      clock.advance(10);
    }
    assert.ok(logs[0].length > 2500, "polls " + logs[0].length);
    for (const a of [1, 5]) for (const fn of [0, 6]) assert.equal(ps[0].isStale(a, fn), ps[1].isStale(a, fn));
    assert.deepEqual([ps[0].sent, ps[0].answered, ps[0].retried, ps[0].missed, ps[0].syncRequests], [ps[1].sent, ps[1].answered, ps[1].retried, ps[1].missed, ps[1].syncRequests]);
  }
});
