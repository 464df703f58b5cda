// The two halves of the CAN link on the bit-timed virtual bus (host/canbus): readings
// flow from the meter's publish() to the aggregator's onReading, relay commands flow
// back authenticated, and both status objects count what happened.
import { test } from "node:test";
import assert from "node:assert/strict";
import { VirtualCanBus, BxcanModel } from "../../host/canbus/index.ts";
import { nodeAes } from "../../host/ports/aes.ts";
import { MemoryKvStore } from "../../host/ports/kvStore.ts";
import { meterKey } from "../can/kdf.ts";
import { MeterLink, meterSignals, publishedRows } from "./meterLink.ts";
import { DATA_SIGNAL_ROWS, signalRow } from "../can/secured.ts";
import { AggregatorLink, TICK_MS, ROW_LEN, ROW_FN_COUNT, rowFns, COL_P_IMPORT, COL_P_EXPORT, COL_E_IMPORT, COL_ALARM } from "./aggregatorLink.ts";
import { ROW_ADDRESS } from "./linkPort.ts";
import { FN_MEAS_VOLTAGE_FREQ, FN_MEAS_CURRENT_PF, FN_MEAS_QUALITY } from "../can/idPlan.ts";

const MASTER = new Uint8Array([9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6]);
// flags: crossings-estimated (0x0004) in the published window; since: also clipped-i (0x0002) and the IEC flag (0x2000)
const READING = { vRmsV: 230.5, iRmsA: 4.25, fHz: 50.01, pW: 950, qVar: 120, sVA: 980, pf: 0.969, thdVPct: 2.1, thdIPct: 12.5, flags: 0x0004, flagsSince: 0x2006 };

function network(publishEvery: number) {
  const aes = nodeAes();
  const bus = new VirtualCanBus({ bitrate: 125000 });
  const clock = { nowMs: () => bus.scheduler.nowUs() / 1000 };
  const relays: boolean[] = [];
  const readings: number[][] = [];
  const meter = new MeterLink({
    can: new BxcanModel(bus, "meter5"), address: 5, key16: meterKey(aes, MASTER, 5), store: new MemoryKvStore(), log: () => {},
    relay: (closed) => { relays.push(closed); return true; }, publishEvery,
  });
  const agg = new AggregatorLink({
    can: new BxcanModel(bus, "aggregator"), masterKey16: MASTER, addresses: [5], store: new MemoryKvStore(), clock, log: () => {},
    onRows: (rows, n) => { for (let k = 0; k < n; k++) readings.push(Array.from(rows.subarray(k * ROW_LEN, (k + 1) * ROW_LEN))); },
  });
  let windows = 0;
  const run = (ms: number, exportWh = 0) => {
    for (let t = 0; t < ms; t += 10) {
      const now = Math.round(clock.nowMs());
      if (now % 200 === 0) meter.publish(READING, 1234.4 + windows++, exportWh);
      if (now % TICK_MS === 0) agg.tick();
      bus.scheduler.advanceBy(10 * 1000);
    }
  };
  return { meter, agg, run, relays, readings };
}

test("readings reach the aggregator authenticated, decoded by the link's C, as rows once a second", () => {
  const n = network(1);
  assert.equal(n.meter.started, 0);
  assert.equal(n.agg.started, 0);
  n.run(12000);
  // rows when the energy registers were answered (every 5 s): 0-1 s, 5-6 s, 10-11 s
  assert.ok(n.readings.length >= 2 && n.readings.length <= 4, n.readings.length + " rows");
  const last = n.readings[n.readings.length - 1];
  assert.equal(last[ROW_ADDRESS], 5);
  assert.equal(last[COL_P_IMPORT], 950);
  assert.equal(last[COL_P_EXPORT], 0);
  assert.ok(last[COL_E_IMPORT] > 1234 + 40, "the latest energy register: " + last[COL_E_IMPORT]);
  assert.equal(last[COL_ALARM], 0);
  assert.equal(last.length, ROW_LEN);
  assert.equal(rowFns().length, ROW_FN_COUNT, "the C's row length (from the functions asked) is ROW_LEN");
  // voltage, current and the window's quality flags stay in the C's table, read when asked
  // (meter row 0 is address 5; row 1 is no meter: never answered)
  const sig = (address: number, fn: number) => { const v = n.agg.latestSignals(address, fn); return v ? Array.from(v.subarray(0, 3)) : null; };
  assert.deepEqual(sig(5, FN_MEAS_VOLTAGE_FREQ), [230.5, 50.01, NaN]);
  assert.deepEqual(sig(5, FN_MEAS_CURRENT_PF)?.[0], 4.25);
  assert.deepEqual(sig(5, FN_MEAS_QUALITY)?.slice(0, 2), [0x0004, 0x2006]);
  assert.equal(sig(6, FN_MEAS_VOLTAGE_FREQ), null, "no meter at address 6: never answered");
  const rowsBefore = n.readings.length;
  n.agg.tick();
  assert.equal(n.readings.length, rowsBefore, "reading the latest values took no row");
  // Plain JSON, as the simulator reads it with JSON.stringify inside the device.
  const a = JSON.parse(JSON.stringify(n.agg.status()));
  assert.equal(a.role, "aggregator");
  assert.equal(a.meters[0].address, 5);
  assert.equal(a.meters[0].synced, true);
  assert.ok(a.answered > 30 && a.meters[0].answered === a.answered, JSON.stringify(a));
  assert.ok(a.readings >= a.answered, "every answer stored in C: " + a.readings);
  assert.equal(a.rows, n.readings.length);
  assert.deepEqual(a.rejects, { badMac: 0, stale: 0, length: 0, unknownId: 0, unsynced: 0, internal: 0, who: "aggregator" });
  assert.ok(a.can.txFrames >= a.sent && a.can.rxFrames >= a.answered, JSON.stringify(a.can));
  const m = JSON.parse(JSON.stringify(n.meter.status()));
  assert.equal(m.state, "error-active");
  assert.ok(m.can.autoReplies > 30, JSON.stringify(m));
  assert.equal(m.rejects.badMac, 0);
  assert.equal(m.windows, 60);
});

test("an exporting reading is sent as export, negative PF kept", () => {
  const v = new Float64Array(DATA_SIGNAL_ROWS).fill(NaN);
  meterSignals({ ...READING, pW: -2500, qVar: -40, pf: -0.99 }, 10, 20, v, publishedRows());
  const s = (name: string) => v[signalRow(name)];
  assert.equal(s("P_import"), 0);
  assert.equal(s("P_export"), 2500);
  assert.equal(s("Q_import"), 0);
  assert.equal(s("PF"), -0.99);
  assert.equal(s("E_import"), 10);
  assert.equal(s("E_export"), 20);
  assert.equal(s("U_L1"), READING.vRmsV);
  assert.equal(s("QualitySince"), READING.flagsSince);
  // every signal of the polled answers is written, nothing else
  assert.equal(Array.from(v).filter((x) => !isNaN(x)).length, 14);
});

test("relay commands are authenticated, executed and acknowledged; unsynchronised meters are refused", () => {
  const n = network(5);
  assert.equal(n.agg.sendCommand(5, "disconnect"), -1, "not synchronised yet");
  n.run(2000);
  assert.equal(n.agg.sendCommand(5, "disconnect"), 0);
  assert.equal(n.agg.sendCommand(9, "connect"), -1, "unknown meter");
  n.run(500);
  assert.deepEqual(n.relays, [false]);
  assert.equal((n.meter.status() as Record<string, unknown>).relay, "open");
  assert.equal(n.agg.sendCommand(5, "connect"), 0);
  n.run(500);
  assert.deepEqual(n.relays, [false, true]);
  const a = JSON.parse(JSON.stringify(n.agg.status()));
  assert.deepEqual(a.commands, { sent: 2, done: 2, failed: 0 });
  assert.equal((n.meter.status() as Record<string, unknown>).commands, 2);
  // Every reading is counted, although with publishEvery 5 only every fifth re-arms the answers.
  assert.equal((n.meter.status() as Record<string, unknown>).windows, 15);
});

test("a publish that throws is counted and logged (first and every 64th), never thrown", () => {
  const logs: string[] = [];
  const meter = new MeterLink({
    can: new BxcanModel(new VirtualCanBus({ bitrate: 125000 }), "meter5"), address: 5, key16: meterKey(nodeAes(), MASTER, 5),
    store: new MemoryKvStore(), log: (l) => { logs.push(l); }, relay: () => true, publishEvery: 1,
  });
  meter.node.publishRows = () => { throw new Error("no memory for the answer"); };
  for (let k = 0; k < 65; k++) meter.publish(READING, k, 0);
  assert.equal(meter.errors, 65);
  assert.equal((meter.status() as Record<string, unknown>).errors, 65);
  assert.deepEqual(logs, ["meter link: publish: Error: no memory for the answer", "meter link: publish: Error: no memory for the answer"]);
});
