import { test } from "node:test";
import assert from "node:assert/strict";
import { utcOffsetS, localDay, dayStartS, dayText, localText, parseIso, parseDay, daysFromCivil, civilFromDays } from "./localTime.ts";
import { mulDivRound, fmtFixed, parseFixed } from "./fixedPoint.ts";

const BRU = { stdOffsetS: 3600, euDst: true };
const utc = (s: string) => Date.parse(s) / 1000;

test("civil date round trip over 1970..2100", () => {
  for (let d = 0; d < 47500; d += 37) {
    const c = civilFromDays(d);
    assert.equal(daysFromCivil(Math.floor(c / 10000), Math.floor(c / 100) % 100, c % 100), d);
  }
  assert.equal(daysFromCivil(2026, 3, 29), utc("2026-03-29T00:00Z") / 86400);
});

test("EU summer time switches at 01:00 UTC on the last Sundays of March and October", () => {
  assert.equal(utcOffsetS(BRU, utc("2026-03-29T00:59:59Z")), 3600);
  assert.equal(utcOffsetS(BRU, utc("2026-03-29T01:00Z")), 7200);
  assert.equal(utcOffsetS(BRU, utc("2026-10-25T00:59:59Z")), 7200);
  assert.equal(utcOffsetS(BRU, utc("2026-10-25T01:00Z")), 3600);
  assert.equal(utcOffsetS(BRU, utc("2025-03-30T01:00Z")), 7200);
  assert.equal(utcOffsetS(BRU, utc("2025-03-29T01:00Z")), 3600);
  assert.equal(utcOffsetS({ stdOffsetS: 0, euDst: false }, utc("2026-07-01T00:00Z")), 0);
});

test("local days last 23 h in March and 25 h in October", () => {
  const d = parseDay("2026-03-29");
  assert.equal(dayStartS(BRU, d), utc("2026-03-28T23:00Z"));
  assert.equal(dayStartS(BRU, d + 1) - dayStartS(BRU, d), 23 * 3600);
  const o = parseDay("2026-10-25");
  assert.equal(dayStartS(BRU, o), utc("2026-10-24T22:00Z"));
  assert.equal(dayStartS(BRU, o + 1) - dayStartS(BRU, o), 25 * 3600);
  assert.equal(localDay(BRU, utc("2026-03-28T22:59:59Z")), d - 1);
  assert.equal(localDay(BRU, utc("2026-03-28T23:00Z")), d);
  assert.equal(dayText(d), "2026-03-29");
  assert.equal(localText(BRU, utc("2026-03-29T01:00Z")), "2026-03-29 03:00");
  assert.equal(localText(BRU, utc("2026-10-25T00:30Z")), "2026-10-25 02:30");
  assert.equal(localText(BRU, utc("2026-10-25T01:30Z")), "2026-10-25 02:30");
});

test("ISO 8601 parsing with Z, offsets and local times", () => {
  assert.equal(parseIso("2026-03-28T23:00Z", BRU), utc("2026-03-28T23:00Z"));
  assert.equal(parseIso("2026-03-29T00:00+01:00", BRU), utc("2026-03-28T23:00Z"));
  assert.equal(parseIso("2026-07-01T12:00:30-02:30", BRU), utc("2026-07-01T14:30:30Z"));
  assert.equal(parseIso("2026-07-01T12:00", BRU), utc("2026-07-01T10:00Z"));
  assert.equal(parseIso("2026-01-01 12:00", BRU), utc("2026-01-01T11:00Z"));
  // the repeated October hour: its second (standard-time) occurrence; the skipped March hour: summer offset
  assert.equal(parseIso("2026-10-25T02:30", BRU), utc("2026-10-25T01:30Z"));
  assert.equal(parseIso("2026-03-29T02:30", BRU), utc("2026-03-29T00:30Z"));
  assert.equal(parseIso("2026-03-29T03:30", BRU), utc("2026-03-29T01:30Z"));
  for (const bad of ["2026-13-01T00:00Z", "2026-01-01", "2026-01-01T25:00Z", "x", "2026-01-01T00:00+1", "2026-01-01T0a:00Z"]) {
    assert.ok(isNaN(parseIso(bad, BRU)), bad);
  }
});

test("exact milli-unit arithmetic", () => {
  assert.equal(mulDivRound(333, 1500, 1e6), 0); // 0.4995
  assert.equal(mulDivRound(334, 1500, 1e6), 1); // 0.501
  assert.equal(mulDivRound(1000, 500, 1e6), 1); // 0.5 rounds away from zero
  assert.equal(mulDivRound(-1000, 500, 1e6), -1);
  assert.equal(mulDivRound(334, -1500, 1e6), -1);
  // 2.5 MWh in a quarter hour at 10 000 EUR/MWh: 2.5e9 mWh x 1e6 mc/kWh is 2.5e15 < 2^53
  assert.equal(mulDivRound(2.5e9, 1e6, 1e6), 2.5e9);
  assert.equal(mulDivRound(2_500_000_123, 999_999, 1e6), 2_499_997_623);
  // 0.1 + 0.2 style drift cannot happen: 10 x 0.1 ct summed as integers
  let s = 0;
  for (let i = 0; i < 10; i++) s += mulDivRound(100_000, 1000, 1e6);
  assert.equal(s, 1000);
  assert.equal(fmtFixed(-1234, 3), "-1.234");
  assert.equal(fmtFixed(5, 5), "0.00005");
  assert.equal(fmtFixed(0, 2), "0.00");
  assert.equal(parseFixed("85.43", 2), 8543);
  assert.equal(parseFixed("-0.5", 2), -50);
  assert.equal(parseFixed("12", 2), 1200);
  assert.ok(isNaN(parseFixed("1.234", 2)));
  assert.ok(isNaN(parseFixed("1e3", 2)));
  assert.ok(isNaN(parseFixed("", 2)));
});
