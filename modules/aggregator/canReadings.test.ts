import { test } from "node:test";
import assert from "node:assert/strict";
import { Aggregator } from "./aggregator.ts";
import { canReadingJoiner } from "./canReadings.ts";
import { config, memStorage } from "./testing/fixtures.ts";
import { L_N, L_T, L_P, L_IMP, L_EXP, L_V, L_I } from "./readingsStore.ts";
import { FN_MEAS_VOLTAGE_FREQ, FN_MEAS_CURRENT_PF, FN_MEAS_QUALITY } from "../can/idPlan.ts";

test("per-message CAN readings become one MeterReading per energy register", () => {
  const a = new Aggregator(config(), memStorage(), { sendCommand: () => 0 });
  let t = 1_800_000_000;
  const join = canReadingJoiner(a, () => t);
  assert.equal(join({ address: 9, message: "MEAS_POWER", values: { P_import: 1, P_export: 0 } }), false, "unknown meter");
  join({ address: 2, message: "MEAS_POWER", values: { P_import: 0, P_export: 1500 } });
  join({ address: 2, message: "MEAS_VOLTAGE_FREQ", values: { U_L1: 231.25, Freq: 50 } });
  join({ address: 2, message: "MEAS_ENERGY_IMPORT", values: { E_import: 12 } });
  assert.ok(isNaN(a.store.latest[1 * L_N + L_P]), "export register still unknown");
  join({ address: 2, message: "MEAS_ENERGY_EXPORT", values: { E_export: 34567 } });
  const l = a.store.latest, b = 1 * L_N;
  assert.deepEqual([l[b + L_P], l[b + L_IMP], l[b + L_EXP], l[b + L_V]], [-1500, 12000, 34_567_000, 231.25]);
  t += 60;
  join({ address: 2, message: "MEAS_ENERGY_EXPORT", values: { E_export: 34592 } });
  assert.equal(a.store.open[1 * 2 + 1], 25_000, "25 Wh exported in the open interval");
  assert.equal(join({ address: 2, message: "MEAS_THD", values: { THD_U_L1: 2 } }), true, "other messages ignored");
});

test("MEAS_QUALITY's flags go with the next reading: the latest window's, and every window's since the reading before (ORed)", () => {
  const a = new Aggregator(config(), memStorage(), { sendCommand: () => 0 });
  const t = 1_800_000_000;
  const join = canReadingJoiner(a, () => t);
  const energy = (wh: number) => {
    join({ address: 2, message: "MEAS_ENERGY_IMPORT", values: { E_import: wh } });
    join({ address: 2, message: "MEAS_ENERGY_EXPORT", values: { E_export: 0 } });
  };
  energy(10);
  assert.equal(a.store.qualityOf(1), -1, "no quality heard: unknown");
  join({ address: 2, message: "MEAS_QUALITY", values: { QualityFlags: 0x0008, QualitySince: 0x0008 } }); // first window
  join({ address: 2, message: "MEAS_QUALITY", values: { QualityFlags: 0, QualitySince: 0x0002 } }); // a clipped current since
  energy(11);
  assert.equal(a.store.qualityOf(1), 0 | (0x000a << 16), "latest window clean; since the reading before: first-window and clipped-i");
  join({ address: 2, message: "MEAS_QUALITY", values: { QualityFlags: 0, QualitySince: 0 } });
  energy(12);
  assert.equal(a.store.qualityOf(1), 0, "the ORed flags start again after each reading");
  assert.equal(a.store.qualityOf(0), -1, "other meters unknown");
});

test("with the CAN link's latest values (ReadingsStore.live) voltage, current and quality are read from it when asked, and readings write none", () => {
  const a = new Aggregator(config(), memStorage(), { sendCommand: () => 0 });
  const t = 1_800_000_000;
  const s = a.store;
  // without a link: the reading's own
  a.onReading({ address: 1, timeS: t, powerW: 1000, importmWh: 5_000_000, exportmWh: 0, voltageV: 230, currentA: 4.35, quality: 5 });
  assert.deepEqual([s.latestOf(0, L_V), s.latestOf(0, L_I), s.qualityOf(0)], [230, 4.35, 5]);
  const asked: number[] = [];
  s.liveAddress = a.reg.address;
  const buf = new Float64Array(3);
  s.live = {
    latestSignals: (address, fn) => {
      asked.push(fn);
      if (address !== 1) return null; // meter row 0 is address 1
      buf.set(fn === FN_MEAS_VOLTAGE_FREQ ? [231.5, 50, NaN] : fn === FN_MEAS_CURRENT_PF ? [2.5, 0.9, NaN] : fn === FN_MEAS_QUALITY ? [4, 6, NaN] : [NaN, NaN, NaN]);
      return buf;
    },
  };
  assert.equal(a.reading(1, t + 5, 2400, 5_003_000, 0), true);
  assert.equal(a.reading(3, t + 5, 200, 1_000_000, 0), true);
  assert.deepEqual(asked, [], "a reading asks the link nothing");
  assert.deepEqual([L_T, L_P, L_V, L_I, L_IMP].map((f) => s.latestOf(0, f)).concat(s.qualityOf(0), s.qualityOf(1), s.latestOf(1, L_V)), [t + 5, 2400, 231.5, 2.5, 5_003_000, 4 | (6 << 16), -1, NaN]);
  assert.deepEqual(asked, [FN_MEAS_VOLTAGE_FREQ, FN_MEAS_CURRENT_PF, FN_MEAS_QUALITY, FN_MEAS_QUALITY, FN_MEAS_VOLTAGE_FREQ], "asked once per value read");
  assert.equal(s.openmWh(0, 0), 3000, "the energy since the last reading is billed as before");
  assert.equal(a.siteW, 2600);
});
