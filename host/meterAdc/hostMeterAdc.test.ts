import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { EspruinoRuntime, VirtualClock } from "../runtime/index.ts";
import { hostMeterAdcClass, conditionSource } from "./hostMeterAdc.ts";
import { demoCondition, runMeter } from "./runMeter.ts";

function runtime(): { rt: EspruinoRuntime; clock: VirtualClock; out: string[] } {
  const clock = new VirtualClock(0);
  const out: string[] = [];
  const rt = new EspruinoRuntime({ clock, output: (s) => out.push(s), globals: (r) => ({ MeterADC: hostMeterAdcClass(r, { source: conditionSource(demoCondition()) }) }) });
  return { rt, clock, out };
}

test("MeterADC delivers kernel windows on the runtime clock, one per 10 cycles", async () => {
  const { rt, clock } = runtime();
  rt.execute(`var got = []; var adc = new MeterADC(); adc.setCalibration(1862, 1862);
    adc.on('window', function (w) { got.push([getTime(), w.index, w.cycles, w.sampleCount, w.hVLsb.length, w.crossingsSample.length]); });
    adc.start({ sampleRateHz: 12800, nominalHz: 50 });`);
  clock.advance(1000);
  const got = JSON.parse(JSON.stringify(rt.global.got)) as number[][];
  // 50.05 Hz: a window every 0.1998 s; the first needs a crossing and the kernel delay.
  assert.ok(got.length >= 4 && got.length <= 5, `windows in 1 s: ${got.length}`);
  // Delivered at the end of the 10 ms block that finishes the window.
  for (let k = 1; k < got.length; k++) assert.ok(Math.abs(got[k]![0]! - got[k - 1]![0]! - 10 / 50.05) < 0.0101, "spacing = 10 cycles");
  assert.deepEqual(got[0]!.slice(1), [0, 10, got[0]![3], 51, 11]);
  assert.equal((rt.eval("adc.getStats().windows") as number), got.length);
  rt.eval("adc.stop()");
  clock.advance(1000);
  assert.equal((rt.global.got as unknown[]).length, got.length, "no windows after stop()");
  await rt.dispose();
});

test("MeterADC rejects a bad configuration with the kernel's wording", async () => {
  const { rt } = runtime();
  assert.throws(() => rt.eval("new MeterADC().start({ sampleRateHz: 500, nominalHz: 50 })"), /sampleRateHz must be 1000..51200/);
  assert.throws(() => rt.eval("new MeterADC().start({ sampleRateHz: 12800, nominalHz: 55 })"), /nominalHz must be 50 or 60/);
  assert.throws(() => rt.eval("new MeterADC().on('sample', function(){})"), /only 'window'/);
  await rt.dispose();
});

test("the meter bundle prints a reading line per second and the dip (needs npm run build)", async (t) => {
  const path = new URL("../../build/meter.js", import.meta.url);
  if (!existsSync(path)) return t.skip("build/meter.js not built");
  const out: string[] = [];
  const rt = runMeter(readFileSync(path, "utf8"), demoCondition({ residualPct: 60, startS: 2.1, durationS: 0.1 }), 4, (s) => out.push(s));
  await rt.dispose();
  const text = out.join("");
  const readings = text.split("\n").filter((l) => l.startsWith("t="));
  // 'reading' for the first released window (the C chain holds each window one window for
  // the IEC flag), then every 5th: windows ending at 0.2, 1.2, 2.2 and 3.2 s.
  assert.equal(readings.length, 4, text);
  assert.match(readings[3]!, /^t=3\.2s /);
  assert.match(readings[0]!, /f=50\.05\dHz V=230\.1\dV I=12\.0[56]\dA P=25\d\d\.\dW/);
  assert.match(text, /event dip start=2\.(09|10)\ds duration=0\.(09|10)\ds residual=(59|60)\.\d\d%/);
});

test("with setMetering, the C chain gives 'reading' once per 5 windows, 'aggregate' per 15, retunes itself, keeps the registers", async () => {
  const clock = new VirtualClock(0);
  const spec = { ...demoCondition(), frequencyHz: 49.5 };
  const rt = new EspruinoRuntime({ clock, output: () => {}, globals: (r) => ({ MeterADC: hostMeterAdcClass(r, { source: conditionSource(spec) }) }) });
  rt.execute(`var readings = [], aggs = [], adc = new MeterADC();
    adc.setMetering({ calibration: { v: { unitPerLsb: -0.3497, zeroLsb: 1861.82, noiseLsb2: 0.33 }, i: { unitPerLsb: -0.0228, zeroLsb: 1861.82, noiseLsb2: 0.33 }, phaseRad: 0, frontEndHz: 10000 },
      declaredV: 230, utcAtStartS: 1.8e9, readingEvery: 5 });
    adc.on('reading', function (r) { readings.push(r); });
    adc.on('aggregate', function (a) { aggs.push(a.interval + ' ' + a.windows); });
    adc.start({ sampleRateHz: 12800, nominalHz: 50 });`);
  clock.advance(3300);
  const readings = JSON.parse(JSON.stringify(rt.global.readings)) as { tS: number; fHz: number; vRmsV: number; pW: number; importWh: number; flagged: boolean; flags: number; flagsSince: number }[];
  assert.equal(readings.length, 3, "windows released in 3.3 s: 15 (readings for the 1st, 6th, 11th)");
  // quality flags as jswrap_meteradc.c gives them: the first window is flagged first-window
  // (0x0008), and so is every later reading's flagsSince until a reading has passed it
  assert.equal(readings[0]!.flags & 0x0008, 0x0008, `first reading's flags 0x${readings[0]!.flags.toString(16)}`);
  assert.equal(readings[0]!.flagsSince & 0x0008, 0x0008);
  assert.equal(readings[1]!.flags & 0x0008, 0, "later windows are not first");
  assert.equal(readings[2]!.flagsSince & 0x0008, 0, "flagsSince starts again after each reading");
  assert.ok(Math.abs(readings[2]!.fHz - 49.5) < 0.002, `f ${readings[2]!.fHz}`);
  assert.ok(Math.abs(readings[2]!.vRmsV - 230 * Math.sqrt(1 + 0.03 ** 2)) < 0.5, `V ${readings[2]!.vRmsV}`);
  assert.ok(readings[2]!.importWh > readings[1]!.importWh && readings[1]!.importWh > 0);
  assert.equal(readings[0]!.flagged, false);
  assert.deepEqual(JSON.parse(JSON.stringify(rt.global.aggs)), ["150cycle 15"]);
  // retuned by the chain to 256 x 49.5 Hz (whole timer ticks)
  assert.equal(rt.eval("adc.getStats().sampleRateHz") as number, Math.round(72e9 / Math.round(72e6 / (256 * 49.5))) / 1000);
  // registers survive stop/start and restore from saved values
  const saved = JSON.parse(JSON.stringify(rt.eval("adc.getEnergy()"))) as { importWh: { milli: number; frac: number } };
  assert.ok(saved.importWh.milli > 0 && saved.importWh.frac >= 0 && saved.importWh.frac < 1);
  rt.eval("adc.stop(); adc.start({ sampleRateHz: 12800, nominalHz: 50 })");
  assert.deepEqual(JSON.parse(JSON.stringify(rt.eval("adc.getEnergy()"))), saved);
  rt.eval(`adc.setEnergy({ importWh: { milli: 123456789, frac: 0.5 }, exportWh: { milli: 0, frac: 0 }, importVarh: { milli: 7, frac: 0 }, exportVarh: { milli: 0, frac: 0 } })`);
  assert.equal(rt.eval("adc.getEnergy().importWh.milli") as number, 123456789);
  assert.throws(() => rt.eval(`adc.setEnergy({ importWh: { milli: -1, frac: 0 }, exportWh: { milli: 0, frac: 0 }, importVarh: { milli: 0, frac: 0 }, exportVarh: { milli: 0, frac: 0 } })`), /importWh needs a whole milli/);
  assert.throws(() => rt.eval("adc.setMetering({ calibration: {}, declaredV: -1, readingEvery: 5 })"), /declaredV must be a positive number of volts/);
  await rt.dispose();
});
