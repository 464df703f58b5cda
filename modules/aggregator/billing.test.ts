import { test } from "node:test";
import assert from "node:assert/strict";
import { Aggregator } from "./aggregator.ts";
import { parseDay } from "./localTime.ts";
import { bill, monthStartDay, csvDay } from "./billing.ts";
import { loadPrices } from "./priceImport.ts";
import { config, memStorage } from "./testing/fixtures.ts";

const utc = (s: string) => Date.parse(s) / 1000;

/** One reading per quarter hour, 450 s into it, carrying that quarter's energy. */
function feed(a: Aggregator, address: number, fromS: number, toS: number, impPerSlot: number, expPerSlot: number, start: number[]) {
  for (let t = fromS; t < toS; t += 900) {
    start[0] += impPerSlot; start[1] += expPerSlot;
    assert.ok(a.onReading({ address, timeS: t + 450, powerW: (impPerSlot - expPerSlot) / 250, importmWh: start[0], exportmWh: start[1] }));
  }
}

test("23-hour day (EU spring forward): hourly prices, hand-computed bill", () => {
  const a = new Aggregator(config(), memStorage(), { sendCommand: () => 0 });
  // 23 hourly prices for 2026-03-29 local, (h+1) x 10 EUR/MWh = (h+1) ct/kWh
  const rows = ["start,price_eur_mwh"];
  for (let h = 0; h < 23; h++) rows.push(new Date((utc("2026-03-28T23:00Z") + h * 3600) * 1000).toISOString().slice(0, 16) + "Z," + (h + 1) * 10 + ".00");
  assert.equal(loadPrices(a, rows.join("\n")), "");
  const c = [0, 0];
  a.onReading({ address: 1, timeS: utc("2026-03-28T21:59Z"), powerW: 0, importmWh: 0, exportmWh: 0 }); // baseline
  // 1 kW = 250 Wh per quarter hour, from 22:00Z (23:00 local on the 28th) to the end of the 29th
  feed(a, 1, utc("2026-03-28T22:00Z"), utc("2026-03-29T22:00Z"), 250_000, 0, c);
  a.tick(utc("2026-03-29T22:00:01Z"));
  const d = parseDay("2026-03-29");
  const day = bill(a.store, a.reg, (m) => m === 0, d, d);
  // 23 h x 1 kW = 23 kWh; cost = sum over hours of 1 kWh x (h+1) ct = 276 ct = 2.76 EUR
  assert.equal(day[0], 23_000_000);
  assert.equal(day[2], 276_000);
  // the hour before local midnight (no day-ahead price: default 50 EUR/MWh) is the 28th's
  const prev = bill(a.store, a.reg, (m) => m === 0, d - 1, d - 1);
  assert.equal(prev[0], 1_000_000);
  assert.equal(prev[2], 5_000);
  // profile shows 1000 W in every quarter hour of the 23 hours
  const prof = a.store.profileOf(0, Math.floor(utc("2026-03-29T22:00Z") / 900), new Float32Array(96));
  assert.equal(prof.filter((w) => w === 1000).length, 96);
  assert.equal(monthStartDay(d), parseDay("2026-03-01"));
  const month = bill(a.store, a.reg, (m) => m === 0, monthStartDay(d), d);
  assert.equal(month[2], 281_000);
});

test("25-hour day (EU fall back): export credited at its own tariff, per household", () => {
  const a = new Aggregator(config(), memStorage(), { sendCommand: () => 0 });
  const c = [0, 0], f = [0, 0];
  const s = utc("2026-10-24T22:00Z"), e = utc("2026-10-25T23:00Z");
  a.onReading({ address: 2, timeS: s - 60, powerW: 0, importmWh: 0, exportmWh: 0 });
  a.onReading({ address: 3, timeS: s - 60, powerW: 0, importmWh: 0, exportmWh: 0 });
  for (let t = s; t < e; t += 900) {       // meters are polled together, in time order
    feed(a, 2, t, t + 900, 0, 500_000, c);  // PV exports 2 kW
    feed(a, 3, t, t + 900, 25_001, 0, f);   // fridge 100.004 W
  }
  a.tick(e + 1);
  const d = parseDay("2026-10-25");
  const pv = bill(a.store, a.reg, (m) => m === 1, d, d);
  // 25 h x 2 kW = 50 kWh exported x 8 ct = 4.00 EUR
  assert.equal(pv[1], 50_000_000);
  assert.equal(pv[3], 400_000);
  const fr = bill(a.store, a.reg, (m) => m === 2, d, d);
  // 100 quarter hours x 25.001 Wh x 5 ct/kWh: each line 125.005 mc rounds to 125 mc
  assert.equal(fr[0], 2_500_100);
  assert.equal(fr[2], 12_500);
  const hhA = bill(a.store, a.reg, (m) => a.reg.household(m) === "A", d, d);
  assert.deepEqual([...hhA], [0, 50_000_000, 0, 400_000]);
  const csv = csvDay(a.store, a.reg, d, d, 0)!;
  assert.match(csv, /^2026-10-25,2,"PV","A",0\.000000,0\.00000,50\.000000,4\.00000,-4\.00000\r\n2026-10-25,3,"Fridge","B",2\.500100,0\.12500,/);
  assert.equal(csvDay(a.store, a.reg, d, d, 1), null);
});
