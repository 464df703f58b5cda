// The SPI NOR's areas (flashMap.ts norAreas) against the device code's addresses: the
// aggregator's history where historyOnNor.ts writes it, its web app where assetsOnNor.ts
// reads it, its meter list where meterList.ts reads it, every area inside the part and on sector boundaries, none overlapping; and
// the build's count of the NOR and the FRAM (externalUse).
import { test } from "node:test";
import assert from "node:assert/strict";
import { NOR, NOR_HISTORY_LAYOUT, norAreas, slotsOf, externalUse } from "./flashMap.ts";
import { NOR_ASSETS_BASE, NOR_ASSETS_BYTES } from "../../modules/http/assetsOnNor.ts";
import { NOR_OTA_AT } from "../../modules/ota/aggregatorOta.ts";
import { builtAssets } from "../../host/web/assets.ts";
import { norWebImage } from "../../host/cli/uploadWebNor.ts";
import { NOR_METERS_BASE, METER_RECORDS_AT, METER_LIST_MAX, METER_RECORD_BYTES } from "../../modules/aggregator/meterList.ts";

for (const role of ["meter", "aggregator"] as const) {
  test(`${role}: the NOR areas lie inside the ${NOR.part}, on sector boundaries, one after the other`, () => {
    const areas = norAreas(role);
    let end = 0;
    for (const a of areas) {
      assert.equal(a.address % NOR.sectorBytes, 0, a.name);
      assert.equal(a.bytes % NOR.sectorBytes, 0, a.name);
      assert.ok(a.address >= end, a.name + " overlaps the area before it");
      end = a.address + a.bytes;
    }
    assert.ok(end <= NOR.bytes, `${end} > ${NOR.bytes}`);
  });
}

test("aggregator: the history area is where historyOnNor.ts writes: the profile's 96 and the days' 32 sector pairs", () => {
  const h = norAreas("aggregator").find((a) => a.name === "history")!;
  assert.equal(h.address, NOR_HISTORY_LAYOUT.address);
  assert.equal(NOR_HISTORY_LAYOUT.profileBytes, 96 * 2 * NOR.sectorBytes);
  assert.equal(NOR_HISTORY_LAYOUT.daysBytes, 32 * 2 * NOR.sectorBytes);
  assert.equal(h.bytes, NOR_HISTORY_LAYOUT.profileBytes + NOR_HISTORY_LAYOUT.daysBytes);
  assert.equal(slotsOf("aggregator").find((s) => s.name === "history")!.place, "nor", "history is not in internal Storage");
  assert.deepEqual(norAreas("aggregator").map((a) => [a.name, a.address, a.bytes]), [
    ["staged", 0, 65536], ["assets", 65536, 131072], ["history", 196608, 1048576], ["meters", 1245184, 4096],
  ]);
});

test("aggregator: the meter list is the meters area (meterList.ts), after the history; 64 records and the header page fit its sector", () => {
  const m = norAreas("aggregator").find((x) => x.name === "meters")!;
  assert.equal(NOR_METERS_BASE, m.address);
  assert.equal(m.address, NOR_HISTORY_LAYOUT.address + NOR_HISTORY_LAYOUT.profileBytes + NOR_HISTORY_LAYOUT.daysBytes);
  assert.ok(METER_RECORDS_AT + METER_LIST_MAX * METER_RECORD_BYTES <= m.bytes);
  assert.equal(METER_RECORDS_AT % NOR.pageBytes, 0, "the records start on a page: the header's page is programmed apart, last");
  assert.equal(norAreas("meter").find((x) => x.name === "meters"), undefined, "a meter has no list");
});

test("aggregator: the web app's store is the assets area (assetsOnNor.ts), clear of the staged update (otaagg's C reads it) and the history", () => {
  const a = norAreas("aggregator").find((x) => x.name === "assets")!;
  assert.equal(NOR_ASSETS_BASE, a.address);
  assert.equal(NOR_ASSETS_BYTES, a.bytes);
  const staged = norAreas("aggregator").find((x) => x.name === "staged")!;
  assert.ok(staged.address + staged.bytes <= NOR_ASSETS_BASE && NOR_ASSETS_BASE + NOR_ASSETS_BYTES <= NOR_HISTORY_LAYOUT.address);
  assert.equal(NOR_OTA_AT, staged.address);
});

test("the build's external-memory count: the web app as built on the NOR, the state at 64 meters on the 32 KB FRAM; over fails", () => {
  const files = builtAssets();
  assert.ok(files, "npm run build first");
  let gz = 0;
  for (const [n, d] of files!) if (n !== "web.json") gz += d.length;
  const u = externalUse(gz);
  assert.deepEqual(u.nor.areas.map((x) => [x.name, x.usedBytes]), [["staged", 22528], ["assets", 4096 + gz], ["history", 1048576], ["meters", 256 + 64 * 48]]);
  assert.equal(norWebImage(files!).dataBytes, gz, "the upload's image holds exactly the gzipped files");
  assert.deepEqual([u.fram.bytes, u.fram.stateBytes, u.fram.usedBytes], [32768, 24972, 1024 + 24972]);
  assert.throws(() => externalUse(NOR_ASSETS_BYTES), /NOR area assets: 135168 B in 131072 B/);
  assert.throws(() => externalUse(gz, 100), /the aggregator's FRAM: \d+ B of 32768 at 100 meters/);
});
