// Retuning of the host MeterADC (setSampleRate) against the device's semantics
// (boards/STM32F107/adc/meterAdc.c, sampleClock.c, jswrap_meteradc.c).
import { test } from "node:test";
import assert from "node:assert/strict";
import { EspruinoRuntime, VirtualClock } from "../runtime/index.ts";
import { hostMeterAdcClass, conditionSource } from "./hostMeterAdc.ts";
import { demoCondition } from "./runMeter.ts";
import { kernelBackend } from "../analyze/kernelProcess.ts";
import type { KernelWindow } from "../../modules/metering/kernelWindow.ts";
import { createChain } from "../native/metering.ts";
import { referenceCalibration } from "../../modules/metering/referenceFrontEnd.ts";
import { periodSamples } from "./periodSamples.ts";

const addon = kernelBackend() === "addon";
const skip = addon ? false : "the host MeterADC needs the kernel addon (npm install)";

function runtime(frequencyHz: number): { rt: EspruinoRuntime; clock: VirtualClock } {
  const clock = new VirtualClock(0);
  const spec = { ...demoCondition(), frequencyHz };
  const rt = new EspruinoRuntime({ clock, output: () => {}, globals: (r) => ({ MeterADC: hostMeterAdcClass(r, { source: conditionSource(spec) }) }) });
  return { rt, clock };
}

/** Starts at 12.8 kHz, asks for `rateHz` from window `atIndex`'s callback, runs `ms`. */
function retuneRun(frequencyHz: number, rateHz: number, atIndex: number, ms: number): { windows: KernelWindow[]; achieved: number; stats: Record<string, number | boolean>; rt: EspruinoRuntime } {
  const { rt, clock } = runtime(frequencyHz);
  rt.execute(`var got = [], achieved = 0; var adc = new MeterADC(); adc.setCalibration(1862, 1862);
    adc.on('window', function (w) { got.push(w); if (w.index === ${atIndex}) achieved = adc.setSampleRate(${rateHz}); });
    adc.start({ sampleRateHz: 12800, nominalHz: 50 });`);
  clock.advance(ms);
  const stats = JSON.parse(JSON.stringify(rt.eval("adc.getStats()"))) as Record<string, number | boolean>;
  return { windows: Array.from(rt.global.got as KernelWindow[]), achieved: rt.global.achieved as number, stats, rt };
}

const samplesPerCycle = (w: KernelWindow): number => periodSamples(w.crossingsSample, w.cycles + 1);
const fHz = (w: KernelWindow): number => w.sampleRateHz / samplesPerCycle(w);

for (const f of [49.5, 51]) {
  test(`retuning to 256 x ${f} Hz gives 256 pairs per cycle`, { skip }, async () => {
    const { windows, achieved, stats, rt } = retuneRun(f, 256 * f, 1, 4000);
    // 72 MHz / round(72 MHz / (256 f)) ticks: 5682 ticks at 49.5 Hz, 5515 at 51 Hz.
    const ticks = Math.round(72e6 / (256 * f));
    assert.equal(achieved, Math.round(72e9 / ticks) / 1000, "achieved rate rounded to mHz as sampleClock.c");
    assert.ok(Math.abs(samplesPerCycle(windows[0]!) - 12800 / f) < 0.01, `before: ${samplesPerCycle(windows[0]!)} pairs per cycle`);
    const after = windows.filter((w) => w.sampleRateHz === 72e6 / ticks);
    assert.ok(after.length >= windows.length - 4, `${after.length} of ${windows.length} windows at the new rate`);
    for (const w of after) assert.ok(Math.abs(samplesPerCycle(w) - 256) < 0.06, `after: ${samplesPerCycle(w)} pairs per cycle`);
    assert.equal(stats.sampleRateHz, achieved);
    assert.equal(stats.running, true);
    assert.equal(stats.windows, windows.length);
    assert.equal(stats.overruns, 0);
    await rt.dispose();
  });
}

test("the measured frequency stays right across a retune, and time stays continuous", { skip }, async () => {
  const f = 49.5;
  const { windows, rt } = retuneRun(f, 256 * f, 2, 4000);
  const rates = windows.map((w) => w.sampleRateHz);
  const oldHz = 12800;
  const newHz = 72e6 / 5682;
  // Windows 0..2 were finished before the request; the rate changes at a block end after it.
  assert.deepEqual(rates.slice(0, 3), [oldHz, oldHz, oldHz]);
  const mixed = windows.filter((w) => w.sampleRateHz !== oldHz && w.sampleRateHz !== newHz);
  assert.equal(mixed.length, 1, `one window straddles the change: ${rates.join(" ")}`);
  assert.ok(mixed[0]!.sampleRateHz < oldHz && mixed[0]!.sampleRateHz > newHz);
  for (const w of windows) if (w !== mixed[0]) assert.ok(Math.abs(fHz(w) - f) < 0.002, `window ${w.index} at ${w.sampleRateHz} Hz: f = ${fHz(w)}`);
  // Windows tile the sample stream; their durations (samples / own mean rate) add up to
  // 10 cycles of 1/f each: the mean rate is the true one.
  for (let k = 1; k < windows.length; k++) assert.equal(windows[k]!.startSample, windows[k - 1]!.startSample + windows[k - 1]!.sampleCount);
  const spanS = windows.reduce((s, w) => s + w.sampleCount / w.sampleRateHz, 0);
  assert.ok(Math.abs(spanS - (windows.length * 10) / f) < 2 / 12800, `windows span ${spanS} s for ${windows.length} x 10 cycles`);
  // The straddling window has samples on two grids: its plain f is off by 0.03 Hz (as
  // on the device); the C metering chain's regrid (boards/STM32F107/metering/mtRetune.c),
  // as the meter runs it, puts every window, that one included, within 2 mHz and on true time.
  assert.ok(Math.abs(fHz(mixed[0]!) - f) > 0.01, `plain f of the straddling window ${fHz(mixed[0]!)}`);
  const chain = createChain({ calibration: referenceCalibration(), declaredV: 230, utcAtStartS: 0, startRateHz: 12800, nominalHz: 50, regrid: true, retune: true });
  const readings = [];
  let asked = 0;
  for (const w of windows) {
    const o = chain.process(w);
    for (const x of o.windows) readings.push(x.r);
    if (o.wantRateHz > 0) {
      asked = o.wantRateHz;
      chain.rateAnswer(72e6 / 5682);
    }
  }
  for (const x of chain.finish(null).windows) readings.push(x.r);
  assert.ok(Math.abs(asked - 256 * f) < 0.5, `the chain asked for ${asked} Hz`);
  assert.equal(readings.length, windows.length);
  const c0 = windows[0]!.startSample + windows[0]!.crossingsSample[0]!;
  readings.forEach((r, k) => {
    assert.ok(Math.abs(r.fHz - f) < 0.002, `regridded window ${k}: f = ${r.fHz}`);
    assert.ok(Math.abs(r.startS - c0 / oldHz - (k * 10) / f) < 5e-6, `window ${k} starts at ${r.startS} s`);
  });
  await rt.dispose();
});

test("setSampleRate rejects what the device rejects, with its codes", { skip }, async () => {
  const { rt, clock } = runtime(50);
  rt.execute(`var adc = new MeterADC(); var before = adc.setSampleRate(12800);`);
  assert.equal(rt.global.before, -100, "not running: MN_ENETDOWN");
  rt.eval("adc.start({ sampleRateHz: 12800, nominalHz: 50 })");
  // 12.8 kHz start: prescaler 1, periods of up to 65536 ticks (from 1098.6 Hz); the binding refuses 4 MHz and up.
  for (const bad of [0, -1, 1000, 1098.6, 36000001, 4e6, "NaN"]) assert.equal(rt.eval(`adc.setSampleRate(${bad})`), -22, `rate ${bad}`);
  assert.equal(rt.eval("adc.setSampleRate(1099)"), Math.round(72e9 / 65514) / 1000);
  assert.equal(rt.eval("adc.setSampleRate(3900000)"), 4e6, "18 ticks; 4 MHz and up are refused by the binding");
  assert.equal(rt.eval("adc.setSampleRate(12672)"), 12671.595, "72 MHz / 5682 ticks, rounded to mHz");
  clock.advance(100);
  rt.eval("adc.stop()");
  assert.equal(rt.eval("adc.setSampleRate(12800)"), -100, "stopped: MN_ENETDOWN");
  assert.equal(rt.eval("adc.getStats().sampleRateHz"), 0);
  assert.equal(rt.eval("adc.getStats().running"), false);
  await rt.dispose();
});

test("the start rate's prescaler sets the retune range, as sampleClock.c", { skip }, async () => {
  const { rt } = runtime(50);
  // 1 kHz start: 72 000 ticks do not fit ARR, so PSC = 1 (2 ticks per count): 549.3 Hz .. are reachable.
  rt.execute("var a = new MeterADC(); a.start({ sampleRateHz: 1000, nominalHz: 50 });");
  assert.equal(rt.eval("a.setSampleRate(600)"), 600, "36 MHz / 60000");
  assert.equal(rt.eval("a.setSampleRate(549)"), -22, "65574 counts: over 16 bits");
  rt.execute("var b = new MeterADC(); b.start({ sampleRateHz: 12800, nominalHz: 50 });");
  assert.equal(rt.eval("b.setSampleRate(600)"), -22, "PSC 0: 120000 ticks do not fit");
  rt.eval("a.stop(); b.stop()");
  await rt.dispose();
});
