import { test } from "node:test";
import assert from "node:assert/strict";
import { nodeAes } from "../ports/aes.ts";
import { MemoryKvStore } from "../ports/kvStore.ts";
import { TestNetwork } from "../../modules/can/testing/network.ts";
import { FN_MEAS_VOLTAGE_FREQ } from "../../modules/can/idPlan.ts";
import { virtualBusPorts } from "./networkPorts.ts";
import { rejectTotal } from "../../modules/can/rejects.ts";

test("the protocol (modules/can TestNetwork) runs on the bit-timed bus: synchronised, polled, nothing rejected", () => {
  const lines: string[] = [];
  const v = virtualBusPorts(nodeAes(), () => new MemoryKvStore(), (l) => lines.push(l));
  const addresses = [0, 1, 2, 3, 4, 5, 6, 63];
  const net = new TestNetwork(v.ports, addresses);
  net.publish(0);
  net.run(200, 1);
  for (const a of addresses) assert.equal(net.aggregator.isSynced(a), true, "meter " + a + " synchronised");
  const volt = net.readings.filter((r) => r.fn === FN_MEAS_VOLTAGE_FREQ);
  assert.equal(new Set(volt.map((r) => r.address)).size, addresses.length);
  assert.equal(rejectTotal(net.aggregator.rejects), 0, lines.join("\n"));
  const autoReplies = v.controllers.reduce((n, c) => n + c.counters().autoReplies, 0);
  assert.ok(autoReplies >= addresses.length * 5, "auto-replies " + autoReplies);
  for (const c of v.controllers) assert.equal(c.counters().rxOverruns, 0);
  assert.equal(v.bus.stats().errorFrames, 0);
});

test("on the bit-timed bus, corrupted frames are retransmitted by the controllers and lost answers retried by the poller", () => {
  const lines: string[] = [];
  const v = virtualBusPorts(nodeAes(), () => new MemoryKvStore(), (l) => lines.push(l));
  const addresses = [1, 2, 3];
  const net = new TestNetwork(v.ports, addresses);
  net.publish(0);
  net.run(200, 1);
  for (const a of addresses) assert.equal(net.aggregator.isSynced(a), true);
  const before = net.readings.length;
  const retriedBefore = net.poller.retried;
  // Next window: 4 corrupted answers (error frames, automatic retransmission) and
  // 2 answers lost at the aggregator without any error (the poller must ask again).
  v.bus.injectBitErrors({ count: 4, match: (f, from) => !f.rtr && from.startsWith("meter") && f.id >= 0x180 });
  v.bus.dropFrames({ count: 2, receivers: ["aggregator"], match: (f) => !f.rtr && f.id >= 0x180 });
  net.publish(1);
  net.run(1500, 1);
  assert.equal(v.bus.stats().errorFrames, 4);
  assert.equal(v.bus.stats().framesDropped, 2);
  assert.ok(net.poller.retried - retriedBefore >= 2, "retries " + (net.poller.retried - retriedBefore));
  const volt = net.readings.slice(before).filter((r) => r.fn === FN_MEAS_VOLTAGE_FREQ);
  assert.deepEqual(Array.from(new Set(volt.map((r) => r.address))).sort(), addresses);
  assert.equal(rejectTotal(net.aggregator.rejects), 0, lines.join("\n"));
  for (const c of v.controllers) assert.ok(c.counters().tec < 96 && c.counters().rec < 96);
});
