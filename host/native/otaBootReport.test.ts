/**
 * The boot report (issue 18): a meter's STATUS answer at rest carries what its boot hook's
 * record says of the running script (otaMeterLink.h MN_OTA_BOOT_*: the state byte's high
 * nibble, meternet.dbc OtaBootReport), and the aggregator's link, once it has switched
 * meters, watches them (otaAggLink.h MN_OTA_PH_WATCHING) until each reports its trial
 * confirmed on this update's counter or reverted and why. The meters' and the aggregator's
 * C through the addon, behind bxCAN models on the bit-timed bus; a meter's boot report is
 * set as jswrap_ota.c sets it (from the hook's record at listen, at confirmation).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { VirtualCanBus } from "../canbus/bus.ts";
import { BxcanModel } from "../canbus/bxcanModel.ts";
import { attachOtaAggregator, attachOtaMeter, type OtaMeterHandle, otaMeterModel } from "../canbus/otaAttach.ts";
import { secocAddon } from "./secoc.ts";
import { dataFrame } from "../../modules/can/frame.ts";
import {
  OTA_PH_DONE, OTA_PH_WATCHING, OTA_T_CONFIRMED, OTA_T_REVERTED, OTA_T_SWITCHED, OTA_T_TRIAL, OTA_TARGET_STATES,
  OTA_BOOT_TRIAL, otaBootReport,
} from "./ota.ts";

const MASTER = new Uint8Array(16).fill(0x42);
const COUNTER = 9;
const REVERT_DEADLINE = 3; // otaBoot.h MN_REVERT_DEADLINE

function rig(addresses: number[]) {
  const bus = new VirtualCanBus({ bitrate: 125000 });
  const agg = new BxcanModel(bus, "aggregator");
  agg.start(125000);
  const meters = new Map<number, { model: BxcanModel; ota: OtaMeterHandle }>();
  const listen = (address: number, model: BxcanModel, stored: number) =>
    attachOtaMeter(bus, model, { key: secocAddon().meterKey(MASTER, address), address, image: 1, storedCounter: stored });
  for (const address of addresses) {
    const model = otaMeterModel(bus, address);
    meters.set(address, { model, ota: listen(address, model, 4) });
  }
  // every answer a meter sends, as a bus monitor sees it
  const sniffer = new BxcanModel(bus, "monitor");
  sniffer.start(125000);
  sniffer.addFilter({ mode: "mask", extended: false, id: 0x740, mask: 0x7c0, fifo: 0 });
  const answers: { id: number; data: number[] }[] = [];
  sniffer.onFrame((f) => { answers.push({ id: f.id, data: Array.from(f.data) }); });
  return { bus, agg, meters, answers, listen };
}

function states(t: Float64Array): Record<number, string> {
  const out: Record<number, string> = {};
  for (let i = 0; i < t.length && t[i]; i += 5) out[t[i]] = OTA_TARGET_STATES[t[i + 1]] + (t[i + 1] === OTA_T_REVERTED ? " " + t[i + 2] : "");
  return out;
}

test("after the switch the aggregator watches each meter's boot report: trial, then confirmed or reverted (reason); a restarting meter is no failure", () => {
  const r = rig([1, 2, 3]);
  const a = attachOtaAggregator(r.bus, r.agg, { bytes: randomBytes(3000), masterKey: MASTER, addresses: [1, 2, 3], version: COUNTER, counter: COUNTER, image: 1, tag: 0x44, autoCommit: true });
  const run = (ms: number) => r.bus.scheduler.advanceBy(ms * 1000);
  for (let i = 0; i < 3000 && a.native.phase() < OTA_PH_DONE; i++) run(10);
  assert.equal(a.native.phase(), OTA_PH_WATCHING, "the transfer is over; the switched meters are watched");
  assert.deepEqual(states(a.native.targets()), { 1: "switched", 2: "switched", 3: "switched" });

  // the meters restart (E.reboot after the switch): their links are gone for 5 s, then listen again
  for (const m of r.meters.values()) m.ota.detach();
  run(5000);
  assert.deepEqual(states(a.native.targets()), { 1: "switched", 2: "switched", 3: "switched" }, "no answer while restarting: not failed");
  for (const [address, m] of r.meters) {
    m.ota = r.listen(address, m.model, COUNTER);
    m.ota.native.setBootReport(otaBootReport(true, 0)); // the hook: a trial
  }
  r.answers.length = 0;
  run(2500);
  assert.deepEqual(states(a.native.targets()), { 1: "trial", 2: "trial", 3: "trial" });
  // the single-frame answer at rest: [PCI 07][0x82][boot << 4 | state][cause][counter u32]
  const status = r.answers.find((f) => f.id === 0x741)!;
  assert.deepEqual(status.data, [0x07, 0x82, (OTA_BOOT_TRIAL << 4) | 0, 0, 0, 0, 0, COUNTER]);

  r.meters.get(1)!.ota.native.setBootReport(otaBootReport(false, 0)); // CAN1.otaConfirm(true)
  r.meters.get(2)!.ota.native.setBootReport(otaBootReport(false, REVERT_DEADLINE)); // the deadline passed: reverted, restarted
  run(2500);
  assert.deepEqual(states(a.native.targets()), { 1: "confirmed", 2: "reverted " + REVERT_DEADLINE, 3: "trial" });
  assert.equal(a.native.phase(), OTA_PH_WATCHING, "meter 3 is still in its trial");
  r.meters.get(3)!.ota.native.setBootReport(otaBootReport(false, 1)); // crashed: the watchdog's reset reverted it
  run(2500);
  assert.deepEqual(states(a.native.targets()), { 1: "confirmed", 2: "reverted " + REVERT_DEADLINE, 3: "reverted 1" });
  assert.equal(a.native.phase(), OTA_PH_DONE, "every switched meter reported: done");
  const t = a.native.targets();
  assert.deepEqual([t[1], t[6], t[11]], [OTA_T_CONFIRMED, OTA_T_REVERTED, OTA_T_REVERTED]);
  assert.ok(!Array.from(t).some((v, i) => i % 5 === 1 && (v === OTA_T_SWITCHED || v === OTA_T_TRIAL)));
});

// The watch's answers are also what tells the poll link a switched meter runs again (otaAggLink.h
// mn_ota_agg_heard -> aglinkSchedule.h mn_ag_reachable: its sync back-off starts over; host/sim/restartCost.ts revert:
// 22.0 s from the revert to the first answered poll before, 2.0 s after). Only a status answer the watch asked for
// and could parse counts: nothing during the transfer, nothing while the meters restart, nothing unasked.
test("the watch hears a switched meter only in an answer to its own question: once per question, never unasked or during the transfer", () => {
  const r = rig([1, 2, 3]);
  const heard: number[] = [];
  const a = attachOtaAggregator(r.bus, r.agg, {
    bytes: randomBytes(3000), masterKey: MASTER, addresses: [1, 2, 3], version: COUNTER, counter: COUNTER, image: 1, tag: 0x46, autoCommit: true,
    onHeard: (address) => heard.push(address),
  });
  const run = (ms: number) => r.bus.scheduler.advanceBy(ms * 1000);
  for (let i = 0; i < 3000 && a.native.phase() < OTA_PH_DONE; i++) run(10);
  assert.equal(a.native.phase(), OTA_PH_WATCHING);
  assert.deepEqual(heard, [], "manifests, status and commit answers are the transfer's");
  for (const m of r.meters.values()) m.ota.detach();
  run(5000);
  assert.deepEqual(heard, [], "restarting: nobody answers");
  for (const [address, m] of r.meters) {
    m.ota = r.listen(address, m.model, COUNTER);
    m.ota.native.setBootReport(otaBootReport(true, 0));
  }
  run(2500);
  assert.deepEqual(heard.slice().sort(), [1, 2, 3], "each meter heard once, in its answer to the watch's question");
  // a forger sends meter 3's report while no question is out: dropped, nobody is told
  const forger = new BxcanModel(r.bus, "forger");
  forger.start(125000);
  forger.send(dataFrame(0x743, new Uint8Array([0x07, 0x82, (OTA_BOOT_TRIAL << 4) | 0, 0, 0, 0, 0, COUNTER])));
  run(100);
  assert.deepEqual(heard.slice().sort(), [1, 2, 3], "an answer nobody asked for: not heard");
  run(2000);
  assert.deepEqual(heard.slice().sort(), [1, 1, 2, 2, 3, 3], "still in trial: heard again at the next question (every 2 s), no more");
});

test("a confirmed report on an older counter is not this update's: the watch goes on; cancel ends it", () => {
  const r = rig([4]);
  const a = attachOtaAggregator(r.bus, r.agg, { bytes: randomBytes(1200), masterKey: MASTER, addresses: [4], version: COUNTER, counter: COUNTER, image: 1, tag: 0x45, autoCommit: true });
  const run = (ms: number) => r.bus.scheduler.advanceBy(ms * 1000);
  for (let i = 0; i < 3000 && a.native.phase() < OTA_PH_DONE; i++) run(10);
  assert.equal(a.native.phase(), OTA_PH_WATCHING);
  const m = r.meters.get(4)!;
  m.ota.detach();
  m.ota = r.listen(4, m.model, COUNTER - 1); // it lost the update's counter: its FRAM says an older one
  m.ota.native.setBootReport(otaBootReport(false, 0));
  run(5000);
  assert.deepEqual(states(a.native.targets()), { 4: "switched" });
  a.native.cancel();
  run(100);
  assert.equal(a.native.phase(), OTA_PH_DONE);
});
