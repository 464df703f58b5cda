// Replays across simulator runs (issue 12, 3.2): the key persists between runs, so the
// devices' freshness must too (deviceState.ts). Run 1 records every authenticated frame
// on the bus; run 2, on the same key and state folder, replays them all once its meters
// are synchronised: no node accepts one, and the aggregator books no energy beyond what
// the meters measured in run 2. With new devices in run 2 (the simulator before the
// state folder) the epochs start again and most of them were accepted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SimNetwork } from "./network.ts";
import { DeviceState } from "./deviceState.ts";
import { siteState } from "./report.ts";
import { BxcanModel } from "../canbus/index.ts";
import type { CanFrame } from "../../modules/can/frame.ts";
import { FN_MEAS_ENERGY_IMPORT, addressOf, functionOf } from "../../modules/can/idPlan.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bundles = ["build/aggregator.js", "build/meter.js"].map((f) => root + f);
const haveBundles = bundles.every((b) => existsSync(b));
const KEY = new Uint8Array(16).map((_, i) => 0x40 + i);

function network(dir: string, fresh: boolean): SimNetwork {
  return new SimNetwork({
    meters: 2, speed: 10000, masterKey: KEY,
    aggregatorBundle: readFileSync(bundles[0], "utf8"), meterBundle: readFileSync(bundles[1], "utf8"),
    httpPort: 0, slcanPort: -1, epochMs: Date.UTC(2026, 5, 10, 8, 0), startOfDayS: 10 * 3600, dipsPerSlot: 0, siteData: false,
    output: () => {},
    deviceState: new DeviceState(dir, KEY, fresh),
  });
}

const sig = (f: CanFrame) => f.id.toString(16) + ":" + Buffer.from(f.data).toString("hex");

async function runFor(net: SimNetwork, ms: number): Promise<void> {
  await new Promise<void>((resolve) => net.run(ms, resolve));
}

/** Run 1: every authenticated (8-byte data) frame the devices sent, once each. */
async function record(dir: string): Promise<CanFrame[]> {
  const net = network(dir, true);
  await net.start();
  const seen = new Map<string, CanFrame>();
  net.bus.onTrace((e) => {
    const f = e.frame;
    if (e.kind === "frame" && !f.rtr && f.dlc === 8 && !seen.has(sig(f))) seen.set(sig(f), { id: f.id, extended: f.extended, rtr: false, dlc: 8, data: new Uint8Array(f.data) });
  });
  await runFor(net, 120_000);
  await net.stop();
  assert.deepEqual(net.hostErrors, []);
  return [...seen.values()];
}

/** Run 2 on the same state folder (fresh: new devices): replays `frames` after 60 s; what the nodes accepted. */
async function replay(dir: string, frames: CanFrame[], fresh: boolean) {
  const net = network(dir, fresh);
  await net.start();
  const replayed = new Set(frames.map(sig));
  const accepted: string[] = [];
  let replaying = false;
  const genuine = new Map<number, number[]>();
  const nodes = net.nodes.map((n) => ({ name: n.name, can: n.can }));
  if (net.cogen) nodes.push({ name: "cogenerator", can: net.cogen.can });
  for (const n of nodes) {
    n.can.secoc.observe((f, v, res) => {
      if (v !== 0) return;
      if (replaying && replayed.has(sig(f))) { accepted.push(n.name + " " + sig(f)); return; }
      if (n.name === "aggregator" && functionOf(f.id) === FN_MEAS_ENERGY_IMPORT) {
        const a = addressOf(f.id);
        if (!genuine.has(a)) genuine.set(a, []);
        genuine.get(a)!.push(res[2]);
      }
    });
  }
  await runFor(net, 60_000);
  // every meter answers (synchronised) before the replay starts
  const agg = net.status(net.aggregator) as { meters: { address: number; answered: number }[] };
  for (const m of agg.meters) assert.ok(m.answered > 10, `meter ${m.address} answered ${m.answered} polls before the replay`);
  const replayer = new BxcanModel(net.bus, "replayer");
  replayer.start(125000);
  const queue = frames.slice();
  let sent = 0;
  replaying = true;
  const pump = () => {
    while (queue.length && replayer.send(queue[0]) === 0) { queue.shift(); sent++; }
    if (queue.length) net.bus.scheduler.at(net.bus.nowUs() + 1000, pump);
  };
  pump();
  await runFor(net, 30_000);
  const st = siteState(net);
  await net.stop();
  assert.deepEqual(net.hostErrors, []);
  assert.equal(sent, frames.length, "every recorded frame replayed");
  return { accepted, st, genuine };
}

test("frames recorded in one simulator run are refused in the next (the devices keep their freshness)", { skip: !haveBundles && "npm run build first", timeout: 300_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "meternet-state-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const frames = await record(dir);
  assert.ok(frames.length > 500, `${frames.length} frames recorded`);
  const { accepted, st, genuine } = await replay(dir, frames, false);
  t.diagnostic(`${frames.length} frames recorded in run 1, replayed in run 2: ${accepted.length} accepted`);
  assert.deepEqual(accepted.slice(0, 5), [], `${accepted.length} of ${frames.length} replayed frames accepted`);
  // no energy booked from them: the aggregator's import for each meter in run 2 is what
  // the meter's own registers rose by in run 2 (within a reading)
  assert.ok(st, "aggregator state");
  for (const m of st!.meters) {
    const g = genuine.get(m.address) ?? [];
    assert.ok(g.length > 5, `meter ${m.address}: ${g.length} energy answers`);
    const rose = g[g.length - 1] - g[0];
    assert.ok(m.imp / 1000 <= rose + 1, `meter ${m.address}: ${m.imp / 1000} Wh booked, the register rose ${rose} Wh`);
  }
});

test("with new devices in the next run (no kept state) the same replay is accepted: the test can fail", { skip: !haveBundles && "npm run build first", timeout: 300_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "meternet-state-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const frames = await record(dir);
  const { accepted } = await replay(dir, frames, true);
  t.diagnostic(`new devices in run 2: ${accepted.length} of ${frames.length} replayed frames accepted`);
  assert.ok(accepted.length > 50, `${accepted.length} of ${frames.length} replayed frames accepted without the kept state`);
});
