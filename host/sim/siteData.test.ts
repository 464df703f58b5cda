// The simulator's site data files and the series built from them for the aggregator's
// import: 96 quarter hours a day, 92 and 100 on the DST days, each read back by the
// aggregator's own import (modules/aggregator/priceImport.ts) to the same values.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DATA_DIR, PRICE_FILE, FORECAST_FILE, readProfile, seriesCsv, profileAt } from "./siteData.ts";
import { importPrices } from "../../modules/aggregator/priceImport.ts";
import { parseDay, localText } from "../../modules/aggregator/localTime.ts";

const TZ = { stdOffsetS: 3600, euDst: true };

test("the data files hold 96 quarter hours each, in plausible ranges", () => {
  const p = readProfile(DATA_DIR + PRICE_FILE);
  const r = readProfile(DATA_DIR + FORECAST_FILE);
  assert.equal(p.length, 96);
  assert.equal(r.length, 96);
  assert.ok(Math.min(...p) > 0 && Math.max(...p) < 500, "EUR/MWh");
  assert.ok(Math.min(...r) >= 0 && Math.max(...r) <= 100, "%");
  // the shape the simulated day relies on: midday solar dip, evening peak
  assert.ok(p[50] < p[30] && p[76] > p[50], "13:30 cheaper than 07:30 and 19:00");
});

test("a malformed profile is refused with its line", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "meternet-site-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const f = join(dir, "p.csv");
  writeFileSync(f, "# c\n00:00,1\n00:30,2\n");
  assert.throws(() => readProfile(f), /p\.csv:3: expected 00:15, got 00:30/);
  writeFileSync(f, "00:00,1.234\n");
  assert.throws(() => readProfile(f), /p\.csv:1: expected "HH:MM,value" with at most 2 decimals/);
  writeFileSync(f, "00:00,1\n");
  assert.throws(() => readProfile(f), /1 quarter hours, expected 96/);
});

for (const [date, points] of [["2026-12-07", 192], ["2026-03-29", 188], ["2026-10-25", 196]] as const) {
  test(`two days from ${date}: ${points} quarter hours, imported back to the same values`, () => {
    const profile = readProfile(DATA_DIR + PRICE_FILE);
    const s = seriesCsv(profile, TZ, parseDay(date), 2);
    assert.equal(s.points, points);
    assert.equal(localText(TZ, s.startS), date + " 00:00");
    const blocks = importPrices(s.csv, TZ);
    assert.ok(Array.isArray(blocks), JSON.stringify(blocks));
    assert.equal(blocks.length, 1);
    assert.equal(blocks[0].stepS, 900);
    assert.equal(blocks[0].startS, s.startS);
    assert.equal(blocks[0].values.length, points);
    for (let k = 0; k < points; k++) {
      const t = s.startS + k * 900;
      assert.equal(blocks[0].values[k], Math.round(profileAt(profile, TZ, t) * 100), localText(TZ, t));
    }
  });
}

test("the repeated autumn hour repeats its local values; the skipped spring hour is skipped", () => {
  const profile = readProfile(DATA_DIR + PRICE_FILE);
  const autumn = Date.parse("2026-10-25T00:00Z") / 1000; // 02:00 CEST
  assert.equal(profileAt(profile, TZ, autumn), profile[8], "02:00 CEST");
  assert.equal(profileAt(profile, TZ, autumn + 3600), profile[8], "02:00 CET, an hour later");
  const spring = Date.parse("2026-03-29T01:00Z") / 1000; // 03:00 CEST, straight after 01:59 CET
  assert.equal(profileAt(profile, TZ, spring), profile[12]);
  assert.equal(profileAt(profile, TZ, spring - 900), profile[7], "01:45 CET");
});
