/**
 * Contract suite of the MeterADC hook (types/meterAdc.d.ts) as the meter's JavaScript
 * uses it: setMetering, then 'reading' every readingEvery windows with the MeterReading
 * fields, 'aggregate' per 15 windows, energy registers as plain values, nothing after
 * stop(), and refusals naming the bad field. The suite drives a MeterADC through
 * JavaScript source run where the implementation lives (the host runtime, or the
 * real-interpreter prelude's stand-in), so it checks what a bundle sees.
 * meterAdcContract.test.ts runs it on every implementation (table: modules/ports/README.md).
 */
import { test } from "node:test";
import assert from "node:assert/strict";

export interface MeterAdcHarness {
  /** Runs JavaScript source in the implementation's global scope; returns its value as JSON-able data. */
  run(source: string): unknown;
  /** Lets `ms` of the environment's time pass (its timers fire). */
  advance(ms: number): void;
  close?(): void | Promise<void>;
}

const CAL = "{ v: { unitPerLsb: -0.3497, zeroLsb: 1861.82, noiseLsb2: 0.33 }, i: { unitPerLsb: -0.0228, zeroLsb: 1861.82, noiseLsb2: 0.33 }, phaseRad: 0, frontEndHz: 10000 }";
const START = `var readings = [], aggs = [], adc = new MeterADC();
  adc.setMetering({ calibration: ${CAL}, declaredV: 230, utcAtStartS: 1.8e9, readingEvery: 5 });
  adc.on('reading', function (r) { readings.push(r); });
  adc.on('aggregate', function (a) { aggs.push(a); });
  adc.start({ sampleRateHz: 12800, nominalHz: 50 });`;

type Reading = { [k: string]: number | boolean };

export function meterAdcContract(name: string, make: () => MeterAdcHarness | Promise<MeterAdcHarness>): void {
  async function withHarness(fn: (h: MeterAdcHarness) => void): Promise<void> {
    const h = await make();
    try {
      fn(h);
    } finally {
      if (h.close) await h.close();
    }
  }

  test(name + ": with setMetering, 'reading' for the 1st, 6th, 11th window (readingEvery 5) with every MeterReading field, an aggregate per 15", () =>
    withHarness((h) => {
      h.run(START);
      h.advance(3300);
      const readings = h.run("JSON.stringify(readings)") as string;
      const rs = JSON.parse(readings) as Reading[];
      assert.equal(rs.length, 3, readings);
      for (const r of rs) {
        for (const k of ["tS", "fHz", "vRmsV", "iRmsA", "pW", "qVar", "sVA", "nVA", "pf", "thdVPct", "thdIPct", "importWh", "exportWh", "importVarh", "exportVarh"]) assert.equal(typeof r[k], "number", k + " in " + JSON.stringify(r));
        assert.equal(typeof r.flagged, "boolean");
        assert.ok((r.fHz as number) > 45 && (r.fHz as number) < 55, "fHz " + r.fHz);
      }
      assert.ok((rs[2]!.importWh as number) > (rs[0]!.importWh as number), "the import register grows under load");
      assert.ok((rs[2]!.tS as number) > (rs[0]!.tS as number));
      const aggs = JSON.parse(h.run("JSON.stringify(aggs)") as string) as { interval: string; windows: number }[];
      assert.ok(aggs.length >= 1, "a 150-cycle aggregate after 15 windows");
      assert.equal(aggs[0]!.interval, "150cycle");
      assert.ok((h.run("adc.getStats().windows") as number) >= 15);
    }));

  test(name + ": energy registers as plain values survive setEnergy; nothing after stop()", () =>
    withHarness((h) => {
      h.run(START);
      h.advance(1000);
      const e = JSON.parse(h.run("JSON.stringify(adc.getEnergy())") as string) as { [r: string]: { milli: number; frac: number } };
      for (const r of ["importWh", "exportWh", "importVarh", "exportVarh"]) {
        assert.ok(Number.isInteger(e[r]!.milli) && e[r]!.milli >= 0, r + " milli " + e[r]!.milli);
        assert.ok(e[r]!.frac >= 0 && e[r]!.frac < 1, r + " frac " + e[r]!.frac);
      }
      h.run("adc.setEnergy({ importWh: { milli: 5000, frac: 0.25 }, exportWh: { milli: 0, frac: 0 }, importVarh: { milli: 7, frac: 0 }, exportVarh: { milli: 0, frac: 0 } })");
      const back = JSON.parse(h.run("JSON.stringify(adc.getEnergy())") as string) as { [r: string]: { milli: number; frac: number } };
      assert.ok(Math.abs(back.importWh!.milli + back.importWh!.frac - 5000.25) < 1e-6, JSON.stringify(back));
      assert.ok(Math.abs(back.importVarh!.milli + back.importVarh!.frac - 7) < 1e-6);
      h.run("adc.stop()");
      const n = h.run("readings.length") as number;
      h.advance(2000);
      assert.equal(h.run("readings.length"), n, "no reading after stop()");
    }));

  test(name + ": bad configurations are refused naming the field", () =>
    withHarness((h) => {
      assert.throws(() => h.run("new MeterADC().start({ sampleRateHz: 500, nominalHz: 50 })"), /sampleRateHz must be 1000..51200/);
      assert.throws(() => h.run("new MeterADC().start({ sampleRateHz: 12800, nominalHz: 55 })"), /nominalHz must be 50 or 60/);
      assert.throws(() => h.run("new MeterADC().setMetering({ calibration: {}, declaredV: -1, readingEvery: 5 })"), /declaredV must be a positive number of volts/);
      assert.throws(() => h.run("new MeterADC().setEnergy({})"), /MeterADC.setEnergy: call setMetering and start first/);
    }));
}
