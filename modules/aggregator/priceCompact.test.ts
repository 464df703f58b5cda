import { test } from "node:test";
import assert from "node:assert/strict";
import { isRaw, loadCompact, compactBlocks, RAW_REFUSED } from "./priceCompact.ts";
import { importPrices } from "./priceImport.ts";
import { Aggregator } from "./aggregator.ts";
import { config, memStorage } from "./testing/fixtures.ts";
import { entsoeDoc } from "./testing/entsoeDoc.ts";

const BRU = { stdOffsetS: 3600, euDst: true };
const utc = (s: string) => Date.parse(s) / 1000;

test("raw files are told apart from the compact form by their first character", () => {
  assert.equal(isRaw(entsoeDoc("", {})), true);
  assert.equal(isRaw("start,price\n2026-07-01T00:00Z,10\n"), true);
  assert.equal(isRaw("  \n[{\"start\":\"2026-07-01T00:00Z\",\"prices\":[1]}]"), false);
  assert.equal(isRaw("{\"start\":\"2026-07-01T00:00Z\",\"prices\":[1]}"), false);
  assert.match(RAW_REFUSED, /web app's Prices page/);
});

test("the compact form gives the blocks the full importer gives for the same series", () => {
  const text = `[{"start":"2026-07-01T00:00+02:00","resolution":"PT15M","prices":[10.5,-3,0.01]},{"start":"2026-07-02T00:00Z","prices":[7]}]`;
  const a = compactBlocks(text, BRU), b = importPrices(text, BRU);
  assert.ok(Array.isArray(a) && Array.isArray(b));
  assert.deepEqual(a.map((x) => [x.startS, x.stepS, [...x.values]]), b.map((x) => [x.startS, x.stepS, [...x.values]]));
  assert.deepEqual([...a[0].values], [1050, -300, 1]);
  assert.equal(a[1].stepS, 3600);
});

test("loadCompact: prices and forecast set on success, old ones kept with line and reason on failure", () => {
  const agg = new Aggregator(config(), memStorage(), { sendCommand: () => 0 });
  assert.equal(loadCompact(agg, `{"start":"2026-07-01T00:00Z","prices":[80.43,90]}`, false), "");
  assert.equal(agg.spotMc(utc("2026-07-01T01:30Z")), 9000);
  assert.equal(loadCompact(agg, `{"start":"2026-07-01T00:00Z","prices":[1.234]}`, false), "line 0: block 1: prices[0] has more than 2 decimals");
  assert.equal(loadCompact(agg, `{bad`, false), "line 0: not valid JSON");
  assert.equal(agg.spotMc(utc("2026-07-01T00:30Z")), 8043, "old prices kept");
  assert.equal(loadCompact(agg, `{"start":"2026-07-01T00:00Z","resolution":"PT30M","prices":[20,90]}`, true), "");
  assert.equal(agg.forecast.blocks.length, 1);
  assert.equal(agg.forecast.blocks[0].stepS, 1800);
  assert.equal(agg.prices.blocks[0].stepS, 3600, "a forecast leaves the prices alone");
});
