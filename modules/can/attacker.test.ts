/**
 * An attacker node on the bus: replays captured frames, forges MACs, flips bits,
 * truncates payloads, rolls freshness back, spoofs identifiers and floods remote frames.
 * Nothing it sends is accepted, every rejection is counted by cause, and the load is
 * never disconnected by it. Runs on the loopback fake and on the bit-timed virtual bus
 * with the bxCAN model (host/canbus).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { nodeAes } from "../../host/ports/aes.ts";
import { MemoryKvStore } from "../../host/ports/kvStore.ts";
import { VirtualCanBus } from "../../host/canbus/bus.ts";
import { BxcanModel } from "../../host/canbus/bxcanModel.ts";
import { loopbackPorts } from "./testing/loopbackPorts.ts";
import { securedController } from "../../host/canbus/secocLayer.ts";
import { TestNetwork, NetworkPorts } from "./testing/network.ts";
import { Lcg, forgedMacs, bitFlips, truncations, freshnessRollbacks, copyOf } from "./testing/attacker.ts";
import { CanController, CAN_EBUSY, CAN_OK } from "./controller.ts";
import { CanFrame, dataFrame, remoteFrame } from "./frame.ts";
import { canId, functionOf, addressOf, FN_COMMAND, FN_SYNC_REQUEST, FN_TIME, FN_MEAS_VOLTAGE_FREQ, FN_COMMAND_ACK } from "./idPlan.ts";
import { CMD_DISCONNECT, CMD_RECONNECT, CommandOutcome } from "./commands.ts";
import { RejectCounter } from "./rejects.ts";
import { rejectTotal } from "./rejects.ts";

interface Rig {
  ports: NetworkPorts;
  captured: CanFrame[];
  attacker: CanController;
}

function loopbackRig(): Rig {
  const lb = loopbackPorts(nodeAes(), () => new MemoryKvStore(), () => {}, securedController);
  const attacker = lb.ports.newController("attacker");
  return { ports: lb.ports, captured: lb.bus.log, attacker };
}

function virtualBusRig(): Rig {
  const bus = new VirtualCanBus({ bitrate: 125000 });
  const captured: CanFrame[] = [];
  bus.onTrace((e) => { if (e.kind === "frame") captured.push(copyOf(e.frame)); });
  const ports: NetworkPorts = {
    aes: nodeAes(),
    newStore: () => new MemoryKvStore(),
    newController: (name) => {
      const c = new BxcanModel(bus, name);
      assert.equal(c.start(125000), CAN_OK);
      return c;
    },
    advance: (ms) => bus.scheduler.advanceTo(bus.scheduler.nowUs() + ms * 1000),
    clock: { nowMs: () => bus.scheduler.nowUs() / 1000 },
    log: () => {},
  };
  const attacker = ports.newController("attacker");
  return { ports, captured, attacker };
}

type Counts = { badMac: number; stale: number; length: number; unknownId: number; unsynced: number; internal: number };
function counts(r: RejectCounter): Counts {
  return { badMac: r.badMac, stale: r.stale, length: r.length, unknownId: r.unknownId, unsynced: r.unsynced, internal: r.internal };
}
function delta(after: Counts, before: Counts): Counts {
  return { badMac: after.badMac - before.badMac, stale: after.stale - before.stale, length: after.length - before.length, unknownId: after.unknownId - before.unknownId, unsynced: after.unsynced - before.unsynced, internal: after.internal - before.internal };
}
const ZERO: Counts = { badMac: 0, stale: 0, length: 0, unknownId: 0, unsynced: 0, internal: 0 };

function scenario(name: string, makeRig: () => Rig): void {
  test(`attacker on ${name}: nothing accepted, every rejection counted by cause, load never disconnected`, () => {
    const rig = makeRig();
    const net = new TestNetwork(rig.ports, [1, 2]);
    // --- normal operation, captured by the attacker ---
    for (let w = 0; w < 3; w++) { net.publish(w); net.run(1000, 5); }
    const out: CommandOutcome[] = [];
    net.commands.send(1, CMD_DISCONNECT, 0, 0, (o: CommandOutcome) => out.push(o));
    net.run(100, 5);
    net.commands.send(1, CMD_RECONNECT, 0, 0, (o: CommandOutcome) => out.push(o));
    net.run(100, 5);
    assert.ok(net.aggregator.sendSecured(1, "TIME", { UnixTime: 1795000000 }) >= 0);
    for (let w = 3; w < 6; w++) { net.publish(w); net.run(1000, 5); }
    // the type argument keeps `out` a CommandOutcome[] (deepEqual narrows to the expected type) for the pushes below
    assert.deepEqual<CommandOutcome[]>(out, [0, 0], "genuine commands acknowledged");
    const load = net.actions[0];
    assert.equal(load.disconnects, 1);
    assert.equal(load.connected, true);
    assert.equal(rejectTotal(net.aggregator.rejects), 0, "no rejection in normal operation");

    const cap = rig.captured.filter((f) => !f.rtr).map(copyOf);
    const disconnect = cap.find((f) => f.id === canId(FN_COMMAND, 1) && f.data[0] === CMD_DISCONNECT)!;
    assert.ok(disconnect, "captured the genuine DISCONNECT");
    const answers1 = cap.filter((f) => f.id === canId(FN_MEAS_VOLTAGE_FREQ, 1));
    assert.ok(answers1.length >= 5);

    // --- attack: the poller and command sender are not ticked, so whatever the
    // aggregator accepts from now on could only come from the attacker ---
    const readingsBefore = net.readings.length;
    const execBefore = net.meters.map((m) => m.commandsExecuted);
    const loadBefore = JSON.stringify(net.actions);
    let sent = 0;
    function send(frames: CanFrame[]): void {
      for (const f of frames) {
        let r = rig.attacker.send(f);
        while (r === CAN_EBUSY) { rig.ports.advance(1); r = rig.attacker.send(f); }
        assert.equal(r, CAN_OK, "attacker frame accepted by its own controller");
        sent++;
        rig.ports.advance(1);
      }
      rig.ports.advance(20);
    }
    const m1 = () => counts(net.meters[0].rejects);
    const m2 = () => counts(net.meters[1].rejects);
    const ag = () => counts(net.aggregator.rejects);
    function expectStep(label: string, frames: CanFrame[], meter1: Counts, aggregator: Counts, meter2?: Counts): void {
      const a0 = ag(), b0 = m1(), c0 = m2();
      send(frames);
      assert.deepEqual(delta(m1(), b0), meter1, `${label}: meter 1 rejections`);
      assert.deepEqual(delta(ag(), a0), aggregator, `${label}: aggregator rejections`);
      assert.deepEqual(delta(m2(), c0), meter2 ?? ZERO, `${label}: meter 2 rejections (its hardware filter hides meter 1's identifiers)`);
    }

    // 1. replay of the captured DISCONNECT: stale at the meter.
    expectStep("replayed DISCONNECT", [disconnect], { ...ZERO, stale: 1 }, { ...ZERO, unknownId: 1 });
    // 2. forged MACs for every freshness low byte.
    expectStep("forged MACs", forgedMacs(disconnect, new Lcg(4493)), { ...ZERO, badMac: 256 }, { ...ZERO, unknownId: 256 });
    // 3. every single-bit flip of the DISCONNECT.
    expectStep("bit flips", bitFlips(disconnect), { ...ZERO, badMac: 64 }, { ...ZERO, unknownId: 64 });
    // 4. truncated payloads, DLC 0..7.
    expectStep("truncated", truncations(disconnect), { ...ZERO, length: 8 }, { ...ZERO, unknownId: 8 });
    // 5. freshness rolled back on the DISCONNECT (MAC kept): never valid.
    expectStep("freshness rollback (command)", freshnessRollbacks(disconnect, 20), { ...ZERO, badMac: 20 }, { ...ZERO, unknownId: 20 });
    // 6. replayed sync requests (the oldest first): stale, the epoch does not move.
    const syncs = cap.filter((f) => f.id === canId(FN_SYNC_REQUEST, 1));
    const epochBefore = net.meters[0].epoch();
    expectStep("replayed sync requests", syncs, { ...ZERO, stale: syncs.length }, { ...ZERO, unknownId: syncs.length });
    assert.equal(net.meters[0].epoch(), epochBefore, "a replayed sync does not start a new epoch");
    // 7. readings replayed newest to oldest (rolling freshness back) and with a moved FV byte.
    const agOnly = (frames: CanFrame[], label: string) => {
      const a0 = ag(), b0 = m1();
      send(frames);
      const d = delta(ag(), a0);
      assert.equal(d.stale + d.badMac, frames.length, `${label}: all rejected as stale or bad MAC`);
      assert.deepEqual({ ...d, stale: 0, badMac: 0 }, ZERO, `${label}: no other cause`);
      assert.deepEqual(delta(m1(), b0), { ...ZERO, unknownId: frames.length }, `${label}: meter 1 ignores its own identifiers`);
      return d;
    };
    const dr = agOnly(answers1.slice().reverse(), "replayed readings");
    assert.ok(dr.stale > 0, "recent replays are recognised as stale");
    const latest = answers1[answers1.length - 1];
    agOnly(freshnessRollbacks(latest, 10), "reading with freshness rolled back");
    agOnly(bitFlips(latest), "reading with a bit flipped");
    // replayed acknowledgements too.
    agOnly(cap.filter((f) => f.id === canId(FN_COMMAND_ACK, 1)), "replayed acknowledgements");
    // 8. a replayed TIME is stale.
    const time = cap.filter((f) => f.id === canId(FN_TIME, 1));
    expectStep("replayed TIME", time, { ...ZERO, stale: time.length }, { ...ZERO, unknownId: time.length });
    // 9. spoofed identifiers: unused function 31, an unconfigured meter, a command under a meter's own id.
    expectStep("function 31", [dataFrame(0x7c1, disconnect.data)], { ...ZERO, unknownId: 1 }, { ...ZERO, unknownId: 1 });
    expectStep("unconfigured meter 5", [dataFrame(canId(FN_MEAS_VOLTAGE_FREQ, 5), latest.data)], ZERO, { ...ZERO, unknownId: 1 });
    expectStep("command re-sent under meter 2's identifier", [dataFrame(canId(FN_COMMAND, 2), disconnect.data)], ZERO, { ...ZERO, unknownId: 1 }, { ...ZERO, badMac: 1 });
    // 10. forged remote frames: provoke answers, change nothing.
    const polls: CanFrame[] = [];
    for (let i = 0; i < 30; i++) polls.push(remoteFrame(canId(FN_MEAS_VOLTAGE_FREQ, 1), 8));
    polls.push(remoteFrame(canId(FN_COMMAND, 1), 8));
    const a0 = ag();
    send(polls);
    assert.equal(delta(ag(), a0).badMac, 0);

    // --- verdict ---
    const provoked = net.readings.slice(readingsBefore);
    assert.ok(provoked.every((r) => r.address === 1 && r.fn === FN_MEAS_VOLTAGE_FREQ), "only the provoked, genuine answers were accepted");
    assert.ok(provoked.every((r) => Math.abs(r.values.U_L1 - (230 + 0.01 + 5 * 0.1)) < 0.006), "and they carry the meter's real reading");
    assert.deepEqual(net.meters.map((m) => m.commandsExecuted), execBefore, "no command executed");
    assert.equal(JSON.stringify(net.actions), loadBefore, "no actuator touched, no clock set");
    assert.equal(load.connected, true, "the load is still connected");
    assert.ok(sent > 400, `attacker sent ${sent} frames`);

    // --- the network recovers and still works ---
    for (let w = 6; w < 9; w++) { net.publish(w); net.run(1000, 5); }
    net.commands.send(1, CMD_DISCONNECT, 0, 0, (o: CommandOutcome) => out.push(o));
    net.run(100, 5);
    assert.deepEqual(out, [0, 0, 0]);
    assert.equal(load.connected, false, "the aggregator itself can still disconnect");
    assert.equal(net.poller.isStale(2, FN_MEAS_VOLTAGE_FREQ), false);
  });
}

scenario("the loopback bus", loopbackRig);
scenario("the bit-timed virtual bus with bxCAN models (host/canbus)", virtualBusRig);
