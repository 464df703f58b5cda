// The simulator's aggregator keeps its history (and its web app) on its SPI NOR
// (host/runtime/nor.ts, wired as SPI1 on NOR_CS) and that NOR is kept between runs
// (deviceState.ts): run 1 closes a 15-minute interval on the NOR; run 2 on the same state
// folder finds them there.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SimNetwork } from "./network.ts";
import { DeviceState } from "./deviceState.ts";
import { NorModel } from "../runtime/nor.ts";
import { NOR_HISTORY_BASE } from "../../modules/aggregator/historyOnNor.ts";
import { NOR_ASSETS_BASE, NOR_ASSETS_BYTES } from "../../modules/http/assetsOnNor.ts";
import { NOR_SECTOR_BYTES } from "../../modules/ports/nor.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bundles = ["build/aggregator.js", "build/meter.js"].map((f) => root + f);
const haveBundles = bundles.every((b) => existsSync(b));
const KEY = new Uint8Array(16).map((_, i) => 0x30 + i);

function network(dir: string, lines: string[]): SimNetwork {
  return new SimNetwork({
    meters: 2, speed: 100000, masterKey: KEY,
    aggregatorBundle: readFileSync(bundles[0], "utf8"), meterBundle: readFileSync(bundles[1], "utf8"),
    httpPort: 0, slcanPort: -1, epochMs: Date.UTC(2026, 5, 10, 8, 0), startOfDayS: 10 * 3600, dipsPerSlot: 0, siteData: false,
    output: (node, text) => { if (node === "aggregator") lines.push(text); },
    deviceState: new DeviceState(dir, KEY, false),
  });
}

test("simulator: the aggregator's history goes to its W25Q, which is kept between runs", { skip: !haveBundles && "npm run build first" }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "mn-nor-"));
  try {
    const lines: string[] = [];
    const net = network(dir, lines);
    await net.start();
    await new Promise<void>((resolve) => net.run(20 * 60_000, resolve)); // 08:00 to 08:20: the 08:00-08:15 interval closes
    await net.stop();
    assert.deepEqual(net.hostErrors, []);
    assert.match(lines.join(""), /history on the SPI NOR \(W25Q32JV, CS A4\)/);
    const nor = net.aggregator.nor!;
    const used = nor.usedSectors();
    assert.ok(used.length >= 1, "the closed interval on the NOR: " + used.length + " sectors");
    // the history area, and the web app's files in the assets area (host/web/assets.ts loadAppOntoDevice)
    const hist = used.filter((s) => s >= NOR_HISTORY_BASE / NOR_SECTOR_BYTES);
    assert.ok(hist.length >= 1, "the closed interval on the NOR");
    assert.ok(used.every((s) => s >= NOR_HISTORY_BASE / NOR_SECTOR_BYTES || (s >= NOR_ASSETS_BASE / NOR_SECTOR_BYTES && s < (NOR_ASSETS_BASE + NOR_ASSETS_BYTES) / NOR_SECTOR_BYTES)), "only the history and assets areas: " + used.join(","));
    const agg = net.aggregator.rt.global.agg as { store: { profiles: { get(slot: number, m: number): number }; openSlot: number }; storage: unknown };
    const last = agg.store.openSlot - 1;
    const w = agg.store.profiles.get(last, 0);
    assert.ok(Number.isFinite(w), "the last closed interval reads back: " + w);
    assert.ok(statSync(join(dir, "aggregator.nor")).size === used.length * (4 + NOR_SECTOR_BYTES), "the written sectors saved");
    // run 2: the same folder, a new model loaded from it
    const again = new NorModel();
    new DeviceState(dir, KEY, false).loadNor("aggregator", again);
    assert.deepEqual(again.usedSectors(), used);
    assert.deepEqual(again.bytes.subarray(NOR_HISTORY_BASE, NOR_HISTORY_BASE + 64 * NOR_SECTOR_BYTES), nor.bytes.subarray(NOR_HISTORY_BASE, NOR_HISTORY_BASE + 64 * NOR_SECTOR_BYTES));
    const lines2: string[] = [];
    const net2 = network(dir, lines2);
    assert.deepEqual(net2.aggregator.nor!.usedSectors(), used, "run 2's aggregator starts with run 1's NOR");
    await net2.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
