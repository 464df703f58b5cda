// The device's sampler (meterAdc.c over the register fakes) in the addon: it hands the
// kernel exactly the codes fed, reports each window's rate from the timer, starts its
// time again at each start, and reports a DMA error once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createSampler } from "./sampler.ts";
import { MeterKernel } from "./kernel.ts";

function sine(pairs: number, fs: number, hz: number, t0 = 0): Uint16Array {
  const c = new Uint16Array(2 * pairs);
  for (let k = 0; k < pairs; k++) {
    const w = 2 * Math.PI * hz * (t0 + k / fs);
    c[2 * k] = Math.round(2048 + 1500 * Math.sin(w));
    c[2 * k + 1] = Math.round(2048 + 700 * Math.sin(w - 0.4));
  }
  return c;
}

test("windows through the DMA half-buffers are the kernel's windows of the same codes, at the timer's rate", () => {
  const s = createSampler();
  s.start({ sampleRateHz: 12800, nominalHz: 50 }, 128);
  assert.deepEqual(s.nextBlock(), [0, 5625], "72 MHz / 12 800 Hz = 5625 ticks, first pair at 0");
  const codes = sine(12800, 12800, 50.02);
  const k = new MeterKernel({ sampleRateHz: 12800, nominalHz: 50 });
  k.feed(codes);
  const direct = k.takeWindows();
  const viaDma: NonNullable<ReturnType<typeof s.takeWindow>>[] = [];
  for (let b = 0; b < 100; b++) {
    assert.equal(s.feed(codes.subarray(256 * b, 256 * (b + 1))), 128, "every pair stored by the DMA");
    for (let w = s.takeWindow(); w; w = s.takeWindow()) viaDma.push(w);
  }
  assert.equal(viaDma.length, direct.length);
  assert.ok(viaDma.length >= 4);
  for (let j = 0; j < direct.length; j++) {
    assert.deepEqual(viaDma[j]!.raw, direct[j]!.raw, `window ${j}: same struct`);
    assert.equal(viaDma[j]!.sampleRateHz, 12800);
  }
  const st = s.stats();
  assert.equal(st.blocks, 100);
  assert.equal(st.windows, direct.length);
  assert.equal(st.missedBlocks + st.lateBlocks + st.dmaErrors, 0);
  assert.deepEqual(s.nextBlock(), [12800 * 5625, 5625]);
});

test("a retune lands at the next half-buffer; a window spanning it reports its samples' mean rate", () => {
  const s = createSampler();
  s.start({ sampleRateHz: 12800, nominalHz: 50 }, 128);
  s.feed(sine(128, 12800, 50));
  const achieved = s.setSampleRate(12750);
  assert.equal(achieved, Math.round(72e9 / 5647) / 1000, "nearest ARR: 5647 ticks, rounded to mHz");
  assert.deepEqual(s.nextBlock(), [128 * 5625, 5625], "the half being filled keeps the old period");
  s.feed(sine(128, 12800, 50, 128 / 12800));
  assert.deepEqual(s.nextBlock(), [256 * 5625, 5647], "from the next half on: the new period");
  assert.equal(s.setSampleRate(0), -22);
  s.stop();
  assert.equal(s.setSampleRate(12800), -100, "not running");
});

test("each start counts time from its own first pair; a DMA error stops sampling and is reported once", () => {
  const s = createSampler();
  s.start({ sampleRateHz: 12800, nominalHz: 50 }, 128);
  s.feed(sine(1000, 12800, 50));
  assert.equal(s.dmaError(), true);
  assert.equal(s.stats().running, false);
  assert.equal(s.stats().dmaErrors, 1);
  s.start({ sampleRateHz: 12800, nominalHz: 50 }, 128);
  assert.deepEqual(s.nextBlock(), [0, 5625]);
  assert.throws(() => s.start({ sampleRateHz: 12800, nominalHz: 50 }, 128), /already running/);
  assert.throws(() => createSampler().start({ sampleRateHz: 12800, nominalHz: 306 }, 128), /nominal/i);
});
