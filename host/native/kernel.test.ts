import { test } from "node:test";
import assert from "node:assert/strict";
import { createKernel, type KernelWindow } from "./kernel.ts";
import { KERNEL_FLAG_FIRST, KERNEL_FLAG_NO_FUND_I, KERNEL_FLAG_PARTIAL, KERNEL_FLAG_SYNTHETIC, KERNEL_GROUPS } from "../../modules/metering/kernelWindow.ts";

interface Component { ch: 0 | 1; order: number; ampLsb: number; phaseRad: number }

/** 12-bit pairs of mid + sum of sines (+ optional uniform-sum gaussian noise). */
function pairs(fs: number, f: number, seconds: number, comps: Component[], noiseLsb = 0, gainV?: (n: number) => number): Uint16Array {
  const n = Math.round(fs * seconds);
  const out = new Uint16Array(2 * n);
  let seed = 12345;
  const gauss = () => {
    let acc = 0;
    for (let j = 0; j < 12; j++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      acc += (seed >>> 8) / 16777216;
    }
    return acc - 6;
  };
  for (let k = 0; k < n; k++) {
    let v = 1862, i = 2100;
    const g = gainV ? gainV(k) : 1;
    for (const c of comps) {
      const x = c.ampLsb * Math.sin((2 * Math.PI * f * c.order * k) / fs + c.phaseRad);
      if (c.ch === 0) v += x * g; else i += x;
    }
    if (noiseLsb > 0) { v += noiseLsb * gauss(); i += noiseLsb * gauss(); }
    out[2 * k] = Math.min(4095, Math.max(0, Math.round(v)));
    out[2 * k + 1] = Math.min(4095, Math.max(0, Math.round(i)));
  }
  return out;
}

function run(fs: number, nominalHz: 50 | 60, samples: Uint16Array | Uint32Array, block = 4096): KernelWindow[] {
  const k = createKernel({ sampleRateHz: fs, nominalHz, vMidLsb: 1862 });
  const per = samples instanceof Uint16Array ? 2 * block : block;
  const wins: KernelWindow[] = [];
  for (let off = 0; off < samples.length; off += per) {
    k.feed(samples.subarray(off, Math.min(samples.length, off + per)));
    wins.push(...k.takeWindows());
  }
  return wins;
}

/** Mean over whole cycles with a second-order (Gregory) end correction from the edge samples: an independent reference for the chain's first-order one (mtReading.c whole_cycle_sum). */
function wholeCycleMean(w: KernelWindow, sum: number, e: number[]): number {
  const c = w.crossingsSample;
  const a = -c[0], b = c[w.cycles] - (w.sampleCount - 1);
  const x = sum - (e[0] + e[3]) / 2 - ((e[1] - e[0]) - (e[3] - e[2])) / 12 + a * e[0] - (a * a / 2) * (e[1] - e[0]) + b * e[3] + (b * b / 2) * (e[3] - e[2]);
  return x / (c[w.cycles] - c[0]);
}
function edges(w: KernelWindow, fn: (v: number, i: number) => number): number[] {
  const ev = w.edgeVLsb!, ei = w.edgeILsb!;
  return [0, 1, 2, 3].map((j) => fn(ev[j], ei[j]));
}
function rmsV(w: KernelWindow): number {
  const m = wholeCycleMean(w, w.sumVLsb, edges(w, (v) => v));
  return Math.sqrt(wholeCycleMean(w, w.sumVVLsb2, edges(w, (v) => v * v)) - m * m);
}
function powerP(w: KernelWindow): number {
  const mv = wholeCycleMean(w, w.sumVLsb, edges(w, (v) => v));
  const mi = wholeCycleMean(w, w.sumILsb, edges(w, (_v, i) => i));
  return wholeCycleMean(w, w.sumVILsb2, edges(w, (v, i) => v * i)) - mv * mi;
}
function periodSamples(w: KernelWindow): number {
  const c = w.crossingsSample, n = c.length;
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let k = 0; k < n; k++) { sx += k; sy += c[k]; sxx += k * k; sxy += k * c[k]; }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

test("window sums are the exact integer sums of the samples fed", () => {
  const s = pairs(12800, 50.3, 1, [{ ch: 0, order: 1, ampLsb: 931, phaseRad: 0 }, { ch: 1, order: 1, ampLsb: 1500, phaseRad: 0.7 }], 0.5);
  const wins = run(12800, 50, s, 1000);
  assert.ok(wins.length >= 4);
  assert.ok(wins[0].flags & KERNEL_FLAG_FIRST);
  for (const w of wins) {
    let sv = 0, si = 0, svv = 0, svi = 0, svip = 0, svpi = 0;
    for (let n = w.startSample; n < w.startSample + w.sampleCount; n++) {
      const v = s[2 * n], i = s[2 * n + 1], vp = s[2 * n - 2], ip = s[2 * n - 1];
      sv += v; si += i; svv += v * v; svi += v * i; svip += v * ip; svpi += vp * i;
    }
    assert.deepEqual([w.sumVLsb, w.sumILsb, w.sumVVLsb2, w.sumVILsb2, w.sumVIPrevLsb2, w.sumVPrevILsb2], [sv, si, svv, svi, svip, svpi]);
    const N = w.sampleCount, o = 2 * w.startSample;
    assert.deepEqual(Array.from(w.edgeVLsb!), [s[o], s[o + 2], s[o + 2 * N - 4], s[o + 2 * N - 2]]);
    assert.equal(w.firstVLsb, s[o]);
    assert.equal(w.lastILsb, s[o + 2 * N - 1]);
    assert.equal(w.crossingsSample.length, 11);
    assert.equal(w.hVLsb.length, KERNEL_GROUPS);
    assert.equal(w.sampleRateHz, 12800);
  }
  for (let j = 1; j < wins.length; j++) assert.equal(wins[j].startSample, wins[j - 1].startSample + wins[j - 1].sampleCount);
});

test("rms, active power and frequency known answers (44.1 Hz, 60 degrees, 0.5 LSB noise)", () => {
  const phi = Math.PI / 3;
  const s = pairs(12800, 44.1, 1.5, [{ ch: 0, order: 1, ampLsb: 900, phaseRad: 0 }, { ch: 1, order: 1, ampLsb: 1200, phaseRad: -phi }], 0.5);
  const wins = run(12800, 50, s).slice(1);
  assert.ok(wins.length >= 5);
  const sVA = (900 * 1200) / 2;
  for (const w of wins) {
    assert.ok(Math.abs(rmsV(w) / (900 / Math.SQRT2) - 1) < 1.5e-4, `rms ${rmsV(w)}`);
    assert.ok(Math.abs(powerP(w) - sVA * Math.cos(phi)) / sVA < 1.5e-4, `P ${powerP(w)}`);
    assert.ok(Math.abs(12800 / periodSamples(w) - 44.1) < 1e-3, `f ${12800 / periodSamples(w)}`);
  }
});

test("harmonic groups 1, 5 and 39 (48.7 Hz) and the same numbers from packed DMA words", () => {
  const comps: Component[] = [
    { ch: 0, order: 1, ampLsb: 931, phaseRad: 0 },
    { ch: 0, order: 5, ampLsb: 46.55, phaseRad: 1 },
    { ch: 0, order: 39, ampLsb: 27.93, phaseRad: 2 },
    { ch: 1, order: 1, ampLsb: 1500, phaseRad: 0 },
  ];
  const s = pairs(12800, 48.7, 1, comps);
  const wins = run(12800, 50, s).slice(1);
  for (const w of wins) {
    assert.ok(Math.abs(w.hVLsb[1] - 931 / Math.SQRT2) < 0.15, `h1 ${w.hVLsb[1]}`);
    assert.ok(Math.abs(w.hVLsb[5] - 46.55 / Math.SQRT2) < 0.12, `h5 ${w.hVLsb[5]}`);
    assert.ok(Math.abs(w.hVLsb[39] - 27.93 / Math.SQRT2) < 0.12, `h39 ${w.hVLsb[39]}`);
    assert.ok(w.hVLsb[7] < 0.4, `h7 ${w.hVLsb[7]}`);
    assert.equal(w.harmonicMaxOrder, 50);
  }
  const packed = new Uint32Array(s.length / 2);
  for (let n = 0; n < packed.length; n++) packed[n] = s[2 * n] | (s[2 * n + 1] << 16);
  assert.deepEqual(run(12800, 50, packed, 777).slice(1), wins);
});

test("Urms(1/2) falls below 90 % within half a cycle of a 50 % dip; interruption keeps windows and flags them", () => {
  const start = 6400;
  const s = pairs(12800, 50, 1, [{ ch: 0, order: 1, ampLsb: 931, phaseRad: 0 }, { ch: 1, order: 1, ampLsb: 1000, phaseRad: 0 }], 0.5, (n) => (n >= start && n < start + 3200 ? 0.5 : 1));
  const wins = run(12800, 50, s);
  const full = 931 / Math.SQRT2;
  let first = -1, lowest = Infinity;
  for (const w of wins) {
    for (let j = 0; j < w.urmsHalfLsb.length; j++) {
      const end = w.startSample + w.urmsHalfEndSample[j];
      if (first < 0 && w.urmsHalfLsb[j] < 0.9 * full) first = end;
      lowest = Math.min(lowest, w.urmsHalfLsb[j]);
    }
  }
  assert.ok(first > start && first - start <= 132, `detected ${first - start} samples after the start`);
  assert.ok(Math.abs(lowest / full - 0.5) < 0.002, `residual ${lowest / full}`);

  const gone = pairs(12800, 50, 1.5, [{ ch: 0, order: 1, ampLsb: 931, phaseRad: 0 }], 0.5, (n) => (n >= 6400 && n < 12800 ? 0 : 1));
  const w2 = run(12800, 50, gone);
  assert.ok(w2.length >= 6);
  assert.ok(w2.some((w) => (w.flags & KERNEL_FLAG_SYNTHETIC) !== 0));
  for (let j = 1; j < w2.length; j++) assert.equal(w2[j].startSample, w2[j - 1].startSample + w2[j - 1].sampleCount);
});

test("60 Hz record at 5760 Hz: 12-cycle windows, valid orders up to 28", () => {
  const s = pairs(5760, 60, 1, [{ ch: 0, order: 1, ampLsb: 931, phaseRad: 0 }, { ch: 0, order: 25, ampLsb: 46.55, phaseRad: 0 }], 0.5);
  const wins = run(5760, 60, s).slice(1);
  assert.ok(wins.length >= 3);
  for (const w of wins) {
    assert.equal(w.cycles, 12);
    assert.equal(w.harmonicMaxOrder, 28);
    assert.ok(Math.abs(w.hVLsb[25] - 46.55 / Math.SQRT2) < 0.12, `h25 ${w.hVLsb[25]}`);
  }
});

test("bad configuration and bad input are rejected with a reason", () => {
  assert.throws(() => createKernel({ sampleRateHz: 500, nominalHz: 50 }), /sampleRateHz must be 1000..102400/);
  assert.throws(() => createKernel({ sampleRateHz: 102401, nominalHz: 50 }), /sampleRateHz must be 1000..102400/);
  assert.throws(() => createKernel({ sampleRateHz: 12800, nominalHz: 55 as 50 }), /nominalHz/);
  const k = createKernel({ sampleRateHz: 12800, nominalHz: 50 });
  assert.throws(() => k.feed(new Uint16Array(3)), /whole \{v, i\} pairs/);
  assert.throws(() => k.feed(new Float32Array(4) as unknown as Uint16Array), /Uint16Array/);
  assert.ok(k.stateBytes() > 8000 && k.stateBytes() < 16000);
});

test("flush at the end of data hands over the open window as PARTIAL with the last Urms(1/2) values", () => {
  const fs = 12800;
  const k = createKernel({ sampleRateHz: fs, nominalHz: 50, vMidLsb: 1862 });
  // 0.55 s; the voltage drops to 50 % for the last 0.1 s, inside a window that never completes
  k.feed(pairs(fs, 50, 0.55, [{ ch: 0, order: 1, ampLsb: 931, phaseRad: 0 }, { ch: 1, order: 1, ampLsb: 1000, phaseRad: 0 }], 0, (n) => (n >= 0.45 * fs ? 0.5 : 1)));
  const complete = k.takeWindows();
  assert.ok(complete.every((w) => (w.flags & KERNEL_FLAG_PARTIAL) === 0));
  assert.equal(k.flush(), 1);
  const [last] = k.takeWindows();
  assert.ok(last && (last.flags & KERNEL_FLAG_PARTIAL) !== 0, "partial flag");
  assert.equal(last!.startSample + last!.sampleCount, Math.round(0.55 * fs), "every sample accumulated");
  assert.equal(last!.crossingsSample.length, last!.cycles + 1);
  const lowest = Math.min(...last!.urmsHalfLsb);
  assert.ok(Math.abs(lowest / (931 / Math.SQRT2) - 0.5) < 0.002, `residual ${lowest}`);
  assert.ok(last!.hVLsb.every((x) => x === 0), "no harmonic groups");
  assert.equal(k.flush(), 0, "nothing more to hand over");
});

test("issue 13: 51.2 and 102.4 kHz records read right (no 32-bit overflow, crossings found at the rate), thdMaxOrder per window", () => {
  for (const [fs, f] of [[51200, 42.5], [102400, 57.5], [51200, 50]] as const) {
    const s = pairs(fs, f, 0.75, [{ ch: 0, order: 1, ampLsb: 931, phaseRad: 0.3 }, { ch: 1, order: 1, ampLsb: 1000, phaseRad: 0 }], 0.5);
    const wins = run(fs, 50, s, 8192);
    assert.ok(wins.length >= 2, `${fs} Hz: ${wins.length} windows`);
    for (const w of wins) {
      assert.equal(w.flags & ~KERNEL_FLAG_FIRST, 0, `${fs} Hz, ${f} Hz: flags ${w.flags}`);
      assert.ok(Math.abs(fs / periodSamples(w) - f) < 0.5e-3, `${fs} Hz, ${f} Hz: ${fs / periodSamples(w)} Hz`);
      assert.ok(Math.abs(rmsV(w) / (931 / Math.SQRT2) - 1) < 1e-4, `rms ${rmsV(w)}`);
      // Urms(1/2) about the right zero (the overflow read a 268 % swell from the second window on)
      for (const u of w.urmsHalfLsb) assert.ok(Math.abs(u / (931 / Math.SQRT2) - 1) < 1e-3, `Urms(1/2) ${u}`);
      assert.equal(w.thdMaxOrder, 40);
      // the first window is right too: a pure sine's THD is the noise floor
      const thd = Math.hypot(...Array.from(w.hVLsb.subarray(2, 41))) / w.hVLsb[1];
      assert.ok(thd < 0.002, `THD ${(100 * thd).toFixed(3)} % in window ${w.index}`);
    }
  }
  const low = run(4000, 50, pairs(4000, 49, 1, [{ ch: 0, order: 1, ampLsb: 931, phaseRad: 0 }], 0.5));
  assert.ok(low.length >= 3);
  for (const w of low) {
    assert.equal(w.thdMaxOrder, 24, "4 kHz, 49 Hz: THD up to the 24th (0.3 fs / f = 24.5)");
    assert.ok(w.flags & KERNEL_FLAG_NO_FUND_I, "no current: no THD I");
  }
});
