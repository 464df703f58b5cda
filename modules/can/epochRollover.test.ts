// The epoch rollover of a long run (a simulated day failed after 18.2 h): the busiest
// transmit counter uses its 65536th value and the node persists the next epoch. Every
// other counter, the rarely used ones included, must run on without a jump, so that
// no receiver rejects a legitimate frame; replays stay refused. Meter and aggregator
// on the loopback bus, the boards' C through the addon.
import { test } from "node:test";
import assert from "node:assert/strict";
import { nodeAes } from "../../host/ports/aes.ts";
import { MemoryKvStore } from "../../host/ports/kvStore.ts";
import { loopbackPorts } from "./testing/loopbackPorts.ts";
import { securedController } from "../../host/canbus/secocLayer.ts";
import { TestNetwork, sampleReadings } from "./testing/network.ts";
import { CMD_DISCONNECT, CMD_RECONNECT, CommandOutcome } from "./commands.ts";
import { FN_COMMAND, FN_COMMAND_ACK, FN_MEAS_POWER, canId, functionOf } from "./idPlan.ts";
import { DATA_SIGNAL_ROWS, signalRow } from "./secured.ts";
import { SEQ_SPAN } from "./freshness.ts";
import { signalAt } from "./messages.ts";
import { CanFrame } from "./frame.ts";
import { rejectTotal } from "./rejects.ts";

function setup(addresses: number[]) {
  const lines: string[] = [];
  const lb = loopbackPorts(nodeAes(), () => new MemoryKvStore(), (l) => lines.push(l), securedController);
  const net = new TestNetwork(lb.ports, addresses);
  return { net, bus: lb.bus, lines };
}

function rowsOf(address: number): Float64Array {
  const want = sampleReadings(address, 0);
  const v = new Float64Array(DATA_SIGNAL_ROWS).fill(NaN);
  for (let r = 0; r < DATA_SIGNAL_ROWS; r++) {
    const x = want[signalAt(r).name];
    if (x !== undefined) v[r] = x;
  }
  return v;
}

function command(net: TestNetwork, address: number, code: number): CommandOutcome | undefined {
  let outcome: CommandOutcome | undefined;
  net.commands.send(address, code, 0, 0, (o) => { outcome = o; });
  net.run(300, 5);
  return outcome;
}

test("meter: its busiest counters cross into the next epoch, the rarely used ack counter does not jump", () => {
  const { net, bus, lines } = setup([4]);
  net.publish(0);
  net.run(50, 5);
  assert.equal(net.aggregator.isSynced(4), true);
  assert.equal(command(net, 4, CMD_DISCONNECT), 0, "acknowledged before the rollover");
  const epoch0 = net.meters[0].epoch();
  const rows = rowsOf(4);
  assert.ok(signalRow("P_import") >= 0);
  // 65536 windows: every published counter uses its 65536 values of the epoch. The
  // aggregator hears an answer of each message every 100 windows (within 8-bit reach).
  const polled = [6, 7, 8, 9, 10, 11, 12];
  for (let w = 1; w <= SEQ_SPAN + 100; w++) {
    net.meters[0].publishRows(rows);
    if (w % 100 === 0) {
      for (const fn of polled) net.aggregator.poll(4, fn);
      bus.run();
    }
  }
  assert.equal(net.meters[0].epoch(), epoch0 + 1, "the next epoch was persisted and set");
  const acks = bus.log.filter((f: CanFrame) => functionOf(f.id) === FN_COMMAND_ACK).length;
  assert.equal(command(net, 4, CMD_RECONNECT), 0, "acknowledged after the rollover");
  assert.equal(bus.log.filter((f: CanFrame) => functionOf(f.id) === FN_COMMAND_ACK).length, acks + 1, "one ack, no retry");
  assert.equal(net.actions[0].reconnects, 1);
  const power = net.readings.filter((r) => r.fn === FN_MEAS_POWER);
  assert.ok(power[power.length - 1].fv >= (epoch0 + 1) * SEQ_SPAN, "readings of the new epoch verified");
  assert.equal(rejectTotal(net.aggregator.rejects), 0, lines.filter((l) => /reject/.test(l)).slice(0, 5).join("\n"));
  assert.equal(rejectTotal(net.meters[0].rejects), 0);
  assert.equal(net.aggregator.isSynced(4), true, "no resynchronisation was needed");
  // Replays of the acks and answers captured before and after the rollover are refused.
  const captured = bus.log.filter((f: CanFrame) => !f.rtr && (functionOf(f.id) === FN_COMMAND_ACK || functionOf(f.id) === FN_MEAS_POWER));
  const agg = bus.attach("replayer");
  agg.start(125000);
  const before = rejectTotal(net.aggregator.rejects);
  const readings = net.readings.length;
  for (const f of captured) agg.send(f);
  bus.run();
  assert.equal(net.readings.length, readings, "no replayed reading accepted");
  assert.equal(rejectTotal(net.aggregator.rejects) - before, captured.length, "every replay counted");
});

test("aggregator: its counter for one meter crosses into the next epoch, the other meters stay synchronised", () => {
  const { net, bus } = setup([1, 2]);
  net.publish(0);
  net.run(50, 5);
  assert.equal(net.aggregator.isSynced(1), true);
  assert.equal(net.aggregator.isSynced(2), true);
  assert.equal(command(net, 2, CMD_DISCONNECT), 0);
  const syncs = net.meters[1].epoch();
  // 65536 commands to meter 1 (its receiver hears them all; its acks are ignored here).
  let sent = 0;
  for (let i = 0; i < SEQ_SPAN + 10; i++) {
    const r = net.aggregator.sendSecured(1, "COMMAND", { CmdCode: CMD_RECONNECT, CmdTariff: 0, CmdArg: 0 });
    if (r >= 0) sent++;
    if (i % 1000 === 0) bus.run();
  }
  bus.run();
  assert.equal(sent, SEQ_SPAN + 10, "every command signed, the renewal included");
  assert.equal(net.aggregator.isSynced(2), true, "meter 2 needs no resynchronisation");
  assert.equal(command(net, 2, CMD_RECONNECT), 0, "meter 2 accepts the next command");
  assert.equal(net.actions[1].reconnects, 1);
  assert.equal(net.meters[1].epoch(), syncs, "meter 2 was not resynchronised");
  assert.equal(rejectTotal(net.meters[0].rejects), 0);
  assert.equal(rejectTotal(net.meters[1].rejects), 0);
  assert.equal(net.actions[0].reconnects, SEQ_SPAN + 10);
  // A replayed command to meter 2 is refused.
  const cmd = bus.log.filter((f: CanFrame) => f.id === canId(FN_COMMAND, 2));
  const att = bus.attach("replayer");
  att.start(125000);
  for (const f of cmd) att.send(f);
  bus.run();
  assert.equal(net.actions[1].reconnects, 1);
  assert.equal(rejectTotal(net.meters[1].rejects), cmd.length);
});

test("resynchronisation path: a receiver out of 8-bit reach makes a command time out, the link resyncs, the next command works", () => {
  const { net, bus } = setup([3]);
  net.publish(0);
  net.run(50, 5);
  assert.equal(command(net, 3, CMD_DISCONNECT), 0);
  const epoch0 = net.meters[0].epoch();
  // 300 commands the meter never hears: its receiver cannot rebuild the next FV from 8 bits.
  bus.drop = (f: CanFrame) => functionOf(f.id) === FN_COMMAND;
  for (let i = 0; i < 300; i++) net.aggregator.sendSecured(3, "COMMAND", { CmdCode: CMD_DISCONNECT, CmdTariff: 0, CmdArg: 0 });
  bus.run();
  bus.drop = null;
  let outcome: CommandOutcome | undefined;
  net.commands.send(3, CMD_RECONNECT, 0, 0, (o) => { outcome = o; });
  net.run(1000, 5);
  assert.equal(outcome, "timeout");
  assert.equal(rejectTotal(net.meters[0].rejects), 3, "every attempt refused (bad MAC), none executed");
  assert.equal(net.actions[0].reconnects, 0);
  assert.ok(net.meters[0].epoch() > epoch0, "the poller resynchronised the meter after the timeout");
  assert.equal(net.aggregator.isSynced(3), true);
  assert.equal(command(net, 3, CMD_RECONNECT), 0, "the next command is acknowledged");
  assert.equal(net.actions[0].reconnects, 1);
  assert.equal(rejectTotal(net.aggregator.rejects), 0);
});
