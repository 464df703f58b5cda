// A 60 Hz meter end to end: the built meter bundle (build/meter.js, `npm run build`)
// in the host runtime, its meternet.json saying "mains": {"hz": 60, "v": 120} as
// `npm run upload -- ... --mains-hz 60 --mains-v 120` writes it, fed a generated 60 Hz
// supply through the reference front end, the 12-bit ADC model and the C kernel built
// with 2048 points (the Node addon = the 60 Hz image METERNET_F107_60HZ). And the two
// ways a meter must refuse to measure rather than measure 60 Hz as 50 Hz: a 50 Hz-only
// firmware (emulated: fftNMax 1024) and an invalid "mains".
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { runMeter } from "./runMeter.ts";
import { hostMeterAdcClass, conditionSource, FIRMWARE_50HZ_ONLY } from "./hostMeterAdc.ts";
import { EspruinoRuntime, VirtualClock } from "../runtime/index.ts";
import type { ConditionSpec } from "../waveform/condition.ts";

const BUNDLE = new URL("../../build/meter.js", import.meta.url);
const F_HZ = 59.9637; // off the nominal, between tick values of the sampling timer
const SUPPLY: ConditionSpec = {
  frequencyHz: F_HZ,
  v: { rms: 120 },
  i: { rms: 8, components: [{ order: 3, ratio: 0.1, phaseRad: 1 }] },
  displacementRad: 0.3,
  seed: 11,
};
const METER_60 = { role: "meter", address: 7, keyHex: "00112233445566778899aabbccddeeff", name: "meter 7", mains: { hz: 60, v: 120 } };

type Window = { cycles: number; crossingsSample: Float64Array; sampleCount: number; sampleRateHz: number; flags: number };

function run(files: { [name: string]: object }, seconds: number, fftNMax?: 1024 | 2048) {
  const out: string[] = [];
  const windows: Window[] = [];
  const adcs: { getStats(): { sampleRateHz: number; running: boolean } }[] = [];
  const rt = runMeter(readFileSync(BUNDLE, "utf8"), SUPPLY, seconds, (s) => out.push(s), {
    files,
    fftNMax,
    onAdc: (adc) => {
      adcs.push(adc as never);
      adc.on("window", (w) => windows.push({ cycles: w.cycles, crossingsSample: Float64Array.from(w.crossingsSample), sampleCount: w.sampleCount, sampleRateHz: w.sampleRateHz, flags: w.flags }));
    },
  });
  return { rt, text: out.join(""), windows, adcs };
}

test("60 Hz / 120 V meter: 12-cycle windows at 213 pairs per cycle, f within 1 mHz, V within 0.05 % (needs npm run build)", async (t) => {
  if (!existsSync(BUNDLE)) return t.skip("build/meter.js not built");
  const { rt, text, windows, adcs } = run({ "meternet.json": METER_60 }, 8);
  const stats = adcs[0]!.getStats();
  await rt.dispose();
  assert.match(text, /meternet meter: sampling at 12780 Hz, mains 60 Hz 120 V/, text);
  assert.doesNotMatch(text, /Uncaught|NOT measuring/, text);
  // 12-cycle windows, 5 a second (8 s: the first needs a crossing and the kernel delay)
  assert.ok(windows.length >= 38 && windows.length <= 40, `windows in 8 s: ${windows.length}`);
  for (const w of windows) {
    assert.equal(w.cycles, 12);
    assert.equal(w.crossingsSample.length, 13);
  }
  // retuned to 213 x the measured frequency, to the nearest timer tick (72 MHz / integer)
  const ticks = Math.round(72e6 / (213 * F_HZ));
  assert.ok(Math.abs(stats.sampleRateHz - 72e6 / ticks) < 0.001, `rate now ${stats.sampleRateHz} Hz, want 72 MHz / ${ticks}`);
  assert.ok(Math.abs(windows.at(-1)!.sampleCount - 12 * 213) <= 2, `pairs in the last window: ${windows.at(-1)!.sampleCount}`);
  // The bundle's own reading lines (f to 1 mHz, V to 10 mV): every one after the first second.
  const readings = text.split("\n").filter((l) => l.startsWith("t="));
  assert.ok(readings.length >= 7, text);
  let fMax = 0;
  let vMax = 0;
  for (const line of readings.slice(1)) {
    const f = Number(/ f=([\d.]+)Hz/.exec(line)![1]);
    const v = Number(/ V=([\d.]+)V/.exec(line)![1]);
    assert.ok(Math.abs(f - F_HZ) <= 0.001, `f=${f} Hz, generated ${F_HZ} Hz: ${line}`);
    assert.ok(Math.abs(v - 120) / 120 <= 0.0005, `V=${v} V, generated 120 V: ${line}`);
    fMax = Math.max(fMax, Math.abs(f - F_HZ));
    vMax = Math.max(vMax, Math.abs(v - 120) / 120);
  }
  t.diagnostic(`${readings.length - 1} reading lines: max |f - ${F_HZ}| = ${(fMax * 1000).toFixed(2)} mHz (printed to 1 mHz), max |V - 120 V| = ${(vMax * 100).toFixed(4)} % (printed to 10 mV); ${windows.length} windows of 12 cycles; rate now ${stats.sampleRateHz} Hz`);
  // The 180-cycle aggregate (15 windows of 12 cycles = 3 s) carries the same frequency.
  const agg = text.split("\n").filter((l) => l.startsWith("aggregate "));
  assert.ok(agg.length >= 2, text);
  for (const line of agg) assert.ok(Math.abs(Number(/ f=([\d.]+)Hz/.exec(line)![1]) - F_HZ) <= 0.001, line);
});

test("60 Hz configured on the 50 Hz firmware: not measuring, and the message names the image to flash (needs npm run build)", async (t) => {
  if (!existsSync(BUNDLE)) return t.skip("build/meter.js not built");
  const { rt, text, windows, adcs } = run({ "meternet.json": METER_60 }, 3, 1024);
  await rt.dispose();
  assert.ok(text.includes("meternet meter: NOT measuring: Error: MeterADC.start: " + FIRMWARE_50HZ_ONLY), text);
  assert.match(text, /make BOARD=METERNET_F107_60HZ/);
  assert.doesNotMatch(text, /Uncaught|sampling at|\nt=/, text);
  assert.equal(windows.length, 0);
  assert.equal(adcs[0]!.getStats().running, false);
});

test("an invalid mains setting: the error, no sampling, no 50 Hz fallback (needs npm run build)", async (t) => {
  if (!existsSync(BUNDLE)) return t.skip("build/meter.js not built");
  for (const [mains, shown] of [
    [{ hz: 55, v: 120 }, '{"hz":55,"v":120}'],
    [{ hz: 60 }, '{"hz":60}'],
    [{ hz: 60, v: "120" }, '{"hz":60,"v":"120"}'],
    [{ hz: 60, v: 1200 }, '{"hz":60,"v":1200}'],
  ] as const) {
    const { rt, text, windows, adcs } = run({ "meternet.json": { ...METER_60, mains } }, 2);
    await rt.dispose();
    assert.ok(text.includes('meternet meter: NOT measuring: Error: meternet.json: mains must be {"hz":50|60,"v":100..400}, not ' + shown), text);
    assert.doesNotMatch(text, /Uncaught|sampling at/, text);
    assert.equal(adcs.length, 0, "MeterADC never constructed, so never started");
    assert.equal(windows.length, 0);
  }
});

test("no mains in meternet.json (or no file): the 50 Hz / 230 V meter as before (needs npm run build)", async (t) => {
  if (!existsSync(BUNDLE)) return t.skip("build/meter.js not built");
  const { rt, text } = run({}, 1);
  await rt.dispose();
  assert.match(text, /meternet meter: sampling at 12800 Hz, mains 50 Hz 230 V/, text);
});

test("host MeterADC emulating the 50 Hz image refuses 12-cycle windows, allows 10", async () => {
  const clock = new VirtualClock(0);
  const rt = new EspruinoRuntime({ clock, output: () => {}, globals: (r) => ({ MeterADC: hostMeterAdcClass(r, { source: conditionSource(SUPPLY), fftNMax: 1024 }) }) });
  assert.throws(() => rt.eval("new MeterADC().start({ sampleRateHz: 12780, nominalHz: 60 })"), /METERNET_F107_60HZ/);
  assert.throws(() => rt.eval("new MeterADC().start({ sampleRateHz: 12800, nominalHz: 50, cycles: 12 })"), /60 Hz mains needs 12-cycle windows/);
  rt.eval("var a = new MeterADC(); a.start({ sampleRateHz: 12800, nominalHz: 50 })");
  assert.equal(rt.eval("a.getStats().running"), true);
  await rt.dispose();
});
