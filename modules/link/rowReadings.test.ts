import { test } from "node:test";
import assert from "node:assert/strict";
import { rowReadings, RowTarget } from "./rowReadings.ts";
import { ROW_LEN, COL_P_IMPORT, COL_P_EXPORT, COL_E_IMPORT, COL_E_EXPORT, COL_CO_STATE, COL_CO_POWER, COL_ALARM } from "./aggregatorLink.ts";
import { ROW_ADDRESS, ROW_TRIGGER, ROW_OK, ROW_MISS, ROW_LAST_OK } from "./linkPort.ts";
import type { MeterReading } from "../aggregator/readingsStore.ts";

function sink() {
  const calls: string[] = [];
  const readings: MeterReading[] = [];
  const t: RowTarget = {
    reading: (address, timeS, powerW, importmWh, exportmWh) => {
      readings.push({ address, timeS, powerW, importmWh, exportmWh });
      return true;
    },
    setCogen: (s, p, tS) => { calls.push("cogen " + s + " " + p + " " + tS); },
    pollResult: (a, ok) => { calls.push(a + (ok ? " ok" : " miss")); return true; },
  };
  const logs: string[] = [];
  return { t, calls, readings, logs, feed: rowReadings(t, () => 1000, (l) => logs.push(l)) };
}

function row(address: number, trigger: number, ok: number, miss: number, lastOk: number, set: [number, number][]): Float64Array {
  const r = new Float64Array(ROW_LEN).fill(NaN);
  r[ROW_ADDRESS] = address; r[ROW_TRIGGER] = trigger; r[ROW_OK] = ok; r[ROW_MISS] = miss; r[ROW_LAST_OK] = lastOk;
  for (const [c, v] of set) r[c] = v;
  return r;
}

test("an energy row becomes one reading with the latest power (Wh -> mWh); voltage and current stay in the C", () => {
  const s = sink();
  s.feed(row(7, (1 << 9) | (1 << 10), 1, 0, 1, [[COL_P_IMPORT, 950], [COL_P_EXPORT, 0], [COL_E_IMPORT, 1234], [COL_E_EXPORT, 10], [COL_ALARM, 0]]), 1);
  assert.deepEqual(s.readings, [{ address: 7, timeS: 1000, powerW: 950, importmWh: 1234000, exportmWh: 10000 }]);
  assert.deepEqual(s.calls, [], "an answer with no misses before it is not reported (it would change nothing)");
});

test("no reading until both registers are known; power unknown counts as 0", () => {
  const s = sink();
  s.feed(row(7, 1 << 9, 0, 0, 1, [[COL_E_IMPORT, 5]]), 1);
  assert.equal(s.readings.length, 0);
  s.feed(row(7, 1 << 10, 0, 0, 1, [[COL_E_IMPORT, 5], [COL_E_EXPORT, 6]]), 1);
  assert.equal(s.readings.length, 1);
  assert.equal(s.readings[0].powerW, 0);
});

test("outcomes are replayed with the last one last; the co-generator and alarm changes are reported", () => {
  const s = sink();
  const two = new Float64Array(2 * ROW_LEN);
  two.set(row(3, 0, 1, 2, 0, []), 0);
  two.set(row(4, (1 << 13) | 1, 1, 2, 1, [[COL_CO_STATE, 2], [COL_CO_POWER, 4592], [COL_ALARM, 7]]), ROW_LEN);
  s.feed(two, 2);
  assert.deepEqual(s.calls, ["3 ok", "3 miss", "3 miss", "4 miss", "4 miss", "4 ok", "cogen 2 4592 1000"]);
  assert.deepEqual(s.logs, ["aggregator: alarm 7 from meter 4"]);
  s.feed(row(4, 1, 0, 0, 1, [[COL_ALARM, 7]]), 1);
  assert.equal(s.logs.length, 1, "the same code again is not logged");
});

test("after misses, answers are reported until one was reported last; then they are not", () => {
  const s = sink();
  s.feed(row(3, 0, 0, 2, 0, []), 1); // two misses
  s.feed(row(3, 0, 0, 1, 0, []), 1); // one more, still no answer
  s.feed(row(3, 1 << 9, 2, 0, 1, [[COL_E_IMPORT, 1], [COL_E_EXPORT, 0]]), 1); // back: reported
  s.feed(row(3, 1 << 9, 1, 0, 1, [[COL_E_IMPORT, 2], [COL_E_EXPORT, 0]]), 1); // nothing owed: not reported
  s.feed(row(3, 0, 1, 1, 0, []), 1); // an answer, then a miss
  s.feed(row(3, 0, 1, 0, 1, []), 1); // the answer after it
  assert.deepEqual(s.calls, ["3 miss", "3 miss", "3 miss", "3 ok", "3 ok", "3 miss", "3 ok"]);
  assert.equal(s.readings.length, 2);
});
