/**
 * The aggregator's sender over its NOR, through the addon on the host NOR model
 * (host/runtime/nor.ts, the W25Q commands of w25q.c on its SPI): the real stored meter
 * bundle staged piece by piece and sent to 3 meters on the bit-timed bus from the NOR;
 * the sender's state held only while the update runs (freed at its end and at a cancel,
 * never kept for a refused start), as jswrap_ota.c does with CAN1's JsVars; and a power
 * cut before or in the middle of every erase and program of the staging, after which the
 * restarted aggregator sends no manifest for the half image.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { VirtualCanBus } from "../canbus/bus.ts";
import { BxcanModel } from "../canbus/bxcanModel.ts";
import { attachOtaAggregator, attachOtaMeter, otaMeterModel } from "../canbus/otaAttach.ts";
import { secocAddon } from "./secoc.ts";
import { NorModel, PowerCut } from "../runtime/nor.ts";
import { norStage } from "./otaStage.ts";
import { NIMG_VERIFIED, OTA_PH_DONE, OTA_PH_WATCHING, OTA_T_FAILED, OTA_T_SWITCHED, OTA_T_TRIAL, otaAddon } from "./ota.ts";

const MASTER = new Uint8Array(16).fill(0x42);
const AREA = 65536; // flashMap.ts norAreas("aggregator") "staged" (modules/ota/aggregatorOta.test.ts checks it)
const PIECE = 1024; // modules/ota/aggregatorOta.ts OTA_PIECE
const stored = new URL("../../build/stored/meter.js", import.meta.url);
const image = existsSync(stored) ? new Uint8Array(readFileSync(stored)) : Uint8Array.from({ length: 20221 }, (_, i) => (i * 131 + 7) & 255);

function stageAll(stage: ReturnType<typeof norStage>, bytes: Uint8Array): number {
  let r = stage.stageBegin(0, AREA, bytes.length);
  for (let at = 0; r >= 0 && at < bytes.length; at += PIECE) r = stage.stageWrite(at, Buffer.from(bytes.subarray(at, at + PIECE)).toString("latin1"));
  return r;
}

function bus3() {
  const bus = new VirtualCanBus({ bitrate: 125000 });
  const agg = new BxcanModel(bus, "aggregator");
  agg.start(125000);
  for (const address of [1, 2, 3]) {
    const model = otaMeterModel(bus, address);
    attachOtaMeter(bus, model, { key: secocAddon().meterKey(MASTER, address), address, image: 1, storedCounter: 4 });
  }
  return { bus, agg };
}

const start = (bus: VirtualCanBus, agg: BxcanModel, stage: ReturnType<typeof norStage>, size = image.length) =>
  attachOtaAggregator(bus, agg, { bytes: { staged: stage.image, norAddress: 0, size }, masterKey: MASTER, addresses: [1, 2, 3], version: 7, counter: 5, image: 1, tag: 0x31, autoCommit: true });

test("the stored meter bundle, staged on the NOR and sent from there to 3 meters; the sender's state only while the update runs", () => {
  const nor = new NorModel();
  const stage = norStage(nor);
  assert.equal(stageAll(stage, image), image.length);
  assert.equal(stage.image.info()[0], NIMG_VERIFIED);
  assert.deepEqual(Buffer.from(stage.image.sha256()), createHash("sha256").update(image).digest(), "the digest of the NOR copy");
  assert.deepEqual(nor.read(0, image.length), image);
  assert.equal(nor.busyViolations, 0, "w25q.c never sends a command while the part is busy");
  const { bus, agg } = bus3();
  const a = start(bus, agg, stage);
  const held = a.native.memory();
  assert.ok(held[0] > 4000, "the sender's state while it runs: " + held[0] + " B");
  while (a.native.phase() !== OTA_PH_WATCHING) {
    assert.ok(bus.scheduler.nowUs() < 60e6, "switched within 60 s");
    bus.scheduler.advanceBy(10000);
  }
  assert.ok(a.native.memory()[0] > 4000, "held while it watches the meters' boot reports");
  // these meters never restart, so nothing confirms: the operator stops the watch
  a.native.cancel();
  for (let i = 0; i < 200 && a.native.phase() !== OTA_PH_DONE; i++) bus.scheduler.advanceBy(10000);
  assert.equal(a.native.phase(), OTA_PH_DONE);
  bus.scheduler.advanceBy(10000); // the next service pass frees it
  const m = a.native.memory();
  assert.deepEqual(Array.from(m), [0, 4 + 5 * 3, 1, 1], "freed at the end; 19 B of summary kept");
  const t = a.native.targets();
  for (let i = 0; i < 3; i++) assert.deepEqual(Array.from(t.subarray(5 * i, 5 * i + 5)), [i + 1, t[5 * i + 1] === OTA_T_TRIAL ? OTA_T_TRIAL : OTA_T_SWITCHED, 0, Math.ceil(image.length / 6), Math.ceil(image.length / 6)]);
  assert.equal(a.native.counters()[0], Math.ceil(image.length / 6), "one copy of the image, read from the NOR");
  a.detach();

  // a cancel frees it too
  const c = bus3();
  const b = start(c.bus, c.agg, stage);
  c.bus.scheduler.advanceBy(300000);
  b.native.cancel();
  for (let i = 0; i < 200 && b.native.phase() !== OTA_PH_DONE; i++) c.bus.scheduler.advanceBy(10000);
  assert.equal(b.native.phase(), OTA_PH_DONE);
  assert.equal(b.native.memory()[0], 0, "freed after the cancel");
  assert.ok(Array.from(b.native.targets()).filter((_, i) => i % 5 === 1).every((s) => s === OTA_T_FAILED), "every meter: cancelled");
  b.detach();

  // a start refused (another size than the one staged): nothing held, nothing sent
  const d = bus3();
  assert.throws(() => start(d.bus, d.agg, stage, image.length - 1), (e: { code?: number }) => e.code === -5);
});

test("a power cut at every erase and program of the staging: the restarted aggregator sends no manifest for the half image", () => {
  // A fixed image, not the built bundle: its last page program must be longer than the 100
  // bytes a torn cut keeps, or that cut completes the image (a bundle ending 61 B into a
  // page did so); 20 221 B ends 253 B into its last page.
  const image = Uint8Array.from({ length: 20221 }, (_, i) => (i * 131 + 7) & 255);
  assert.ok(image.length % 256 > 100, "the last page program is torn by a 100-byte cut");
  const probe = new NorModel();
  const before = probe.programs;
  assert.equal(stageAll(norStage(probe), image), image.length);
  const ops = probe.programs - before + Array.from(probe.erases).reduce((s, n) => s + n, 0);
  let cuts = 0, halves = 0;
  for (let k = 0; k < ops; k++) {
    for (const kept of [0, 100]) {
      const nor = new NorModel();
      nor.armCut(k, kept);
      assert.throws(() => stageAll(norStage(nor), image), PowerCut);
      nor.powerOn(); // the aggregator restarts: its RAM, and with it the staging state, is gone
      if (!Buffer.from(nor.read(0, image.length)).equals(Buffer.from(image))) halves++;
      const again = norStage(nor);
      const { bus, agg } = bus3();
      assert.throws(() => start(bus, agg, again), (e: { code?: number }) => e.code === -5, "cut " + k);
      // even an upload begun again but not finished is never sent
      assert.equal(again.stageBegin(0, AREA, image.length), 0);
      assert.equal(again.stageWrite(0, Buffer.from(image.subarray(0, PIECE)).toString("latin1")), PIECE);
      assert.throws(() => start(bus, agg, again), (e: { code?: number }) => e.code === -5);
      bus.scheduler.advanceBy(1000000);
      assert.equal(bus.stats().frames, 0, "nothing went out on the bus");
      cuts++;
    }
  }
  assert.equal(cuts, 2 * ops);
  assert.equal(halves, cuts, "every cut left the NOR without the whole image");
  console.log(`staging power cuts on the NOR model: ${cuts} cut points (${ops} erases and programs, before and torn), no manifest sent`);
});

test("a meter whose flow control frames are lost still gets its repairs: the sender waits out its N_Bs instead of burning its tries", () => {
  const bus = new VirtualCanBus({ bitrate: 125000 });
  const agg = new BxcanModel(bus, "aggregator");
  agg.start(125000);
  const model = otaMeterModel(bus, 6);
  const meter = attachOtaMeter(bus, model, { key: secocAddon().meterKey(MASTER, 6), address: 6, image: 1, storedCounter: 4 });
  // every 20th chunk lost at the meter: its status answers run to many frames, each
  // behind the aggregator's flow control frame; the first 3 of those are lost too (the
  // meter then waits N_Bs, 1 s, and ignores requests meanwhile)
  let k = 0;
  bus.dropFrames({ count: Infinity, receivers: ["meter6"], match: (f) => (f.id & 0x7c0) === 0x780 && f.data[0] !== 0xff && k++ % 20 === 7 });
  bus.dropFrames({ count: 3, receivers: ["meter6"], match: (f) => f.id === 0x706 && f.data[0] >> 4 === 3 });
  const nor = new NorModel();
  const stage = norStage(nor);
  assert.equal(stageAll(stage, image), image.length);
  const a = attachOtaAggregator(bus, agg, { bytes: { staged: stage.image, norAddress: 0, size: image.length }, masterKey: MASTER, addresses: [6], version: 7, counter: 5, image: 1, tag: 0x31, autoCommit: true });
  while (a.native.phase() < OTA_PH_DONE && bus.scheduler.nowUs() < 120e6) bus.scheduler.advanceBy(10000);
  const t = a.native.targets();
  // switched, or already reporting its trial to the aggregator's watch
  assert.ok(t[1] === OTA_T_SWITCHED || t[1] === OTA_T_TRIAL, "switched, not given up (state " + t[1] + ", cause " + t[2] + ")");
  assert.equal(t[2], 0);
  assert.deepEqual(Buffer.from(meter.native.staged()), Buffer.from(image));
  a.detach();
  meter.detach();
});
