/**
 * The aggregator link's C schedule (boards/STM32F107/aglink, through the addon) against
 * modules/can/poller.ts and its oracle modules/can/testing/scanPoller.ts: the three are
 * driven side by side with the same random answers, losses, silent meters and
 * resynchronisations, and must send the same frames (polls and sync requests) in the
 * same order at the same times, report the same outcomes and end with the same totals.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Poller, PollResult } from "../../modules/can/poller.ts";
import { ScanPoller } from "../../modules/can/testing/scanPoller.ts";
import { ManualClock } from "../ports/clock.ts";
import { CAN_OK, CAN_EBUSY } from "../../modules/can/controller.ts";
import { securePlan, planCounters } from "../../modules/can/secured.ts";
import { secocAddon } from "./secoc.ts";
import { newAgLink, NativeAgLink, AGC } from "./aglink.ts";

const PLAN = [[0, 1000, 0], [8, 1000, 10], [6, 2000, 20], [7, 2000, 20], [9, 5000, 30], [10, 5000, 30], [11, 10000, 40], [12, 10000, 40]];

function secocNode() {
  const dims = planCounters("aggregator");
  return new (secocAddon().SecocNode)(1, dims.rx, dims.tx, securePlan("aggregator"));
}

/** Runs the three schedules for `ms` with `meters` meters and `messages` of PLAN each. */
function race(seed: number, meters: number, messages: number, ms: number, busyRate: number) {
  let x = seed * 7919;
  const rnd = () => { x = (x * 1103515245 + 12345) % 2147483648; return x / 2147483648; };
  const clock = new ManualClock(1.7e12);
  const logs: string[][] = [[], [], []];
  const results: string[][] = [[], [], []];
  const synced = new Set<number>();
  let busy = false;
  // meter 5 is silent from 20 s to 30 s: a sync request to it unsynchronises it (as the C link does) until it answers one
  let silent = false;
  const targets = [0, 1, 2].map((k) => ({
    poll: (a: number, fn: number) => { if (busy) return CAN_EBUSY; logs[k].push(clock.nowMs() + " " + a + ":" + fn); return CAN_OK; },
    isSynced: (a: number) => synced.has(a),
    requestSync: (a: number) => { logs[k].push(clock.nowMs() + " sync " + a); if (silent && a === 5 && k === 2) synced.delete(a); return CAN_OK; },
    result: (a: number, fn: number, ok: boolean, latencyMs: number, attempts: number) => { results[k].push([a, fn, ok, latencyMs, attempts].join(" ")); },
  }));
  const o = { capacity: meters * messages, maxInFlight: 3, staleAfterPeriods: 3, syncRetryMs: 200, syncAfterMisses: 2 };
  const js = new Poller(targets[0], clock, o);
  const scan = new ScanPoller(targets[1], clock, o);
  const c: NativeAgLink = newAgLink(secocNode(), o, clock.nowMs());
  for (const p of [js, scan]) p.onResult = (r: PollResult) => { results[p === js ? 0 : 1].push([r.address, r.fn, r.ok, r.latencyMs, r.attempts].join(" ")); };
  for (let a = 0; a < meters; a++) {
    synced.add(a);
    for (const [fn, per, pr] of PLAN.slice(0, messages)) {
      js.add(a, fn, per, pr, 50, 2);
      scan.add(a, fn, per, pr, 50, 2);
      assert.ok(c.add(a, fn, per, pr, 50, 2, clock.nowMs()) >= 0);
    }
  }
  const all = {
    tick() { js.tick(); scan.tick(); c.tick(clock.nowMs(), targets[2]); },
    answer(a: number, fn: number) { js.answer(a, fn); scan.answer(a, fn); c.answer(a, fn, clock.nowMs(), targets[2]); },
    synced(a: number) { js.synced(a); scan.synced(a); c.synced(a, clock.nowMs(), targets[2]); },
  };
  const same = (where: string) => {
    assert.deepEqual(logs[2], logs[0], "C vs poller.ts, seed " + seed + " " + where);
    assert.deepEqual(logs[1], logs[0], "scanPoller vs poller.ts, seed " + seed + " " + where);
    assert.deepEqual(results[2], results[0], "outcomes, seed " + seed + " " + where);
  };
  let seen = 0;
  for (let t = 0; t < ms; t += 10) {
    busy = rnd() < busyRate;
    silent = t > 20000 && t < 30000;
    all.tick();
    busy = false;
    same("at " + t + " ms");
    const fresh = logs[0].slice(seen).filter((l) => !l.includes("sync"));
    seen = logs[0].length;
    for (const l of fresh) {
      const [a, fn] = l.split(" ")[1].split(":").map(Number);
      // a silent meter 5 from 20 s to 30 s; 3 % lost at random
      if ((a === 5 && t > 20000 && t < 30000) || rnd() < 0.03) continue;
      all.answer(a, fn);
    }
    if (rnd() < 0.002) synced.delete(Math.floor(rnd() * meters));
    for (let a = 0; a < meters; a++) if (!synced.has(a) && !(silent && a === 5) && rnd() < 0.05) { synced.add(a); all.synced(a); }
    // now and then a spontaneous answer nobody polled for (an alarm): keeps its own schedule
    if (rnd() < 0.01) all.answer(Math.floor(rnd() * meters), 0);
    seen = logs[0].length;
    same("after answers at " + t + " ms");
    clock.advance(10);
  }
  const counts = new Uint32Array(AGC.count);
  c.counters(counts);
  assert.deepEqual([counts[AGC.sent], counts[AGC.answered], counts[AGC.retried], counts[AGC.missed], counts[AGC.syncRequests], counts[AGC.skipped], counts[AGC.refused]],
    [js.sent, js.answered, js.retried, js.missed, js.syncRequests, js.skippedNow(), js.refused], "totals, seed " + seed);
  for (let a = 0; a < meters; a++) for (const [fn] of PLAN.slice(0, messages)) {
    assert.equal(c.isStale(a, fn, clock.nowMs()), js.isStale(a, fn), "isStale " + a + ":" + fn);
    assert.equal(c.lastGoodMs(a, fn), js.lastGoodMsOf(a, fn), "lastGoodMs " + a + ":" + fn);
  }
  return { polls: logs[0].length, syncs: logs[0].filter((l) => l.includes("sync")).length, missed: js.missed, skipped: js.skippedNow(), refused: js.refused, results: results[0].length };
}

test("the C schedule sends what poller.ts and scanPoller.ts send, in the same order (12 meters x 6 messages, 3 seeds)", () => {
  for (let seed = 1; seed <= 3; seed++) {
    const r = race(seed, 12, 6, 40000, 0);
    assert.ok(r.polls > 1600 && r.syncs > 0 && r.missed > 0 && r.skipped > 20, JSON.stringify(r));
  }
});

test("64 meters x 8 messages with busy mailboxes: the same frames in the same order", () => {
  const r = race(7, 64, 8, 15000, 0.05);
  // 3 in flight and answers only between 10 ms ticks: about 120 polls a second
  assert.ok(r.polls > 1500 && r.syncs > 0 && r.missed > 0 && r.skipped > 0 && r.refused > 0, JSON.stringify(r));
});
