// The build's count of the configuration files (configFiles.ts, build/report.json `config`):
// the files counted are the ones the device accepts, and the figures the flash map's
// decision rests on (boards/STM32F107/README.md "Configuration at 64 meters").
import { test } from "node:test";
import assert from "node:assert/strict";
import { configUse, configFilesOf, configReport } from "./configFiles.ts";
import { aggSettingsOf } from "../../modules/aggregator/siteConfig.ts";
import { storedFileBytes, budgets } from "./flashMap.ts";

test("the counted files are what the aggregator accepts: no problem said, no meter list in Storage", () => {
  for (const n of [8, 64]) {
    const files = configFilesOf("aggregator", n);
    const lines: string[] = [];
    const s = aggSettingsOf(JSON.parse(files["agg.json"]), (l) => lines.push(l));
    assert.deepEqual(lines, [], n + " meters: agg.json as the device checks it");
    assert.equal(s.site.meters.length, 0, "the meters are on the NOR");
    assert.ok(s.site.maxMeters >= n, "room for the NOR list's meters");
    assert.ok(s.auth && s.auth.user === "admin", "the login is in agg.json");
    assert.equal(JSON.parse(files["meternet.json"]).meters, undefined, "one meter list");
  }
});

test("8 and 64 meters fit the aggregator's configuration slot, the same size; the list is 48 B a meter on the NOR", () => {
  const slot = storedFileBytes(budgets().storage.aggregator.config);
  const at8 = configUse("aggregator", 8), at64 = configUse("aggregator", 64);
  assert.equal(at8.slotBytes, slot);
  assert.equal(at8.overBytes, 0, "8 meters: " + at8.storedBytes + " of " + slot);
  assert.equal(at64.overBytes, 0, "64 meters: " + at64.storedBytes + " of " + slot);
  // room left for auth.json (the login set through the web app, about 220 B stored)
  assert.ok(at64.storedBytes + 256 <= slot, at64.storedBytes + " of " + slot);
  assert.ok(Math.abs(at64.storedBytes - at8.storedBytes) <= 8, "no growth with the meters: " + at8.storedBytes + " -> " + at64.storedBytes);
  assert.equal(at8.norBytes, 256 + 8 * 48);
  assert.equal(at64.norBytes, 256 + 64 * 48);
  assert.equal(at64.storedBytes, at64.files.reduce((a, f) => a + storedFileBytes(f.bytes), 0));
});

test("the meter's meternet.json fits its slot with room", () => {
  const u = configUse("meter", 1);
  assert.equal(u.overBytes, 0);
  assert.ok(u.storedBytes < u.slotBytes / 2);
  assert.deepEqual(configReport().map((c) => c.role + c.meters), ["meter1", "aggregator8", "aggregator64"]);
});
