// The co-generator node on the bit-timed bus: the aggregator's link polls its
// COGEN_STATUS, verifies it like a meter's answer (key, freshness, CMAC), and the
// Aggregator shows what it reported; a node with the wrong key never gets through.
import { test } from "node:test";
import assert from "node:assert/strict";
import { VirtualCanBus, BxcanModel, linkToClock } from "../canbus/index.ts";
import { VirtualClock } from "../runtime/index.ts";
import { MemoryKvStore } from "../ports/kvStore.ts";
import { AggregatorLink, TICK_MS, ROW_LEN, COL_CO_STATE, COL_CO_POWER } from "../../modules/link/aggregatorLink.ts";
import { ROW_ADDRESS, ROW_TRIGGER } from "../../modules/link/linkPort.ts";
import { rowReadings } from "../../modules/link/rowReadings.ts";
import { Aggregator } from "../../modules/aggregator/aggregator.ts";
import { config, memStorage } from "../../modules/aggregator/testing/fixtures.ts";
import { SimCogenerator, cogenAt, CO_OFF, CO_STARTING, CO_RUNNING, CO_FAULT } from "./cogenerator.ts";
import { rejectTotal } from "../../modules/can/rejects.ts";

const MASTER = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);

function site(cogenMaster: Uint8Array) {
  const bus = new VirtualCanBus({ bitrate: 125000 });
  const clock = new VirtualClock(0);
  linkToClock(bus.scheduler, clock);
  // 10:00 local: running
  const cogen = new SimCogenerator(bus, clock, cogenMaster, 9, 10 * 3600, () => {});
  // the co-generator's status rows (the C link keeps every answer; rows come once a second)
  const readings: { address: number; message: string; values: { CoState: number; CoPowerW: number } }[] = [];
  const polls: string[] = [];
  const agg = new Aggregator(config(), memStorage(), { sendCommand: () => 0 });
  const feed = rowReadings({
    reading: (a, t, p, i, e) => agg.reading(a, t, p, i, e),
    setCogen: (st, p, t) => agg.setCogen(st, p, t),
    pollResult: (a, ok, t) => { polls.push(a + (ok ? ":ok" : ":missed")); return agg.pollResult(a, ok, t); },
  }, () => Math.floor(clock.nowMs() / 1000), () => {});
  const link = new AggregatorLink({
    can: new BxcanModel(bus, "aggregator"), masterKey16: MASTER, addresses: [3], cogenerators: [9], store: new MemoryKvStore(),
    clock, log: () => {},
    onRows: (rows, n) => {
      for (let k = 0; k < n; k++) {
        const b = k * ROW_LEN;
        if (rows[b + ROW_TRIGGER] & (1 << 13)) readings.push({ address: rows[b + ROW_ADDRESS], message: "COGEN_STATUS", values: { CoState: rows[b + COL_CO_STATE], CoPowerW: rows[b + COL_CO_POWER] } });
      }
      feed(rows, n);
    },
  });
  let due = 0;
  clock.subscribe({ nextDueMs: () => due, runDue: () => { link.tick(); due += TICK_MS; } });
  return { clock, cogen, link, agg, readings, polls };
}

test("the co-generator's status reaches the aggregator authenticated, over CAN, every 2 s", () => {
  const s = site(MASTER);
  s.clock.advance(10_000);
  const co = s.readings.filter((r) => r.message === "COGEN_STATUS");
  // a row each second its status was answered (every 2 s)
  assert.ok(co.length >= 4 && co.length <= 6, `${co.length} status rows in 10 s`);
  const st = JSON.parse(JSON.stringify(s.link.status()));
  const m9 = st.meters.find((m: { address: number }) => m.address === 9);
  assert.ok(m9.readings >= 4 && m9.readings <= 6, "only its status is polled (alarms aside): " + JSON.stringify(m9));
  const last = co[co.length - 1];
  assert.equal(last.values.CoState, CO_RUNNING);
  assert.equal(last.values.CoPowerW, s.cogen.powerW);
  assert.equal(s.agg.coState, CO_RUNNING);
  assert.equal(s.agg.coPowerW, s.cogen.powerW);
  assert.ok(s.agg.coS >= 8, `as of ${s.agg.coS}`);
  const rj = st.rejects;
  assert.equal(rj.badMac + rj.stale + rj.unsynced + rj.internal + rj.length + rj.unknownId, 0);
  assert.equal(rejectTotal(s.cogen.node.rejects), 0);
  // the meter at address 3 does not exist: its sync requests go unanswered (backing off
  // from 200 ms, doubling: 5 in 10 s), each a missed poll, and it goes offline
  // (answers are reported only after misses: rowReadings.ts)
  assert.ok(!s.polls.includes("9:missed"), "the co-generator answers every poll");
  const misses = s.polls.filter((p) => p === "3:missed").length;
  assert.ok(misses >= 4 && misses <= 6, `${misses} misses`);
  assert.equal(s.agg.isOffline(s.agg.reg.indexOf(3)), true);
});

test("a co-generator with the wrong key never reaches the aggregator", () => {
  const s = site(new Uint8Array(16).fill(7));
  s.clock.advance(10_000);
  assert.equal(s.readings.filter((r) => r.message === "COGEN_STATUS").length, 0);
  assert.ok(Number.isNaN(s.agg.coS));
  const rj = JSON.parse(JSON.stringify(s.link.status())).rejects;
  assert.ok(rj.badMac + rj.stale + rj.unsynced > 0 || rejectTotal(s.cogen.node.rejects) > 0, "its frames or the sync requests were rejected");
});

test("the co-generator's day: off at night, starting, running with heat-led output, a fault at 14:00", () => {
  assert.deepEqual(cogenAt(3 * 3600, 0), { state: CO_OFF, powerW: 0 });
  assert.equal(cogenAt(5 * 3600 + 55 * 60, 0).state, CO_STARTING);
  assert.equal(cogenAt(5 * 3600 + 55 * 60, 0).powerW, 1000, "half way through the 10-minute start: 1 kW of 2");
  for (let h = 6; h < 22; h += 0.25) {
    const s = cogenAt(h * 3600, 3);
    if (h >= 14 && h < 14 + 1 / 3) assert.deepEqual(s, { state: CO_FAULT, powerW: 0 });
    else assert.ok(s.state === CO_RUNNING && s.powerW >= 4000 && s.powerW <= 5500, `${h} h: ${JSON.stringify(s)}`);
  }
  assert.equal(cogenAt(22 * 3600, 0).state, CO_OFF);
});
