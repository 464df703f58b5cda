// issue 12 part 1: a relay whose feedback contact disagrees with the command must not be
// reported as done. Before, Relay.set returned true whatever the contact did, so the
// aggregator counted a disconnect of a welded relay as done with the load still supplied.
// Here the meter's link drives a real Relay (modules/persist) on the bit-timed virtual bus;
// the aggregator's command is acknowledged ACTUATOR_FAILED and counted as failed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { VirtualCanBus, BxcanModel } from "../../host/canbus/index.ts";
import { nodeAes } from "../../host/ports/aes.ts";
import { MemoryKvStore } from "../../host/ports/kvStore.ts";
import { meterKey } from "../can/kdf.ts";
import { MeterLink } from "../link/meterLink.ts";
import { AggregatorLink, TICK_MS } from "../link/aggregatorLink.ts";
import { AGC_COUNT, AGC_CMD_DONE, AGC_CMD_FAILED, AGC_CMD_TIMEOUT } from "../link/linkPort.ts";
import { gpioRelay } from "../ports/device/relay.ts";
import { Relay, RELAY_WELDED, RELAY_COIL } from "./relay.ts";

const MASTER = new Uint8Array([9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6]);
const READING = { vRmsV: 230.5, iRmsA: 4.25, fHz: 50.01, pW: 950, qVar: 120, sVA: 980, pf: 0.969, thdVPct: 2.1, thdIPct: 12.5, flags: 0, flagsSince: 0 };

function network() {
  const bus = new VirtualCanBus({ bitrate: 125000 });
  const clock = { nowMs: () => bus.scheduler.nowUs() / 1000 };
  const level: Record<string, boolean> = {};
  const contact = { stuck: null as boolean | null };
  const gpio = {
    write(p: string, v: boolean) { level[p] = v; },
    read(p: string) { return p === "E5" ? (contact.stuck !== null ? contact.stuck : !!level.E4) : !!level[p]; },
  };
  const relay = new Relay(gpioRelay(gpio, "E4", "E5", false), null, true, true, clock.nowMs);
  const meter = new MeterLink({
    can: new BxcanModel(bus, "meter5"), address: 5, key16: meterKey(nodeAes(), MASTER, 5), store: new MemoryKvStore(), log: () => {},
    relay: (closed) => relay.set(closed), publishEvery: 1, relayActual: () => relay.actual(),
  });
  const agg = new AggregatorLink({
    can: new BxcanModel(bus, "aggregator"), masterKey16: MASTER, addresses: [5], store: new MemoryKvStore(), clock, log: () => {},
    onRows: () => {},
  });
  // the acknowledgements are the C link's (aglinkCommands.c): done (ACK_DONE), failed by the meter's status, timed out
  const acks = () => {
    const c = new Uint32Array(AGC_COUNT);
    agg.can.linkCounters(c);
    return { done: c[AGC_CMD_DONE], refused: c[AGC_CMD_FAILED] - c[AGC_CMD_TIMEOUT], timedOut: c[AGC_CMD_TIMEOUT] };
  };
  const run = (ms: number) => {
    for (let t = 0; t < ms; t += TICK_MS) {
      if (Math.round(clock.nowMs()) % 200 === 0) meter.publish(READING, 1234, 0);
      agg.tick();
      bus.scheduler.advanceBy(TICK_MS * 1000);
    }
  };
  return { meter, agg, run, relay, contact, acks, level };
}

test("a disconnect of a welded relay is acknowledged ACTUATOR_FAILED, not DONE; once repaired it is DONE", () => {
  const n = network();
  n.run(2000);
  n.contact.stuck = true; // welded: the contact stays closed
  assert.equal(n.agg.sendCommand(5, "disconnect"), 0);
  n.run(500);
  assert.deepEqual(n.acks(), { done: 0, refused: 1, timedOut: 0 }, "acknowledged ACTUATOR_FAILED");
  assert.equal(n.level.E4, false, "the coil was released");
  assert.equal(n.relay.fault, RELAY_WELDED);
  const st = n.meter.status() as Record<string, unknown>;
  assert.deepEqual([st.relay, st.relayActual, st.commands], ["closed", "closed", 0], "status: still closed, nothing executed");
  const a = JSON.parse(JSON.stringify(n.agg.status()));
  assert.equal(a.commands.failed, 1);
  assert.equal(a.commands.done, 0);
  n.contact.stuck = null;
  assert.equal(n.agg.sendCommand(5, "disconnect"), 0);
  n.run(500);
  assert.deepEqual(n.acks(), { done: 1, refused: 1, timedOut: 0 });
  assert.equal(n.relay.fault, 0);
});

test("a reconnect with an open coil (contact stays open) is acknowledged ACTUATOR_FAILED", () => {
  const n = network();
  n.run(2000);
  assert.equal(n.agg.sendCommand(5, "disconnect"), 0);
  n.run(500);
  n.contact.stuck = false;
  assert.equal(n.agg.sendCommand(5, "connect"), 0);
  n.run(500);
  assert.deepEqual(n.acks(), { done: 1, refused: 1, timedOut: 0 });
  assert.equal(n.relay.fault, RELAY_COIL);
});
