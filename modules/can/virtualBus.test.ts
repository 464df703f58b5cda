/**
 * The protocol on host/canbus's bit-timed bus with bxCAN controller models at
 * 125 kbit/s: synchronisation, polls answered from the auto-reply slots at wire speed,
 * and a command round trip. (bench/can measures the full tables; this checks the
 * modules use the controller the way its contract says.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { nodeAes } from "../../host/ports/aes.ts";
import { MemoryKvStore } from "../../host/ports/kvStore.ts";
import { VirtualCanBus } from "../../host/canbus/bus.ts";
import { BxcanModel } from "../../host/canbus/bxcanModel.ts";
import { frameLayout } from "../../host/canbus/frameBits.ts";
import { TestNetwork, NetworkPorts } from "./testing/network.ts";
import { CAN_OK } from "./controller.ts";
import { remoteFrame, dataFrame } from "./frame.ts";
import { FN_MEAS_VOLTAGE_FREQ, FN_ALARM, canId } from "./idPlan.ts";
import { CMD_DISCONNECT, CommandOutcome } from "./commands.ts";
import { rejectTotal } from "./rejects.ts";

test("on the virtual bus: polls are answered from the auto-reply slots within 2x the wire time", () => {
  const bus = new VirtualCanBus({ bitrate: 125000 });
  const ctls: BxcanModel[] = [];
  const ports: NetworkPorts = {
    aes: nodeAes(),
    newStore: () => new MemoryKvStore(),
    newController: (name) => { const c = new BxcanModel(bus, name); assert.equal(c.start(125000), CAN_OK); ctls.push(c); return c; },
    advance: (ms) => bus.scheduler.advanceTo(bus.scheduler.nowUs() + ms * 1000),
    clock: { nowMs: () => bus.scheduler.nowUs() / 1000 },
    log: () => {},
  };
  const net = new TestNetwork(ports, [3, 40]);
  for (let w = 0; w < 5; w++) { net.publish(w); net.run(1000, 1); }
  assert.equal(net.aggregator.isSynced(3) && net.aggregator.isSynced(40), true);
  const ok = net.results.filter((r) => r.ok && r.fn !== FN_ALARM);
  assert.ok(ok.length >= 5 * 2 * 6, `answered polls: ${ok.length}`);
  const auto = net.meterCans.reduce((n, c) => n + c.counters().autoReplies, 0);
  assert.ok(auto >= ok.length, `auto-replies ${auto}`);
  // Wire time of one poll: the remote frame and the 8-byte answer, with stuff bits and IFS.
  const id = canId(FN_MEAS_VOLTAGE_FREQ, 3);
  const wireUs = (frameLayout(remoteFrame(id, 8)).slotBits + frameLayout(dataFrame(id, new Uint8Array(8))).slotBits) * 8;
  const lat = ok.map((r) => r.latencyMs * 1000).sort((a, b) => a - b);
  const median = lat[Math.floor(lat.length / 2)];
  // Three polls are pipelined, so a poll may wait for up to two others' answers.
  assert.ok(lat[0] <= 2 * wireUs, `fastest poll ${lat[0].toFixed(0)} us vs wire ${wireUs} us`);
  console.log(`# virtual bus 125 kbit/s: poll->answer min ${lat[0].toFixed(0)} us, median ${median.toFixed(0)} us, wire time of the pair ${wireUs} us, ${ok.length} polls`);
  const out: CommandOutcome[] = [];
  net.commands.send(40, CMD_DISCONNECT, 0, 0, (o: CommandOutcome) => out.push(o));
  net.run(50, 1);
  assert.deepEqual(out, [0]);
  assert.equal(net.actions[1].connected, false);
  assert.equal(rejectTotal(net.aggregator.rejects) + rejectTotal(net.meters[0].rejects) + rejectTotal(net.meters[1].rejects), 0);
});
