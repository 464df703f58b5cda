/**
 * The meter's OTA memory (boards/STM32F107/ota/otaMeterLink.h): at rest the link holds
 * only what listening needs; the transfer state (chunk bitmap, status answer; on the chip
 * also the NOR page buffer) exists from an accepted manifest to the end of the transfer.
 * Without memory for it the manifest is refused "staging", counted, and the security
 * counter is not consumed; a transfer nobody drives any more is dropped and freed.
 * Driven through the meterOta addon behind bxCAN models on the bit-timed bus.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { VirtualCanBus } from "../canbus/bus.ts";
import { BxcanModel } from "../canbus/bxcanModel.ts";
import { attachOtaAggregator, attachOtaMeter, type OtaAggHandle, type OtaMeterHandle, otaMeterModel } from "../canbus/otaAttach.ts";
import { secocAddon } from "./secoc.ts";
import { OTA_EV_END, OTA_EV_START, OTA_PH_DONE, OTA_T_FAILED, OTA_T_SWITCHED, otaCauseName } from "./ota.ts";

const MASTER = new Uint8Array(16).fill(0x42);
// memory(): [bytes at rest, transfer bytes held now, allocations, refused for memory, stalls]
const REST = 0, HELD = 1, ALLOCS = 2, NO_MEMORY = 3, STALLS = 4;
// mn_ota_meter_xfer_t for the 22 528-byte script slot: bitmap 470 + answer 483 (+ 3 padding) + the
// 16-frame transmit queue (168 B here and on the Cortex-M3)
const XFER_BYTES = 470 + 483 + 3 + 168;

interface Meter { address: number; ota: OtaMeterHandle; events: number[][] }

/** One meter's bxCAN model with the OTA link attached (its application filter on its own address). */
function meterOn(bus: VirtualCanBus, address: number): Meter {
  const model = otaMeterModel(bus, address);
  const events: number[][] = [];
  const ota = attachOtaMeter(bus, model, {
    key: secocAddon().meterKey(MASTER, address), address, image: 1, storedCounter: 4, onEvent: (t, a, b) => events.push([t, a, b]),
  });
  return { address, ota, events };
}

function rig(addresses: number[]): { bus: VirtualCanBus; agg: BxcanModel; meters: Meter[] } {
  const bus = new VirtualCanBus({ bitrate: 125000 });
  const agg = new BxcanModel(bus, "aggregator");
  agg.start(125000);
  return { bus, agg, meters: addresses.map((a) => meterOn(bus, a)) };
}

function until(bus: VirtualCanBus, done: () => boolean, limitMs: number): void {
  const t0 = bus.scheduler.nowUs();
  while (!done()) {
    if (bus.scheduler.nowUs() - t0 > limitMs * 1000) throw new Error("not done after " + limitMs + " ms");
    bus.scheduler.advanceBy(10000);
  }
}

function states(a: OtaAggHandle): { state: number; cause: number }[] {
  const t = a.native.targets(), out = [];
  for (let i = 0; i < t.length; i += 5) out.push({ state: t[i + 1], cause: t[i + 2] });
  return out;
}

test("the transfer state exists only from the accepted manifest to the end of the transfer", () => {
  const image = randomBytes(6000);
  const r = rig([1]);
  const m = r.meters[0];
  assert.equal(m.ota.native.memory()[HELD], 0, "nothing of a transfer held at rest");
  assert.ok(m.ota.native.memory()[REST] < 700, "the link at rest: " + m.ota.native.memory()[REST] + " B");
  const a = attachOtaAggregator(r.bus, r.agg, { bytes: image, masterKey: MASTER, addresses: [1], version: 2, counter: 5, image: 1, tag: 7, autoCommit: true });
  until(r.bus, () => m.events.length > 0, 2000);
  assert.equal(m.events[0][0], OTA_EV_START);
  assert.equal(m.ota.native.memory()[HELD], XFER_BYTES, "bitmap and status answer held while receiving");
  until(r.bus, () => a.native.phase() >= OTA_PH_DONE, 20000);
  assert.equal(states(a)[0].state, OTA_T_SWITCHED);
  assert.deepEqual(Array.from(m.ota.native.memory()).slice(1), [0, 1, 0, 0], "freed after the switch; one allocation in the whole update");
});

test("no memory for the transfer: the manifest is refused 'staging' (counted), the counter is kept, and a later attempt succeeds", () => {
  const image = randomBytes(3000);
  const r = rig([1, 2]);
  r.meters[1].ota.native.failAlloc(true);
  const a = attachOtaAggregator(r.bus, r.agg, { bytes: image, masterKey: MASTER, addresses: [1, 2], version: 3, counter: 5, image: 1, tag: 8, autoCommit: true });
  until(r.bus, () => a.native.phase() >= OTA_PH_DONE, 20000);
  const s = states(a);
  assert.equal(s[0].state, OTA_T_SWITCHED, "meter 1 is not held back");
  assert.deepEqual([s[1].state, otaCauseName(s[1].cause)], [OTA_T_FAILED, "staging"], "the aggregator sees why meter 2 refused");
  const m2 = r.meters[1].ota.native;
  assert.equal(m2.memory()[NO_MEMORY], 1);
  assert.equal(m2.refused()[8], 1, "counted under staging");
  assert.equal(m2.info()[3], 4, "the security counter is not consumed");
  assert.equal(m2.memory()[HELD], 0);
  a.detach();
  m2.failAlloc(false);
  const b = attachOtaAggregator(r.bus, r.agg, { bytes: image, masterKey: MASTER, addresses: [2], version: 3, counter: 5, image: 1, tag: 8, autoCommit: true });
  until(r.bus, () => b.native.phase() >= OTA_PH_DONE, 20000);
  assert.equal(states(b)[0].state, OTA_T_SWITCHED, "the same manifest, once memory is there: " + otaCauseName(states(b)[0].cause));
  assert.deepEqual(Buffer.from(m2.staged()), image);
});

test("a transfer nobody drives for 5 minutes is dropped, freed, and the same manifest starts it over", () => {
  const image = randomBytes(9000);
  const r = rig([1]);
  const m = r.meters[0];
  const a = attachOtaAggregator(r.bus, r.agg, { bytes: image, masterKey: MASTER, addresses: [1], version: 4, counter: 5, image: 1, tag: 9, autoCommit: true });
  until(r.bus, () => m.ota.native.info()[1] > 200, 5000);
  a.detach(); // the aggregator gone mid-transfer
  r.bus.scheduler.advanceBy(299 * 1000 * 1000);
  assert.equal(m.ota.native.memory()[HELD], XFER_BYTES, "still held before the 5 minutes");
  r.bus.scheduler.advanceBy(2 * 1000 * 1000);
  assert.deepEqual(Array.from(m.ota.native.memory()).slice(1), [0, 1, 0, 1], "dropped and freed");
  assert.deepEqual(m.events[m.events.length - 1], [OTA_EV_END, 3, 4], "JavaScript hears it ended (aborted)");
  assert.equal(m.ota.native.info()[0], 0, "idle");
  const b = attachOtaAggregator(r.bus, r.agg, { bytes: image, masterKey: MASTER, addresses: [1], version: 4, counter: 5, image: 1, tag: 9, autoCommit: true });
  until(r.bus, () => b.native.phase() >= OTA_PH_DONE, 20000);
  assert.equal(states(b)[0].state, OTA_T_SWITCHED, otaCauseName(states(b)[0].cause));
  assert.deepEqual(Buffer.from(m.ota.native.staged()), image);
  assert.equal(m.ota.native.memory()[ALLOCS], 2);
});
