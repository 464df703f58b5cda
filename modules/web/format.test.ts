// Browser code tested on Node: formatting has no DOM.
import { test } from "node:test";
import assert from "node:assert/strict";
import { roundText, num, hm, dateTime, offsetText, site, age } from "./format.ts";
import { niceStep } from "./chart.ts";

test("money rounds exact decimal text half away from zero to the minor unit", () => {
  assert.equal(roundText("12.34500", 2), "12.35");
  assert.equal(roundText("12.34499", 2), "12.34");
  assert.equal(roundText("-0.00400", 2), "0.00", "no negative zero");
  assert.equal(roundText("-1.00500", 2), "−1.01");
  assert.equal(roundText("1234567.00001", 2), "1\u202f234\u202f567.00");
  assert.equal(roundText("0.1", 3), "0.100");
  assert.equal(num(-1234.56, 1), "−1\u202f234.6");
  assert.equal(num(null), "–");
});

test("site time: the offset is shown on DST days only, both 02:00 of the autumn day differ", () => {
  site.tz = { stdOffsetS: 3600, euDst: true };
  const a = Date.parse("2026-10-25T00:00Z") / 1000, b = Date.parse("2026-10-25T01:00Z") / 1000;
  assert.equal(hm(a), "02:00 UTC+2");
  assert.equal(hm(b), "02:00 UTC+1");
  assert.equal(dateTime(Date.parse("2026-10-26T12:00Z") / 1000), "2026-10-26 13:00", "an ordinary day: no offset");
  assert.equal(hm(Date.parse("2026-03-29T01:00Z") / 1000), "03:00 UTC+2", "spring: 02:00 does not exist");
  site.tz = { stdOffsetS: 19800, euDst: false };
  assert.equal(offsetText(0), "UTC+5:30");
  assert.equal(age(1000, 1000 - 150), "3 min");
  assert.equal(age(1000, null), "never");
  assert.deepEqual([niceStep(900, 4), niceStep(3200, 4), niceStep(7, 4)], [500, 1000, 2]);
});
