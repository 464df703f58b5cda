// The build's count of the configuration files (configFiles.ts, build/report.json `config`):
// the files counted are the ones the device accepts, and the figures the flash map's
// decision rests on (boards/STM32F107/README.md "Configuration at 64 meters").
import { test } from "node:test";
import assert from "node:assert/strict";
import { configUse, configFilesOf, configReport } from "./configFiles.ts";
import { aggSettingsOf } from "../../modules/aggregator/siteConfig.ts";
import { storedFileBytes, budgets } from "./flashMap.ts";

test("the counted files are what the aggregator accepts: every meter registered, no problem said", () => {
  for (const n of [8, 64]) {
    const files = configFilesOf("aggregator", n);
    const lines: string[] = [];
    const s = aggSettingsOf(JSON.parse(files["agg.json"]), (l) => lines.push(l));
    assert.deepEqual(lines, [], n + " meters: agg.json as the device checks it");
    assert.equal(s.site.meters.length, n);
    const net = JSON.parse(files["meternet.json"]);
    assert.equal(net.meters.length, n);
    assert.equal(new Set(net.meters.map((m: { address: number }) => m.address)).size, n, "addresses unique");
  }
});

test("8 meters fit the aggregator's configuration slot; 64 do not, by about 9.7 KB", () => {
  const slot = storedFileBytes(budgets().storage.aggregator.config);
  const at8 = configUse("aggregator", 8), at64 = configUse("aggregator", 64);
  assert.equal(at8.slotBytes, slot);
  assert.equal(at8.overBytes, 0, "8 meters: " + at8.storedBytes + " of " + slot);
  assert.ok(at64.overBytes > 9000 && at64.overBytes < 11000, "64 meters over by " + at64.overBytes);
  // the per-meter growth the decision quotes (about 170 B a meter over both files)
  const perMeter = (at64.storedBytes - at8.storedBytes) / 56;
  assert.ok(perMeter > 150 && perMeter < 190, perMeter + " B a meter");
  assert.equal(at64.storedBytes, at64.files.reduce((a, f) => a + storedFileBytes(f.bytes), 0));
});

test("the meter's meternet.json fits its slot with room", () => {
  const u = configUse("meter", 1);
  assert.equal(u.overBytes, 0);
  assert.ok(u.storedBytes < u.slotBytes / 2);
  assert.deepEqual(configReport().map((c) => c.role + c.meters), ["meter1", "aggregator8", "aggregator64"]);
});
