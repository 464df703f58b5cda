// A restarted meter stays silent until the aggregator resynchronises it (modules/can/meterNode.ts
// `unsynced`): its transmit epoch is new at every boot and unknown to the aggregator, so an
// answer before the sync could only be a bad MAC there, the count that must stay an alarm
// (a forged frame). Before: 9 bad MACs for 3 power-cycled meters, 27 after an OTA switch of 3
// (host/sim/restartCost.ts power|switch). The resynchronisation still comes from the misses.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SimNetwork } from "./network.ts";
import { tokenise } from "../../tools/build/pretokenise.js";
import { restartRig } from "./restartGaps.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const built = existsSync(root + "build/stored/meter.js") && existsSync(root + "build/aggregator.js");

test("power-cycled meters answer nothing before their resynchronisation: no bad MAC at the aggregator, polls answered again", { skip: built ? false : "npm run build first" }, async () => {
  const net = new SimNetwork({
    meters: 3, speed: 1, masterKey: new Uint8Array(16).fill(0x42), aggregatorBundle: readFileSync(root + "build/aggregator.js", "utf8"),
    meterBundle: readFileSync(root + "build/stored/meter.js", "latin1"), httpPort: 0, slcanPort: -1, epochMs: Date.UTC(2026, 5, 21, 9, 0),
    startOfDayS: 11 * 3600, dipsPerSlot: 0, siteData: false, cogenerator: false, output: () => {},
  });
  type Agg = { rejects: { badMac: number }; syncs: number; answered: number };
  const agg = () => net.status(net.aggregator) as unknown as Agg;
  try {
    await net.start();
    net.clock.advance(20000);
    const before = agg();
    assert.equal(before.rejects.badMac, 0);
    const meters = net.nodes.filter((n) => n.meter);
    // a restart after each meter measured windows (it then has answers it could arm), and one right before a poll
    net.powerCycle(meters[0]);
    net.clock.advance(700);
    net.powerCycle(meters[1]);
    net.powerCycle(meters[2]);
    net.clock.advance(20000);
    const after = agg();
    assert.equal(after.rejects.badMac, 0, "no bad MAC from restarted meters");
    const syncs = after.syncs - before.syncs; // sync requests sent: one or two per restarted meter (a retry when the first went before its boot finished)
    assert.ok(syncs >= 3 && syncs <= 6, "sync requests: " + syncs);
    for (const m of meters) {
      const o = new Uint32Array(6);
      net.aggregator.can.linkMeter(m.meter!.address, o);
      const a0 = o[1];
      net.clock.advance(3000);
      net.aggregator.can.linkMeter(m.meter!.address, o);
      assert.ok(o[1] > a0, m.name + " answers polls again");
    }
  } finally {
    await net.stop();
  }
});

// After a revert (a trial that crashed, reverted at its deadline) the meter runs its previous
// script again, but the link's sync back-off doubled through the silent trial (200 ms .. 25.6 s):
// its next sync request came 22.0 s after the restart. The OTA watch asks each switched meter
// for its boot report every 2 s; its answer tells the link the meter runs, and its back-off
// starts over (otaAggLink.h mn_ota_agg_heard -> aglinkSchedule.h mn_ag_reachable): 2.0 s.
// The co-generator acknowledges frames while every meter restarts, as any other node on a real bus.
test("after a revert the meter answers polls within 3 s of its restart (the watch's answer ends the sync back-off; it was 22 s)", { skip: built ? false : "npm run build first", timeout: 120000 }, async () => {
  const rig = restartRig("restart silence test");
  const net = rig.net;
  try {
    await net.start();
    net.clock.advance(20000);
    const watch = rig.watch();
    const s = await rig.update(tokenise("throw new Error('restartSilence: this script fails at start');\n") + rig.meterBundle);
    assert.deepEqual(s.meters.map((t) => t.state + " " + t.cause), ["reverted deadline", "reverted deadline", "reverted deadline"]);
    net.clock.advance(30000);
    const reverts = watch.gaps.filter((g) => g.firstAnswerS !== null);
    assert.equal(reverts.length, 3, "each meter answered after its revert: " + JSON.stringify(watch.gaps));
    assert.equal(watch.gaps.length, 6, "the trial's restart and the revert's, per meter");
    for (const g of reverts) {
      const s2 = g.firstAnswerS! - g.restartS;
      assert.ok(s2 <= 3, `${g.meter}: first answer ${s2.toFixed(2)} s after the revert's restart`);
    }
    const a = net.status(net.aggregator) as unknown as { rejects: { badMac: number } };
    assert.equal(a.rejects.badMac, 0, "no bad MAC");
  } finally {
    await net.stop();
  }
});
