import { test } from "node:test";
import assert from "node:assert/strict";
import { EspruinoRuntime, VirtualClock } from "../runtime/index.ts";
import { hostMeterAdcClass } from "../meterAdc/hostMeterAdc.ts";
import { kernelBackend } from "../analyze/kernelProcess.ts";
import { periodSamples } from "../meterAdc/periodSamples.ts";
import type { KernelWindow } from "../../modules/metering/kernelWindow.ts";
import { applianceFor } from "./appliances.ts";
import { cacheStats, feedFor, WINDOW_S } from "./waveformSource.ts";

const fridge = applianceFor(2, 1);
const noDips = { perSlot: 0, seed: 1 };

test("at 12.8 kHz every block of a state is one cached block", () => {
  const at = (startS: number): Uint16Array => feedFor(fridge, 3 * 3600, 0, true, noDips, { sampleRateHz: 12800, startS, pairs: 2560 }).codes;
  const first = at(0);
  const cached = cacheStats().blocks;
  assert.equal(first.length, 5120);
  for (const startS of [0.2, 14.4e6 / 72e6, 3600.2]) assert.equal(at(startS), first, `block at ${startS} s`);
  assert.equal(cacheStats().blocks, cached);
});

test("after a retune the simulated meter's blocks continue the 50 Hz waveform", { skip: kernelBackend() !== "addon" && "needs the kernel addon" }, async () => {
  const clock = new VirtualClock(0);
  const got: KernelWindow[] = [];
  const rt = new EspruinoRuntime({
    clock,
    output: () => {},
    globals: (r) => ({
      MeterADC: hostMeterAdcClass(r, {
        blockS: WINDOW_S,
        source: (sampleRateHz, startS, pairs) => feedFor(fridge, 3 * 3600, Math.round(r.clock.nowMs() / 200), true, noDips, { sampleRateHz, startS, pairs }).codes,
      }),
      keep: (w: KernelWindow) => got.push(w),
    }),
  });
  rt.execute(`var adc = new MeterADC(); adc.setCalibration(1862, 1862);
    adc.on('window', function (w) { keep(w); if (w.index === 2) adc.setSampleRate(12600); });
    adc.start({ sampleRateHz: 12800, nominalHz: 50 });`);
  clock.advance(3000);
  await rt.dispose();
  const fHz = (w: KernelWindow): number => w.sampleRateHz / periodSamples(w.crossingsSample, w.cycles + 1);
  const odd = got.filter((w) => w.sampleRateHz === 72e6 / 5714);
  assert.ok(odd.length >= 8, `${odd.length} of ${got.length} windows at 72 MHz / 5714`);
  // Blocks at that rate are not whole cycles: each starts at its own phase of the waveform.
  for (const w of odd) assert.ok(Math.abs(fHz(w) - 50) < 0.001, `window ${w.index}: f = ${fHz(w)} Hz`);
});
