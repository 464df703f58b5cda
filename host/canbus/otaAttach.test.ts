/**
 * The OTA links' C (boards/STM32F107/ota through the meterOta addon) behind bxCAN
 * models on the bit-timed bus: whole updates end to end, with losses, refusals by
 * cause, a meter restarting mid-transfer, a cancel; and what the meter's JavaScript
 * sees (events only: no chunk reaches onFrame).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { VirtualCanBus } from "./bus.ts";
import { BxcanModel } from "./bxcanModel.ts";
import { attachOtaAggregator, attachOtaMeter, type OtaMeterHandle, otaMeterModel } from "./otaAttach.ts";
import { secocAddon } from "../native/secoc.ts";
import {
  OTA_EV_END, OTA_EV_PROGRESS, OTA_EV_START, OTA_EV_VERDICT, OTA_PH_DONE, OTA_T_FAILED, OTA_T_SWITCHED, OTA_VERIFIED, otaCauseName,
} from "../native/ota.ts";

const MASTER = new Uint8Array(16).fill(0x42);

interface Rig {
  bus: VirtualCanBus;
  agg: BxcanModel;
  meters: { address: number; model: BxcanModel; ota: OtaMeterHandle; events: number[][]; appFrames: number }[];
}

function rig(addresses: number[], opts?: { key?: (a: number) => Uint8Array; counter?: number; image?: number }): Rig {
  const bus = new VirtualCanBus({ bitrate: 125000 });
  const agg = new BxcanModel(bus, "aggregator");
  agg.start(125000);
  const meters = addresses.map((address) => {
    const model = otaMeterModel(bus, address);
    const m = { address, model, events: [] as number[][], appFrames: 0, ota: null as unknown as OtaMeterHandle };
    model.onFrame(() => { m.appFrames++; });
    const key = opts && opts.key ? opts.key(address) : secocAddon().meterKey(MASTER, address);
    m.ota = attachOtaMeter(bus, model, {
      key, address, image: opts && opts.image ? opts.image : 1, storedCounter: opts && opts.counter !== undefined ? opts.counter : 4,
      onEvent: (t, a, b) => m.events.push([t, a, b]),
    });
    return m;
  });
  return { bus, agg, meters };
}

function runUntilDone(r: Rig, phase: () => number, limitMs: number): number {
  const t0 = r.bus.scheduler.nowUs();
  while (phase() < OTA_PH_DONE) {
    if (r.bus.scheduler.nowUs() - t0 > limitMs * 1000) throw new Error("update not done after " + limitMs + " ms");
    r.bus.scheduler.advanceBy(10000);
  }
  return (r.bus.scheduler.nowUs() - t0) / 1000;
}

function targets(t: Float64Array): { address: number; state: number; cause: number }[] {
  const out = [];
  for (let i = 0; i < t.length; i += 5) out.push({ address: t[i], state: t[i + 1], cause: t[i + 2] });
  return out;
}

test("an update of 3 meters on the bus: one broadcast copy, each meter verified and switched, JavaScript sees events only", () => {
  const image = randomBytes(20805);
  const r = rig([1, 2, 3]);
  const a = attachOtaAggregator(r.bus, r.agg, { bytes: image, masterKey: MASTER, addresses: [1, 2, 3], version: 7, counter: 5, image: 1, tag: 0x31, autoCommit: true });
  assert.deepEqual(Buffer.from(a.native.sha256()), createHash("sha256").update(image).digest());
  const ms = runUntilDone(r, () => a.native.phase(), 60000);
  const chunks = Math.ceil(image.length / 6);
  const c = a.native.counters();
  assert.equal(c[0], chunks, "one copy of the image: every chunk once");
  assert.equal(c[1], 1, "one round");
  for (const t of targets(a.native.targets())) assert.equal(t.state, OTA_T_SWITCHED, "meter " + t.address + " " + otaCauseName(t.cause));
  for (const m of r.meters) {
    assert.deepEqual(Buffer.from(m.ota.native.staged()), image, "meter " + m.address + " staged the image");
    assert.equal(m.appFrames, 0, "no OTA frame reached the application");
    const types = m.events.map((e) => e[0]);
    assert.equal(types[0], OTA_EV_START);
    assert.deepEqual(m.events[0], [OTA_EV_START, 5, chunks]);
    assert.ok(types.filter((t) => t === OTA_EV_PROGRESS).length >= 7, "progress about every eighth");
    assert.deepEqual(m.events[m.events.length - 2], [OTA_EV_VERDICT, OTA_VERIFIED, 0]);
    assert.deepEqual(m.events[m.events.length - 1], [OTA_EV_END, 0, 7]);
    assert.equal(m.ota.native.info()[3], 5, "stored counter raised");
  }
  // the bus time of one copy: 3 468 chunk frames of about 117 bits (stuffing varies), 3.25 s; manifests and commits add little
  assert.ok(ms > 3000 && ms < 3800, "update took " + ms + " ms");
});

test("frames lost at one meter are repaired in later rounds with only the missing chunks", () => {
  const image = randomBytes(6000);
  const r = rig([1, 2, 3]);
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  r.bus.dropFrames({ count: Infinity, receivers: ["meter2"], match: (f) => (f.id & 0x7c0) === 0x780 && rnd() < 0.05 });
  const a = attachOtaAggregator(r.bus, r.agg, { bytes: image, masterKey: MASTER, addresses: [1, 2, 3], version: 1, counter: 9, image: 1, tag: 2, autoCommit: true });
  runUntilDone(r, () => a.native.phase(), 60000);
  const c = a.native.counters();
  assert.ok(c[1] >= 2, "repair rounds: " + c[1]);
  assert.ok(c[0] > 1000 && c[0] < 1000 * 1.15, "chunk frames " + c[0] + " for 1000 chunks: only what meter 2 lacked was resent");
  for (const t of targets(a.native.targets())) assert.equal(t.state, OTA_T_SWITCHED);
  assert.deepEqual(Buffer.from(r.meters[1].ota.native.staged()), image);
});

test("refusals reach the aggregator by cause: another meter's key (mac), a lower counter (rollback), another image", () => {
  const image = randomBytes(600);
  const r = rig([1, 2, 3, 4], {
    key: (a) => (a === 2 ? secocAddon().meterKey(MASTER, 3) : secocAddon().meterKey(MASTER, a)),
  });
  // meter 3 has seen counter 50 already; meter 4 runs the 60 Hz image
  r.meters[2].ota.detach();
  r.meters[2].ota = attachOtaMeter(r.bus, r.meters[2].model, { key: secocAddon().meterKey(MASTER, 3), address: 3, image: 1, storedCounter: 50 });
  r.meters[3].ota.detach();
  r.meters[3].ota = attachOtaMeter(r.bus, r.meters[3].model, { key: secocAddon().meterKey(MASTER, 4), address: 4, image: 2, storedCounter: 0 });
  const a = attachOtaAggregator(r.bus, r.agg, { bytes: image, masterKey: MASTER, addresses: [1, 2, 3, 4], version: 1, counter: 10, image: 1, tag: 3, autoCommit: true });
  runUntilDone(r, () => a.native.phase(), 20000);
  const t = targets(a.native.targets());
  assert.deepEqual(t.map((x) => [x.address, x.state, otaCauseName(x.cause)]), [
    [1, OTA_T_SWITCHED, "ok"], [2, OTA_T_FAILED, "mac"], [3, OTA_T_FAILED, "rollback"], [4, OTA_T_FAILED, "image"],
  ]);
  assert.equal(r.meters[1].ota.native.refused()[2], 1, "meter 2 counted a MAC refusal");
  assert.equal(r.meters[2].ota.native.refused()[4], 1, "meter 3 counted a rollback");
  assert.equal(r.meters[3].ota.native.refused()[5], 1, "meter 4 counted an image refusal");
});

test("a meter restarting mid-transfer gets its manifest again and the chunks it lacks; a meter that never answers is reported", () => {
  const image = randomBytes(9000);
  const r = rig([1, 2]);
  const a = attachOtaAggregator(r.bus, r.agg, { bytes: image, masterKey: MASTER, addresses: [1, 2, 9], version: 3, counter: 6, image: 1, tag: 4, autoCommit: true });
  r.bus.scheduler.advanceBy(700000); // into the chunks
  const m = r.meters[1];
  assert.ok(m.ota.native.info()[1] > 100, "meter 2 holds chunks before its restart");
  m.ota.detach();
  // it persisted "receiving counter 6" before the restart: that manifest is accepted once more
  m.ota = attachOtaMeter(r.bus, m.model, { key: secocAddon().meterKey(MASTER, 2), address: 2, image: 1, storedCounter: 6, restartCounter: 6 });
  runUntilDone(r, () => a.native.phase(), 60000);
  const t = targets(a.native.targets());
  assert.deepEqual(t.map((x) => [x.address, x.state, otaCauseName(x.cause)]), [[1, OTA_T_SWITCHED, "ok"], [2, OTA_T_SWITCHED, "ok"], [9, OTA_T_FAILED, "no answer"]]);
  assert.deepEqual(Buffer.from(m.ota.native.staged()), image);
  assert.ok(a.native.counters()[1] >= 2, "the restarted meter's lacks made a repair round");
});

test("cancel aborts every target not yet switched", () => {
  const image = randomBytes(9000);
  const r = rig([1, 2]);
  const a = attachOtaAggregator(r.bus, r.agg, { bytes: image, masterKey: MASTER, addresses: [1, 2], version: 3, counter: 6, image: 1, tag: 4, autoCommit: true });
  r.bus.scheduler.advanceBy(500000);
  a.native.cancel();
  runUntilDone(r, () => a.native.phase(), 10000);
  for (const t of targets(a.native.targets())) assert.deepEqual([t.state, otaCauseName(t.cause)], [OTA_T_FAILED, "cancelled"]);
  for (const m of r.meters) assert.deepEqual(m.events[m.events.length - 1], [OTA_EV_END, 3, 3], "the meter's JavaScript hears the abort");
});

test("an attacker node: a manifest under the wrong key is refused (mac), replayed frames of a finished update are refused (rollback), stray chunks are ignored", () => {
  const image = randomBytes(3000);
  const r = rig([1]);
  const attacker = new BxcanModel(r.bus, "attacker");
  attacker.start(125000);
  // 1. forged: the whole protocol from a node that does not hold the master key
  const forged = attachOtaAggregator(r.bus, attacker, { bytes: randomBytes(3000), masterKey: new Uint8Array(16).fill(0x13), addresses: [1], version: 66, counter: 99, image: 1, tag: 7, autoCommit: true });
  runUntilDone(r, () => forged.native.phase(), 20000);
  assert.deepEqual(targets(forged.native.targets()).map((t) => otaCauseName(t.cause)), ["mac"]);
  forged.detach();
  // 2. the real update, its frames captured from the wire
  const captured: { id: number; data: Uint8Array }[] = [];
  r.bus.onTrace((e) => { if (e.kind === "frame" && e.from[0] === "aggregator" && e.frame.id >= 0x700) captured.push({ id: e.frame.id, data: new Uint8Array(e.frame.data) }); });
  const a = attachOtaAggregator(r.bus, r.agg, { bytes: image, masterKey: MASTER, addresses: [1], version: 8, counter: 5, image: 1, tag: 9, autoCommit: true });
  runUntilDone(r, () => a.native.phase(), 20000);
  assert.equal(targets(a.native.targets())[0].state, OTA_T_SWITCHED);
  a.detach();
  const m = r.meters[0];
  const refusedBefore = Array.from(m.ota.native.refused());
  const strayBefore = m.ota.native.info()[5];
  // 3. the attacker replays every captured frame (manifest, chunks, commit) in order, one mailbox at a time
  for (const f of captured) {
    let guard = 0;
    while (attacker.pendingMailboxes() > 0) { r.bus.scheduler.advanceBy(100); assert.ok(++guard < 1000); }
    assert.equal(attacker.send({ id: f.id, extended: false, rtr: false, dlc: 8, data: f.data }), 0);
  }
  r.bus.scheduler.advanceBy(2000000);
  const refused = Array.from(m.ota.native.refused());
  assert.equal(refused[4], refusedBefore[4] + 1, "the replayed manifest: rollback");
  assert.ok(m.ota.native.info()[5] >= strayBefore + Math.ceil(image.length / 6), "the replayed chunks: strays (no transfer accepts them)");
  assert.equal(m.events.filter((e) => e[0] === OTA_EV_END).length, 1, "switched once, by the real update only");
  assert.equal(m.appFrames, 0);
});

test("the aggregator restarting mid-transfer: the same update started again resumes on every meter", () => {
  const image = randomBytes(9000);
  const r = rig([1, 2]);
  const first = attachOtaAggregator(r.bus, r.agg, { bytes: image, masterKey: MASTER, addresses: [1, 2], version: 4, counter: 7, image: 1, tag: 5, autoCommit: true });
  r.bus.scheduler.advanceBy(900000);
  const held = r.meters.map((m) => m.ota.native.info()[1]);
  assert.ok(held[0] > 200 && held[0] < 1500, "mid-transfer: " + held[0]);
  first.detach(); // the aggregator's power goes
  r.bus.scheduler.advanceBy(500000);
  const again = attachOtaAggregator(r.bus, r.agg, { bytes: image, masterKey: MASTER, addresses: [1, 2], version: 4, counter: 7, image: 1, tag: 5, autoCommit: true });
  runUntilDone(r, () => again.native.phase(), 60000);
  for (const t of targets(again.native.targets())) assert.equal(t.state, OTA_T_SWITCHED);
  for (const m of r.meters) {
    assert.deepEqual(Buffer.from(m.ota.native.staged()), image);
    assert.equal(m.ota.native.info()[14], 1, "resumed: the staging space erased once");
    assert.ok(m.ota.native.info()[6] > 200, "the chunks it held came again as duplicates");
  }
});

test("a meter that missed frames of the broadcast manifest body answers 'no body' and gets the body again", () => {
  const image = randomBytes(3000);
  const r = rig([1, 2, 3]);
  let bodyFrames = 0;
  r.bus.onTrace((e) => { if (e.kind === "frame" && (e.frame.id & 0x7c0) === 0x780 && e.frame.data[0] === 0xff) bodyFrames++; });
  r.bus.dropFrames({ count: 3, receivers: ["meter2"], match: (f) => (f.id & 0x7c0) === 0x780 && f.data[0] === 0xff });
  const a = attachOtaAggregator(r.bus, r.agg, { bytes: image, masterKey: MASTER, addresses: [1, 2, 3], version: 1, counter: 5, image: 1, tag: 3, autoCommit: true });
  runUntilDone(r, () => a.native.phase(), 20000);
  for (const t of targets(a.native.targets())) assert.equal(t.state, OTA_T_SWITCHED, "meter " + t.address + " " + otaCauseName(t.cause));
  assert.equal(bodyFrames, 20, "the body (10 frames) broadcast twice: once for all, once more for meter 2");
});
