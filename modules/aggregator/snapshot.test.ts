import { test } from "node:test";
import assert from "node:assert/strict";
import { pack, unpack, flashLifeYears } from "./snapshot.ts";
import { Aggregator } from "./aggregator.ts";
import { config, memStorage } from "./testing/fixtures.ts";

test("pack/unpack round trip and refusal of a foreign layout", () => {
  const a = new Float64Array([1.5, -2, 2 ** 52 + 1]), b = new Int16Array([-32768, 7, 32767]);
  const s = pack([a, b]);
  assert.equal(s.length, 3 + 24 + 6);
  const a2 = new Float64Array(3), b2 = new Int16Array(3);
  assert.ok(unpack(s, [a2, b2]));
  assert.deepEqual([...a2, ...b2], [...a, ...b]);
  assert.ok(!unpack(s, [new Float64Array(4), new Int16Array(3)]), "other meter count");
  assert.ok(!unpack("XX" + s.slice(2), [a2, b2]));
  assert.ok(!unpack(undefined, [a2, b2]));
});

test("flash wear of the save schedule, 8 meters (figures for the report)", () => {
  const st = memStorage();
  const cfg = config();
  cfg.maxMeters = 8;
  const agg = new Aggregator(cfg, st, { sendCommand: () => 0 });
  agg.tick(1_800_000_000);
  agg.tick(1_800_000_000 + 86400); // closes the first day: its ledger rows go to their day file
  const day = Math.floor((1_800_000_000 + 3600) / 86400);
  const now = st.files["agg.now"].length, led = st.files["agg.d" + (day % 32)].length, state = st.files["agg.st"].length;
  // latest, open interval, meta, today's ledger rows (the profile is no longer in it: 8 x 96 x 2 + 96 x 4 bytes less)
  assert.equal(now, 3 + 8 * 6 * 8 + 8 * 2 * 8 + 16 + 8 * 2 * 4 + 8 * 2 * 8);
  assert.equal(led, 3 + 4 + 8 * 2 * 4 + 8 * 2 * 8, "one day of 8 meters");
  // each closed interval: one profile file (profileArchive.ts), 96 a day
  const prof = st.files["agg.p" + ((1_800_000_000 / 900) % 96)].length; // the one interval the day-long tick closed
  assert.equal(prof, 3 + 4 + 8 * 2, "one interval of 8 meters");
  const header = 32; // Espruino Storage file header, rounded
  const perDay = (saveS: number) => (86400 / saveS) * (now + state + 2 * header) + led + header + 96 * (prof + header);
  const rows: string[] = [];
  for (const saveS of [900, 3600]) {
    for (const [area, live] of [[65536, 50000], [131072, 50000]]) {
      const y = flashLifeYears(perDay(saveS), area, live, 10000);
      rows.push(`save every ${saveS} s: ${Math.round(perDay(saveS) / 1024)} KiB/day; Storage ${area / 1024} KiB with ${Math.round(live / 1024)} KiB live -> ${y.toFixed(1)} years to 10k erase cycles`);
    }
  }
  console.log(`state per save: agg.now ${now} B + agg.st ${state} B; one day file agg.dN ${led} B once a day; one profile file agg.pN ${prof} B per closed interval\n` + rows.join("\n"));
  assert.ok(flashLifeYears(perDay(900), 131072, 50000, 10000) > 5);
});
