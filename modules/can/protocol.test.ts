import { test } from "node:test";
import assert from "node:assert/strict";
import { nodeAes } from "../../host/ports/aes.ts";
import { MemoryKvStore } from "../../host/ports/kvStore.ts";
import { loopbackPorts } from "./testing/loopbackPorts.ts";
import { securedController } from "../../host/canbus/secocLayer.ts";
import { TestNetwork, sampleReadings } from "./testing/network.ts";
import { CMD_DISCONNECT, CMD_RECONNECT, CMD_SET_TOU_START, CommandOutcome } from "./commands.ts";
import { FN_ALARM, FN_MEAS_VOLTAGE_FREQ, FN_MEAS_ENERGY_IMPORT, canId, functionOf } from "./idPlan.ts";
import { remoteFrame } from "./frame.ts";
import { ACK_BAD_ARGUMENT, ACK_DONE, ACK_UNKNOWN_COMMAND } from "./meterNode.ts";
import { rejectTotal } from "./rejects.ts";

function setup(addresses: number[]) {
  const lines: string[] = [];
  const lb = loopbackPorts(nodeAes(), () => new MemoryKvStore(), (l) => lines.push(l), securedController);
  const net = new TestNetwork(lb.ports, addresses);
  return { net, bus: lb.bus, lines };
}

test("aggregator synchronises every meter, then polls; answers come from the auto-reply slots", () => {
  const { net, bus } = setup([1, 2, 63]);
  net.publish(0);
  net.run(50, 5);
  for (const a of [1, 2, 63]) assert.equal(net.aggregator.isSynced(a), true, `meter ${a} synchronised`);
  const volt = net.readings.filter((r) => r.fn === FN_MEAS_VOLTAGE_FREQ);
  assert.equal(volt.length, 3);
  const r63 = volt.find((r) => r.address === 63)!;
  const want = sampleReadings(63, 0);
  assert.ok(Math.abs(r63.values.U_L1 - want.U_L1) <= 0.005);
  assert.ok(Math.abs(r63.values.Freq - want.Freq) <= 0.0005);
  assert.equal(net.readings.filter((r) => r.fn === FN_MEAS_ENERGY_IMPORT)[0].values.E_import, 123456);
  // Each measurement remote frame is answered by a data frame of its identifier before
  // that identifier is polled again (polls are pipelined, three in flight).
  for (let i = 0; i < bus.log.length; i++) {
    const f = bus.log[i];
    if (!f.rtr || functionOf(f.id) === FN_ALARM) continue;
    const j = bus.log.findIndex((g, k) => k > i && g.id === f.id);
    assert.ok(j > i && !bus.log[j].rtr, `poll of 0x${f.id.toString(16)} at ${i} unanswered`);
  }
  const autoReplies = net.meterCans.reduce((n, c) => n + c.counters().autoReplies, 0);
  assert.ok(autoReplies >= 3 * 7, `auto-replies ${autoReplies}`);
  assert.equal(rejectTotal(net.aggregator.rejects), 0);
  for (const m of net.meters) assert.equal(rejectTotal(m.rejects), 0);
});

test("each poll gets the latest reading; a second poll in one window is answered from JavaScript", () => {
  const { net, bus } = setup([4]);
  net.publish(0);
  net.run(20, 5);
  net.publish(7);
  net.run(1000, 5);
  const v = net.readings.filter((r) => r.fn === FN_MEAS_VOLTAGE_FREQ);
  assert.ok(Math.abs(v[v.length - 1].values.U_L1 - sampleReadings(4, 7).U_L1) <= 0.005);
  const before = net.readings.length;
  // A second poll before the next publish: the slot is empty, the meter answers itself.
  net.aggregator.poll(4, FN_MEAS_VOLTAGE_FREQ);
  bus.run();
  assert.equal(net.readings.length, before + 1);
  assert.equal(rejectTotal(net.aggregator.rejects), 0);
});

test("alarms are sent at once, polled with the highest priority, and verified", () => {
  const { net, bus } = setup([5]);
  net.publish(0);
  net.run(20, 5);
  net.meters[0].raiseAlarm(2, 0, 180.5);
  bus.run();
  const alarms = net.readings.filter((r) => r.fn === FN_ALARM);
  assert.equal(alarms.length >= 1, true);
  assert.equal(alarms[alarms.length - 1].values.AlarmCode, 2);
  assert.ok(Math.abs(alarms[alarms.length - 1].values.AlarmValue - 180.5) < 0.006);
  // In the first poll round the alarm poll left before any measurement poll.
  const polls = bus.log.filter((f) => f.rtr);
  assert.equal(functionOf(polls[0].id), FN_ALARM);
});

test("commands: executed once verified, acknowledged with status; bad arguments refused", () => {
  const { net } = setup([7]);
  net.publish(0);
  net.run(20, 5);
  const out: CommandOutcome[] = [];
  net.commands.send(7, CMD_DISCONNECT, 0, 0, (o) => out.push(o));
  net.run(20, 5);
  // the type argument keeps `out` a CommandOutcome[] (deepEqual narrows to the expected type) for the pushes below
  assert.deepEqual<CommandOutcome[]>(out, [ACK_DONE]);
  assert.equal(net.actions[0].connected, false);
  net.commands.send(7, CMD_SET_TOU_START, 2, 1320, (o) => out.push(o));
  net.run(20, 5);
  net.commands.send(7, CMD_SET_TOU_START, 2, 1440, (o) => out.push(o));
  net.run(20, 5);
  net.commands.send(7, 99, 0, 0, (o) => out.push(o));
  net.run(20, 5);
  net.commands.send(7, CMD_RECONNECT, 0, 0, (o) => out.push(o));
  net.run(20, 5);
  assert.deepEqual(out, [ACK_DONE, ACK_DONE, ACK_BAD_ARGUMENT, ACK_UNKNOWN_COMMAND, ACK_DONE]);
  assert.deepEqual(net.actions[0].tou, [[2, 1320]]);
  assert.equal(net.actions[0].connected, true);
  assert.equal(rejectTotal(net.meters[0].rejects), 0);
});

test("a lost acknowledgement is retried with a new freshness value and matched", () => {
  const { net, bus } = setup([8]);
  net.publish(0);
  net.run(20, 5);
  let dropAcks = 1;
  bus.drop = (f) => functionOf(f.id) === 2 && dropAcks-- > 0;
  const out: CommandOutcome[] = [];
  net.commands.send(8, CMD_DISCONNECT, 0, 0, (o) => out.push(o));
  net.run(300, 5);
  assert.deepEqual(out, [ACK_DONE]);
  assert.equal(net.actions[0].disconnects, 2, "the retry is a new command (idempotent)");
});

test("time message sets the meter clock after verification", () => {
  const { net, bus } = setup([9]);
  net.run(20, 5);
  assert.ok(net.aggregator.sendSecured(9, "TIME", { UnixTime: 1795000000 }) >= 0);
  bus.run();
  assert.equal(net.actions[0].timeS, 1795000000);
});

test("deadlines, retries and stale marking when a meter stops answering; recovery after", () => {
  const { net, bus } = setup([10, 11]);
  net.publish(0);
  net.run(20, 5);
  let silent = true;
  bus.drop = (f) => silent && !f.rtr && f.id % 64 === 11;
  for (let w = 1; w <= 5; w++) { net.publish(w); net.run(1000, 5); }
  assert.equal(net.poller.isStale(11, FN_MEAS_VOLTAGE_FREQ), true);
  assert.equal(net.poller.isStale(10, FN_MEAS_VOLTAGE_FREQ), false);
  assert.ok(net.poller.retried > 0 && net.poller.missed > 0);
  assert.ok(net.results.some((r) => !r.ok && r.address === 11 && r.attempts === 3), "3 attempts before a miss");
  silent = false;
  for (let w = 6; w <= 8; w++) { net.publish(w); net.run(1000, 5); }
  assert.equal(net.poller.isStale(11, FN_MEAS_VOLTAGE_FREQ), false, "fresh again after recovery");
  assert.equal(net.aggregator.rejects.badMac, 0);
});

test("meter reboot: new epoch, aggregator resynchronises, no old value accepted", () => {
  const { net } = setup([12]);
  net.publish(0);
  net.run(50, 5);
  const e1 = net.meters[0].epoch();
  const n1 = net.readings.length;
  net.rebootMeter(0);
  assert.ok(net.meters[0].epoch() > e1);
  for (let w = 1; w <= 4; w++) { net.publish(w); net.run(1000, 5); }
  assert.ok(net.readings.length > n1 + 10, "readings resumed");
  assert.ok(net.aggregator.meterEpoch(12) > e1 + 1, "synchronised on a later epoch");
  assert.ok(net.poller.syncRequests >= 2);
  const fvs = net.readings.filter((r) => r.fn === FN_MEAS_VOLTAGE_FREQ).map((r) => r.fv);
  for (let i = 1; i < fvs.length; i++) assert.ok(fvs[i] > fvs[i - 1], "accepted freshness strictly increases");
});

test("aggregator reboot: new epoch, meters resynchronised, commands work again", () => {
  const { net } = setup([13]);
  net.publish(0);
  net.run(50, 5);
  net.startAggregator();
  net.publish(1);
  net.run(500, 5);
  assert.equal(net.aggregator.isSynced(13), true);
  const out: CommandOutcome[] = [];
  net.commands.send(13, CMD_DISCONNECT, 0, 0, (o) => out.push(o));
  net.run(50, 5);
  assert.deepEqual(out, [ACK_DONE]);
});

test("identifier plan: alarms < commands < sync < measurements < bulk; 64 addresses", () => {
  assert.ok(canId(0, 63) < canId(1, 0));
  assert.ok(canId(5, 63) < canId(6, 0));
  assert.equal(canId(30, 63), 0x7bf);
  assert.throws(() => canId(31, 0), /out of range/);
  assert.throws(() => canId(6, 64), /meter address 64 is not an integer 0\.\.63/);
  assert.equal(remoteFrame(canId(6, 5), 8).dlc, 8);
});

test("long absence: 300 unpolled windows break 8-bit reconstruction; misses trigger a resync", () => {
  const { net } = setup([14]);
  net.publish(0);
  net.run(50, 5);
  const syncs = net.poller.syncRequests;
  for (let w = 1; w <= 300; w++) net.publish(w); // the aggregator is away: nothing polled
  net.run(3000, 5);
  assert.ok(net.aggregator.rejects.badMac > 0, "first answers after the gap fail verification");
  assert.ok(net.poller.syncRequests > syncs, "and the poller resynchronised the meter");
  const v = net.readings.filter((r) => r.fn === FN_MEAS_VOLTAGE_FREQ);
  assert.ok(Math.abs(v[v.length - 1].values.U_L1 - sampleReadings(14, 300).U_L1) <= 0.005, "latest reading arrives after the resync");
});

test("a failure inside a handler is counted as internal, never thrown; the next frame works", () => {
  const { net, bus } = setup([15]);
  net.run(20, 5);
  let fail = true;
  const actions = net.actions[0];
  const setTime = actions.setTime.bind(actions);
  actions.setTime = (s: number) => { if (fail) throw new Error("actuator driver failed"); setTime(s); };
  assert.ok(net.aggregator.sendSecured(15, "TIME", { UnixTime: 1 }) >= 0);
  assert.doesNotThrow(() => bus.run());
  assert.equal(net.meters[0].rejects.internal, 1);
  assert.equal(net.actions[0].timeS, -1);
  fail = false;
  assert.ok(net.aggregator.sendSecured(15, "TIME", { UnixTime: 2 }) >= 0);
  bus.run();
  assert.equal(net.actions[0].timeS, 2, "works again once the handler does");
});

test("sync storm (issue 12, 3.4): a meter starts at most maxSyncsPerHour new epochs in any hour; the rest are refused and counted", () => {
  const { net, lines } = setup([21]);
  net.publish(0);
  net.run(50, 5);
  const store = net.meterStores[0] as MemoryKvStore;
  const e0 = net.meters[0].epoch();
  const w0 = store.writes;
  // 150 authenticated sync requests in 30 s, as the aggregator sent when the meter's answers were lost
  for (let i = 0; i < 150; i++) {
    net.aggregator.requestSync(21);
    net.run(200, 5);
  }
  // the first synchronisation (at start) is one of the hour's 12 (default maxSyncsPerHour)
  const epochs = net.meters[0].epoch() - e0;
  assert.equal(epochs, 11, "new epochs in the hour");
  assert.equal(store.writes - w0, 2 * 11, "two writes (sync state, epoch) per answered sync");
  // ours and the poller's own retries (the meter stays unsynchronised meanwhile)
  assert.ok(net.meters[0].syncsRefused >= 150 - 11, "refused " + net.meters[0].syncsRefused);
  assert.ok(lines.some((l) => /meter 21: 12 syncs in the last hour: refusing more/.test(l)), "logged once");
  assert.equal(lines.filter((l) => /refusing more/.test(l)).length, 1, "logged once per hour, not per request");
  // an hour later the meter answers again
  net.run(3_600_000 - 30_000, 1000);
  net.aggregator.requestSync(21);
  net.run(200, 5);
  assert.equal(net.meters[0].epoch() - e0, 12);
  assert.ok(net.aggregator.isSynced(21));
});

test("a meter polled before its first publish does not answer with zeros (a booked 0 Wh register reads as a reset, then double counts)", () => {
  const { net, bus } = setup([22]);
  net.run(200, 5); // synchronised, nothing published yet
  assert.ok(net.aggregator.isSynced(22));
  net.aggregator.poll(22, FN_MEAS_ENERGY_IMPORT);
  bus.run();
  assert.deepEqual(net.readings.filter((r) => r.fn === FN_MEAS_ENERGY_IMPORT).map((r) => r.values.E_import), [], "no energy reading before a measurement");
  net.publish(0);
  net.run(1000, 5);
  const e = net.readings.filter((r) => r.fn === FN_MEAS_ENERGY_IMPORT).map((r) => r.values.E_import);
  assert.ok(e.length >= 1 && e.every((x) => x === 123456), "published registers answered: " + e);
});
