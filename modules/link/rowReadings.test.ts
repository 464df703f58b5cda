import { test } from "node:test";
import assert from "node:assert/strict";
import { rowReadings, RowTarget } from "./rowReadings.ts";
import { ROW_LEN, COL_P_IMPORT, COL_P_EXPORT, COL_U, COL_I, COL_E_IMPORT, COL_E_EXPORT, COL_CO_STATE, COL_CO_POWER, COL_ALARM, COL_Q_FLAGS, COL_Q_SINCE } from "./aggregatorLink.ts";
import { ROW_ADDRESS, ROW_TRIGGER, ROW_OK, ROW_MISS, ROW_LAST_OK } from "./linkPort.ts";
import type { MeterReading } from "../aggregator/readingsStore.ts";

function sink() {
  const calls: string[] = [];
  const readings: MeterReading[] = [];
  const t: RowTarget = {
    reading: (address, timeS, powerW, importmWh, exportmWh, voltageV, currentA, quality) => {
      const r: MeterReading = { address, timeS, powerW, importmWh, exportmWh, voltageV, currentA };
      if (quality !== -1) r.quality = quality;
      readings.push(r);
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

test("an energy row becomes one reading with the latest power, voltage and current (Wh -> mWh)", () => {
  const s = sink();
  s.feed(row(7, (1 << 9) | (1 << 10), 0, 0, 1, [[COL_P_IMPORT, 950], [COL_P_EXPORT, 0], [COL_U, 230.5], [COL_I, 4.25], [COL_E_IMPORT, 1234], [COL_E_EXPORT, 10], [COL_ALARM, 0]]), 1);
  assert.deepEqual(s.readings, [{ address: 7, timeS: 1000, powerW: 950, importmWh: 1234000, exportmWh: 10000, voltageV: 230.5, currentA: 4.25 }]);
  assert.deepEqual(s.calls, []);
  // MEAS_QUALITY answered: the window's flags and those since the previous publish go with the reading
  s.feed(row(7, 1 << 9, 0, 0, 1, [[COL_E_IMPORT, 1235], [COL_E_EXPORT, 10], [COL_Q_FLAGS, 0x0004], [COL_Q_SINCE, 0x2006]]), 1);
  assert.equal((s.readings[1] as MeterReading).quality, 0x0004 | (0x2006 << 16)); // deepEqual above narrowed the type
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
