import { test } from "node:test";
import assert from "node:assert/strict";
import { Aggregator } from "./aggregator.ts";
import { restoreAggregator } from "./restoreState.ts";
import { parseDay } from "./localTime.ts";
import { bill } from "./billing.ts";
import { LEDGER_DAYS, LEDGER_RAM } from "./readingsStore.ts";
import { config, memStorage } from "./testing/fixtures.ts";

const utc = (s: string) => Date.parse(s) / 1000;

/** 1 kW on meter 1 for `days` local days from 2026-07-01 (CEST, no clock change), read every quarter hour. */
function run(days: number) {
  const st = memStorage();
  const a = new Aggregator(config(), st, { sendCommand: () => 0 });
  const t0 = utc("2026-06-30T22:00Z"); // local midnight
  a.onReading({ address: 1, timeS: t0 - 1, powerW: 0, importmWh: 0, exportmWh: 0 });
  let imp = 0;
  for (let t = t0; t < t0 + days * 86400; t += 900) {
    imp += 250_000;
    a.onReading({ address: 1, timeS: t + 899, powerW: 1000, importmWh: imp, exportmWh: 0 });
    a.tick(t + 900);
  }
  return { a, st, first: parseDay("2026-07-01") };
}

const day = (a: Aggregator, d: number) => bill(a.store, a.reg, (m) => m === 0, d, d);

test("ledger: today in RAM, 32 days held through the archive, older days dropped", () => {
  const { a, st, first } = run(40);
  assert.equal(a.store.ledM.length, 4 * LEDGER_RAM * 2);
  const last = first + 40; // the last tick opened this day: nothing closed in it yet
  assert.deepEqual([...a.store.dayTag], [last], "today's row in RAM (LEDGER_RAM 1: yesterday archived when today claimed it)");
  // default price 50 EUR/MWh: 24 kWh a day = 120 ct = 120 000 mc
  for (let d = last - LEDGER_DAYS + 1; d < last; d++) assert.deepEqual([...day(a, d)], [24_000_000, 0, 120_000, 0], "day " + d);
  assert.deepEqual([...day(a, last)], [0, 0, 0, 0]);
  assert.deepEqual([...day(a, last - LEDGER_DAYS)], [0, 0, 0, 0], "32 days ago is no longer held (its slot is today's)");
  const all = bill(a.store, a.reg, (m) => m === 0, 0, 1e6);
  assert.deepEqual([...all], [31 * 24_000_000, 0, 31 * 120_000, 0]);
  const month = bill(a.store, a.reg, (m) => m === 0, parseDay("2026-08-01"), last);
  assert.equal(month[0], 9 * 24_000_000);
  assert.equal(st.files["agg.d" + ((last - 2) % LEDGER_DAYS)].length, 3 + 4 + 4 * 24, "a closed day is one small file");
  // a reboot gets the archived days back; today's rows come from agg.now
  const b = new Aggregator(config(), st, { sendCommand: () => 0 });
  assert.match(restoreAggregator(b), /^ledger readings/);
  for (let d = last - LEDGER_DAYS + 1; d < last; d++) assert.deepEqual([...day(b, d)], [...day(a, d)], "day " + d + " after reboot");
});

test("ledger: a clock set back days re-claims the old day's row from the archive, nothing lost", () => {
  const { a, first } = run(5);
  const before = [0, 1, 2, 3, 4].map((k) => [...day(a, first + k)]);
  a.save(utc("2026-07-02T10:00Z")); // wall clock jumps back 3 days, then forward again
  a.save(utc("2026-07-05T10:00Z"));
  assert.deepEqual([0, 1, 2, 3, 4].map((k) => [...day(a, first + k)]), before);
  assert.deepEqual(before[1], [24_000_000, 0, 120_000, 0]);
});

test("ledger: a bill over all meters and a CSV day read each archived day once", () => {
  const { a, st, first } = run(12);
  const get = st.get;
  let reads = 0;
  st.get = (n: string) => { if (n.indexOf("agg.d") === 0) reads++; return get(n); };
  const today = first + 12;
  const all = bill(a.store, a.reg, () => true, first, today);
  assert.equal(all[0], 12 * 24_000_000);
  assert.equal(reads, 12, "12 days held, today in RAM (empty)");
  reads = 0;
  for (let m = 0; m < 3; m++) a.store.sum(m, first + 3, first + 3, new Float64Array(4));
  assert.equal(reads, 1, "the day just read is kept for the next meter");
  a.store.sum(2, first + 4, first + 4, new Float64Array(4));
  a.store.sum(0, first + 4, first + 4, new Float64Array(4));
  assert.equal(reads, 2);
});
