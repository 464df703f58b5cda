import { test } from "node:test";
import assert from "node:assert/strict";
import { sampleRetune, pairsPerCycle, TICK_HZ } from "./sampleRetune.ts";
import { periodSamples } from "./windowReading.ts";
import { KERNEL_FLAG_FIRST, KERNEL_FLAG_SYNTHETIC, KERNEL_FLAG_SYNC, type KernelWindow } from "./kernelWindow.ts";

/** A port answering as the device: 72 MHz / round(72 MHz / rate), rounded to mHz. */
function devicePort(): { asked: number[]; setSampleRate(r: number): number } {
  const asked: number[] = [];
  return { asked, setSampleRate: (r) => (asked.push(r), Math.round((1000 * TICK_HZ) / Math.round(TICK_HZ / r)) / 1000) };
}

test("asks for 256 x f, one request in flight, rounded to whole ticks by the device", () => {
  const port = devicePort();
  const rt = sampleRetune(port, 12800, 50);
  assert.equal(rt.update(49.5, 0, false), 12671.595); // 5682 ticks
  assert.deepEqual(port.asked, [12672]);
  assert.equal(rt.update(49.6, 0, false), 0, "waits until a window shows the first request");
  assert.equal(port.asked.length, 1);
});

test("dead band: no request unless the period moves by a whole tick", () => {
  const port = devicePort();
  const rt = sampleRetune(port, 12800, 50); // 5625 ticks
  assert.equal(rt.update(50.004, 0, false), 0, "5624.55 ticks wanted: < 1 tick away");
  assert.equal(rt.update(49.996, 0, false), 0);
  assert.ok(rt.update(50.01, 0, false) > 0, "5623.88 ticks wanted: asked");
  assert.deepEqual(port.asked, [256 * 50.01]);
});

test("never on flagged or unreliable windows; bounded to 42.5..57.5 Hz at 50 Hz", () => {
  const port = devicePort();
  let rt = sampleRetune(port, 12800, 50);
  assert.equal(rt.update(49.5, 0, true), 0, "IEC flagged (dip, swell, interruption)");
  for (const f of [KERNEL_FLAG_SYNTHETIC, KERNEL_FLAG_FIRST, KERNEL_FLAG_SYNC]) assert.equal(rt.update(49.5, f, false), 0, `kernel flag ${f}`);
  assert.equal(rt.update(NaN, 0, false), 0);
  assert.equal(port.asked.length, 0);
  rt.update(30, 0, false);
  rt = sampleRetune(port, 12800, 50);
  rt.update(100, 0, false);
  assert.equal(port.asked[0], 256 * 42.5);
  assert.ok(Math.abs(port.asked[1]! - 256 * 57.5) < 1e-9);
  assert.equal(sampleRetune(null, 12800, 50).update(49.5, 0, false), 0, "no port: never asks");
});

test("a refused request (negative code) is asked again on the next window", () => {
  let answer = -100;
  const asked: number[] = [];
  const rt = sampleRetune({ setSampleRate: (r) => (asked.push(r), answer) }, 12800, 50);
  assert.equal(rt.update(49.5, 0, false), -100);
  answer = 12671.595;
  assert.equal(rt.update(49.5, 0, false), 12671.595);
  assert.equal(asked.length, 2);
});

/**
 * A window whose first `m` intervals last t1 ticks and the rest t2, with rising
 * crossings every 1/fHz from tau0 seconds after its first pair, as the device reports it.
 */
function twoGridWindow(startSample: number, n: number, t1: number, t2: number, m: number, fHz: number, tau0: number, cycles = 10): KernelWindow {
  const pos = (tS: number): number => (tS * TICK_HZ <= m * t1 ? (tS * TICK_HZ) / t1 : m + (tS * TICK_HZ - m * t1) / t2);
  const crossingsSample = new Float64Array(cycles + 1).map((_, k) => pos(tau0 + k / fHz));
  const urmsHalfEndSample = new Float64Array(2 * cycles).map((_, k) => pos(tau0 + (k + 2) / (2 * fHz)));
  const meanTicks = (m * t1 + (n - m) * t2) / n;
  return { startSample, sampleCount: n, sampleRateHz: TICK_HZ / meanTicks, cycles, crossingsSample, urmsHalfEndSample } as unknown as KernelWindow;
}

test("regrid: frequency and time are exact across a step inside a window", () => {
  const f = 49.5;
  const t1 = 5625; // 12.8 kHz
  const t2 = 5682; // 12 671.6 Hz
  const port = devicePort();
  const rt = sampleRetune(port, 12800, 50);
  // Window 0: 10 cycles at 12.8 kHz after 300 pairs; its first crossing 0.4 pair before its first pair.
  const n0 = Math.round((10 / f) * 12800);
  const w0 = rt.regrid(twoGridWindow(300, n0, t1, t1, n0, f, -0.4 / 12800));
  assert.equal(w0.startSample, 300, "no retune: unchanged");
  assert.ok(Math.abs(w0.sampleRateHz / periodSamples(w0.crossingsSample, 11) - f) < 1e-9);
  rt.update(f, 0, false);
  // Window 1: the step after 1000 pairs (a half-buffer boundary, not the window's middle).
  const start1 = 300 + n0;
  const t1Start = start1 * t1; // ticks from start to its first pair
  const raw = twoGridWindow(start1, 2530, t1, t2, 1000, f, 0.2 / 12800);
  const naiveHz = raw.sampleRateHz / periodSamples(raw.crossingsSample, 11);
  assert.ok(Math.abs(naiveHz - f) > 0.01, `without regrid the mixed window reads ${naiveHz} Hz`);
  const w1 = rt.regrid(raw);
  assert.ok(Math.abs(w1.sampleRateHz / periodSamples(w1.crossingsSample, 11) - f) < 1e-9, "f exact after regrid");
  assert.ok(Math.abs((w1.startSample + w1.crossingsSample[0]) / w1.sampleRateHz - (t1Start / TICK_HZ + 0.2 / 12800)) < 1e-12, "first crossing at its true time");
  assert.ok(Math.abs((w1.startSample + w1.urmsHalfEndSample[19]) / w1.sampleRateHz - (t1Start / TICK_HZ + 0.2 / 12800 + 21 / (2 * f))) < 1e-12, "Urms(1/2) ends at true times");
  // Window 2: all at the new rate; startSample / fs is still seconds since start.
  const start2 = start1 + 2530;
  const w2 = rt.regrid(twoGridWindow(start2, 2560, t2, t2, 2560, f, 0.1 / 12672));
  const trueS = (t1Start + 1000 * t1 + 1530 * t2) / TICK_HZ;
  assert.ok(Math.abs(w2.startSample / w2.sampleRateHz - trueS) < 1e-12, `window 2 starts at ${w2.startSample / w2.sampleRateHz} s, true ${trueS} s`);
  assert.ok(Math.abs(start2 / w2.sampleRateHz - trueS) > 1e-3, "the raw startSample / fs would be off by milliseconds");
  assert.equal(rt.update(f, 0, false), 0, "settled: within the dead band");
});

test("pairs per cycle: 256 at 50 Hz (12 800 Hz), 213 at 60 Hz (12 780 Hz, not 15 360)", () => {
  assert.equal(pairsPerCycle(50), 256);
  assert.equal(pairsPerCycle(60), 213);
  assert.equal(pairsPerCycle(60) * 60, 12780);
  // the nearest whole number: 214 x 60 = 12 840 Hz is further from 12.8 kHz than 12 780
  assert.ok(Math.abs(214 * 60 - 12800) > Math.abs(213 * 60 - 12800));
});

test("60 Hz: asks for 213 x f within 51..69 Hz, whole ticks only", () => {
  const port = devicePort();
  const rt = sampleRetune(port, 12780, 60); // 72 MHz / 12 780 = 5633.8: the timer makes 5634 ticks
  assert.equal(rt.update(60.0, 0, false), 0, "nominal: 5633.80 ticks wanted, 0.2 tick away");
  assert.equal(rt.update(60.005, 0, false), 0, "5633.33 ticks wanted: < 1 tick away");
  assert.equal(rt.update(60.5, 0, false), Math.round((1000 * TICK_HZ) / Math.round(TICK_HZ / (213 * 60.5))) / 1000);
  assert.deepEqual(port.asked, [213 * 60.5]);
  const low = devicePort();
  sampleRetune(low, 12780, 60).update(30, 0, false);
  const high = devicePort();
  sampleRetune(high, 12780, 60).update(100, 0, false);
  assert.ok(Math.abs(low.asked[0]! - 213 * 51) < 1e-9, `asked ${low.asked[0]}`);
  assert.ok(Math.abs(high.asked[0]! - 213 * 69) < 1e-9, `asked ${high.asked[0]}`);
});

test("60 Hz: 12-cycle windows regridded across a step keep f and time exact", () => {
  const f = 60.4;
  const t1 = 5634; // 12 779.55 Hz, the start
  const t2 = Math.round(TICK_HZ / (213 * f)); // 5596
  const port = devicePort();
  const rt = sampleRetune(port, 12780, 60);
  const n0 = Math.round((12 / f) * (TICK_HZ / t1));
  rt.regrid(twoGridWindow(100, n0, t1, t1, n0, f, 0, 12));
  assert.ok(rt.update(f, 0, false) > 0);
  assert.equal(port.asked[0], 213 * f);
  const start1 = 100 + n0;
  const raw = twoGridWindow(start1, 2545, t1, t2, 700, f, 0.3 / 12780, 12);
  const w1 = rt.regrid(raw);
  assert.ok(Math.abs(w1.sampleRateHz / periodSamples(w1.crossingsSample, 13) - f) < 1e-9, "f exact after regrid");
  assert.ok(Math.abs((w1.startSample + w1.crossingsSample[0]) / w1.sampleRateHz - ((start1 * t1) / TICK_HZ + 0.3 / 12780)) < 1e-12);
  assert.equal(rt.update(f, 0, false), 0, "settled at 213 pairs per cycle");
});
