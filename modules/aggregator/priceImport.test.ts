import { test } from "node:test";
import assert from "node:assert/strict";
import { importPrices, loadPrices } from "./priceImport.ts";
import { Aggregator } from "./aggregator.ts";
import { restoreAggregator } from "./restoreState.ts";
import { config, memStorage } from "./testing/fixtures.ts";
import { entsoeDoc } from "./testing/entsoeDoc.ts";

const BRU = { stdOffsetS: 3600, euDst: true };
const utc = (s: string) => Date.parse(s) / 1000;

const pt = (pos: number, price: string) => `      <Point>\n        <position>${pos}</position>\n        <price.amount>${price}</price.amount>\n      </Point>`;
const points23 = Array.from({ length: 23 }, (_, i) => pt(i + 1, (80 + i + 0.43).toFixed(2))).join("\n");

test("ENTSO-E A44 document: 23 hourly points of a spring-forward day", () => {
  const r = importPrices(entsoeDoc(points23, {}), BRU);
  assert.ok(Array.isArray(r), JSON.stringify(r));
  assert.equal(r.length, 1);
  assert.equal(r[0].startS, utc("2026-03-28T23:00Z"));
  assert.equal(r[0].stepS, 3600);
  assert.equal(r[0].values.length, 23);
  assert.equal(r[0].values[0], 8043);
  assert.equal(r[0].values[22], 10243);
});

test("ENTSO-E curve A03 fills omitted positions; PT15M; negative prices", () => {
  const pts = [pt(1, "-5.10"), pt(3, "12.00"), pt(92, "7")].join("\n");
  const r = importPrices(entsoeDoc(pts, { curve: "A03", res: "PT15M" }), BRU);
  assert.ok(Array.isArray(r), JSON.stringify(r));
  assert.equal(r[0].stepS, 900);
  assert.equal(r[0].values.length, 92);
  assert.deepEqual([...r[0].values.slice(0, 4)], [-510, -510, 1200, 1200]);
  assert.equal(r[0].values[91], 700);
});

test("malformed ENTSO-E documents are rejected with line and reason", () => {
  const bad = points23.replace("<price.amount>85.43</price.amount>", "<price.amount>85,43</price.amount>");
  const doc = entsoeDoc(bad, {});
  const line = doc.split("\n").findIndex((l) => l.includes("85,43")) + 1;
  const r1 = importPrices(doc, BRU);
  assert.ok(!Array.isArray(r1));
  assert.equal(r1.line, line - 2, "line of the <Point> holding the bad price");
  assert.match(r1.reason, /price '85,43' is not a number/);
  const r2 = importPrices(entsoeDoc(points23.replace("<position>7</position>", "<position>70</position>"), {}), BRU);
  assert.ok(!Array.isArray(r2) && /position 70 outside 1..23/.test(r2.reason), JSON.stringify(r2));
  const r3 = importPrices(entsoeDoc(points23.replace(pt(5, "84.43"), ""), {}), BRU);
  assert.ok(!Array.isArray(r3) && /position 5 missing/.test(r3.reason), JSON.stringify(r3));
  const r4 = importPrices(entsoeDoc(points23, { res: "P1D" }), BRU);
  assert.ok(!Array.isArray(r4) && /resolution 'P1D'/.test(r4.reason) && r4.line === 25, JSON.stringify(r4));
  const r5 = importPrices(entsoeDoc(points23, {}).replace("<type>A44</type>", "<type>A65</type>"), BRU);
  assert.ok(!Array.isArray(r5) && /not A44/.test(r5.reason));
  const r6 = importPrices(entsoeDoc(points23, {}).replace("</Period>", ""), BRU);
  assert.ok(!Array.isArray(r6) && /<Period> is not closed/.test(r6.reason), JSON.stringify(r6));
  const ack = `<Acknowledgement_MarketDocument><mRID>x</mRID><Reason><code>999</code><text>No matching data found</text></Reason></Acknowledgement_MarketDocument>`;
  const r7 = importPrices(ack, BRU);
  assert.ok(!Array.isArray(r7) && r7.reason === "no data: No matching data found", JSON.stringify(r7));
  const r8 = importPrices(entsoeDoc(points23, { end: "2026-03-29T22:30Z" }), BRU);
  assert.ok(!Array.isArray(r8) && /whole number of steps/.test(r8.reason));
});

test("CSV upload: header, comments, local times, semicolons with decimal commas", () => {
  const r = importPrices("# Belpex\nstart;price\n2026-07-01T00:00;85,43\n2026-07-01T01:00;-1,5\n\n2026-07-01T02:00;0\n", BRU);
  assert.ok(Array.isArray(r), JSON.stringify(r));
  assert.equal(r[0].startS, utc("2026-06-30T22:00Z"));
  assert.deepEqual([...r[0].values], [8543, -150, 0]);
});

test("malformed CSV is rejected with its line", () => {
  const cases: [string, number, RegExp][] = [
    ["start,price\n2026-07-01T00:00Z,10\n2026-07-01T01:00Z,abc\n", 3, /price 'abc'/],
    ["2026-07-01T00:00Z,10\n2026-07-01T01:00Z,11\n2026-07-01T03:00Z,12\n", 3, /not consecutive/],
    ["2026-07-01T00:00Z,10\n2026-07-01T00:05Z,11\n", 2, /step of 300 s/],
    ["2026-07-01T00:00Z,10,3\n", 1, /expected 2 fields/],
    ["start,price\nyesterday,10\n", 2, /not an ISO 8601/],
    ["2026-07-01T00:00Z,10.123\n", 1, /at most 2 decimals/],
    ["start,price\n", 0, /no price rows/],
  ];
  for (const [text, line, reason] of cases) {
    const r = importPrices(text, BRU);
    assert.ok(!Array.isArray(r), text);
    assert.equal(r.line, line, text);
    assert.match(r.reason, reason);
  }
});

test("JSON upload and its malformed forms", () => {
  const r = importPrices(`{"start":"2026-07-01T00:00+02:00","resolution":"PT15M","prices":[10.5,-3,0.01]}`, BRU);
  assert.ok(Array.isArray(r));
  assert.equal(r[0].stepS, 900);
  assert.deepEqual([...r[0].values], [1050, -300, 1]);
  for (const [text, reason] of [
    ["{bad", /not valid JSON/], [`{"start":1,"prices":[]}`, /needs start/], [`{"start":"2026-07-01T00:00Z","prices":[1,"2"]}`, /prices\[1\] is not a number/],
    [`{"start":"2026-07-01T00:00Z","prices":[1.234]}`, /more than 2 decimals/], [`{"start":"2026-07-01T00:00Z","resolution":"PT5M","prices":[1]}`, /resolution/],
  ] as [string, RegExp][]) {
    const e = importPrices(text, BRU);
    assert.ok(!Array.isArray(e) && reason.test(e.reason), text + " -> " + JSON.stringify(e));
  }
});

test("a rejected upload keeps the old prices; a good one is persisted", () => {
  const st = memStorage();
  const a = new Aggregator(config(), st, { sendCommand: () => 0 });
  assert.equal(loadPrices(a, entsoeDoc(points23, {})), "");
  assert.equal(loadPrices(a, "2026-03-29T00:00Z,oops"), "line 1: price 'oops' is not a number with at most 2 decimals");
  assert.equal(a.spotMc(utc("2026-03-28T23:30Z")), 8043);
  const b = new Aggregator(config(), st, { sendCommand: () => 0 });
  restoreAggregator(b);
  assert.equal(b.spotMc(utc("2026-03-29T21:59Z")), 10243);
  assert.equal(b.spotMc(utc("2026-03-29T22:00Z")), 5000, "default outside the block");
});
