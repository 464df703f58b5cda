import { test } from "node:test";
import assert from "node:assert/strict";
import { convert, lsbV, referenceAdc } from "./adc.ts";
import { referenceTransducer, transducerTransfer, transduce } from "./transducer.ts";
import { meterInput, inputScaling, interleave } from "./meterInput.ts";
import type { ConditionSpec } from "./condition.ts";

test("ADC quantisation: code k stands for k LSB, transitions half an LSB either side", () => {
  const adc = referenceAdc({ noiseLsbRms: 0 });
  const lsb = lsbV(adc);
  assert.equal(lsb, 3.3 / 4096);
  const { codes, clipped } = convert(Float64Array.of(0, 0.49 * lsb, 0.51 * lsb, 1000.4 * lsb, 1000.6 * lsb, 4095 * lsb), adc);
  assert.deepEqual([...codes], [0, 0, 1, 1000, 1001, 4095]);
  assert.equal(clipped, 0);
});

test("ADC clipping at 0 and 4095 is counted", () => {
  const { codes, clipped } = convert(Float64Array.of(-0.2, 3.5, 3.3, 1.0), referenceAdc({ noiseLsbRms: 0 }));
  assert.deepEqual([...codes], [0, 4095, 4095, Math.round(1.0 / (3.3 / 4096))]);
  assert.equal(clipped, 3, "3.3 V is code 4096, beyond full scale");
});

test("ADC noise: code rms matches sqrt(sigma^2 + 1/12) LSB, mean unbiased, seeded", () => {
  const adc = referenceAdc({ noiseLsbRms: 3, seed: 5 });
  const x = new Float64Array(100_000).fill(2000.3 * lsbV(adc));
  const { codes } = convert(x, adc);
  let s = 0, s2 = 0;
  for (const c of codes) s += c;
  const mean = s / codes.length;
  for (const c of codes) s2 += (c - mean) ** 2;
  const sd = Math.sqrt(s2 / codes.length);
  assert.ok(Math.abs(mean - 2000.3) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(sd - Math.sqrt(9 + 1 / 12)) < 0.03, `sd ${sd}`);
  assert.deepEqual(convert(x, adc).codes, codes);
  const half = convert(x, referenceAdc({ noiseLsbRms: 0.5, seed: 5 })).codes;
  let h2 = 0;
  for (const c of half) h2 += (c - 2000.3) ** 2;
  const r = Math.sqrt(h2 / half.length);
  assert.ok(r > 0.5 && r < 0.65, `0.5 LSB noise gives ${r} LSB rms error`);
});

test("transducer: 460 V rms full scale swings 1.5 V about 1.5 V, inverted; first-order bandwidth", () => {
  const t = referenceTransducer();
  const h0 = transducerTransfer(t.v)(0);
  assert.ok(Math.abs(h0.re * 460 * Math.SQRT2 + 1.5) < 1e-12 && h0.im === 0);
  const h2k = transducerTransfer(t.i)(2000);
  const g = Math.hypot(h2k.re, h2k.im) / Math.abs(transducerTransfer(t.i)(0).re);
  assert.ok(Math.abs(g - 1 / Math.sqrt(1.04)) < 1e-12);
  const spec: ConditionSpec = { frequencyHz: 50, v: { rms: 460 }, i: { rms: 30 }, vPhaseRad: 0 };
  const out = transduce(spec, referenceTransducer({ v: { bandwidthHz: Infinity } }), { sampleRateHz: 10_000, durationS: 0.02 });
  const kPeak = 50; // 5 ms = positive voltage peak
  assert.ok(Math.abs(out.vOutV[kPeak]! - 0) < 1e-12, `inverted: positive peak gives 0 V, got ${out.vOutV[kPeak]}`);
  assert.ok(Math.abs(out.vOutV[150]! - 3) < 1e-12);
  assert.ok(Math.abs(out.vOutV[0]! - 1.5) < 1e-12);
});

test("meter input: interleaved V/I codes, inverse scaling recovers the input within one LSB", () => {
  const spec: ConditionSpec = { frequencyHz: 50, v: { rms: 230 }, i: { rms: 12 }, displacementRad: 0.5, seed: 3 };
  const m = meterInput(spec, { sampleRateHz: 10_000, durationS: 0.1, adc: referenceAdc({ noiseLsbRms: 0 }), transducer: referenceTransducer({ v: { bandwidthHz: Infinity }, i: { bandwidthHz: Infinity } }) });
  assert.equal(m.codes.length, 2000);
  assert.equal(m.clippedV + m.clippedI, 0);
  let worstV = 0, worstI = 0;
  for (let k = 0; k < 1000; k++) {
    const v = m.scaling.v.a * m.codes[2 * k]! + m.scaling.v.b;
    const i = m.scaling.i.a * m.codes[2 * k + 1]! + m.scaling.i.b;
    worstV = Math.max(worstV, Math.abs(v - m.input.vV[k]!));
    worstI = Math.max(worstI, Math.abs(i - m.input.iA[k]!));
  }
  assert.ok(worstV <= 0.5 * Math.abs(m.scaling.v.a) + 1e-9, `V error ${worstV}, LSB ${m.scaling.v.a}`);
  assert.ok(worstI <= 0.5 * Math.abs(m.scaling.i.a) + 1e-9);
  assert.ok(m.scaling.v.a < 0, "inverted: a positive input lowers the code");
  // 32-bit little-endian word view: V in the low half-word, I in the high half-word
  const words = new Uint32Array(m.codes.buffer, m.codes.byteOffset, 1000);
  assert.equal(words[7]! & 0xffff, m.codes[14]);
  assert.equal(words[7]! >>> 16, m.codes[15]);
  const s = inputScaling(referenceTransducer(), referenceAdc());
  assert.ok(Math.abs(s.v.a * 1861.818 + s.v.b) < 1e-3, "mid code 1.5 V is 0 V input");
  assert.throws(() => interleave(new Uint16Array(2), new Uint16Array(3)), /2 voltage codes but 3 current codes/);
});

test("transducer delay shifts the phase by 2*pi*f*delay at every frequency", () => {
  const ch = { ...referenceTransducer().i, bandwidthHz: Infinity, delayS: 100e-6 };
  const h = transducerTransfer(ch);
  for (const f of [50, 250, 2000]) {
    const x = h(f);
    const ph = Math.atan2(x.im, x.re) - Math.PI; // gain is negative: subtract the inversion
    const want = -2 * Math.PI * f * 100e-6;
    const d = Math.atan2(Math.sin(ph - want), Math.cos(ph - want));
    assert.ok(Math.abs(d) < 1e-12, `f ${f}: phase ${ph} vs ${want}`);
    assert.ok(Math.abs(Math.hypot(x.re, x.im) - Math.abs(ch.gainVPerUnit)) < 1e-15);
  }
});
