import { test } from "node:test";
import assert from "node:assert/strict";
import { MeterChain, type MeterSink } from "./meterChain.ts";
import type { WindowReading } from "./windowReading.ts";
import type { AggregateReading } from "./aggregate.ts";
import type { VoltageEvent } from "./voltageEvents.ts";
import type { MeterCalibration } from "./calibration.ts";
import { syntheticWindow } from "../../host/analyze/syntheticWindow.ts";

const cal: MeterCalibration = {
  v: { unitPerLsb: 0.5, zeroLsb: 2048, noiseLsb2: 0 },
  i: { unitPerLsb: 0.02, zeroLsb: 2048, noiseLsb2: 0 },
  phaseRad: 0,
  frontEndHz: 0,
};

function collect(): MeterSink & { w: { r: WindowReading; flagged: boolean }[]; e: VoltageEvent[]; a: AggregateReading[] } {
  const s = {
    w: [] as { r: WindowReading; flagged: boolean }[],
    e: [] as VoltageEvent[],
    a: [] as AggregateReading[],
    window(r: WindowReading, flagged: boolean) { s.w.push({ r, flagged }); },
    event(e: VoltageEvent) { s.e.push(e); },
    aggregate(a: AggregateReading) { s.a.push(a); },
  };
  return s;
}

// 50 Hz at 12800 Hz: 2560 samples per window, exactly 0.2 s.
const win = (k: number, vRms: number, urms?: number[]): ReturnType<typeof syntheticWindow> => {
  const T = 256;
  const w = syntheticWindow({
    fs: 12800, fHz: 50, c0: 0, startSample: k * 2560, thetaRad: 0.3,
    vAmpLsb: (vRms * Math.SQRT2) / 0.5, iAmpLsb: (10 * Math.SQRT2) / 0.02,
    urms: urms ? { lsb: urms.map((u) => u / 0.5), endSample: urms.map((_, j) => Math.round(((j + 1) * T) / 2)) } : undefined,
  });
  return w;
};

test("150-cycle aggregates of 15 windows, rms of rms, resynchronised on the 10-minute tick", () => {
  const sink = collect();
  // Sampling starts 3.9 s before a 10-minute boundary (UTC 600 * k).
  const chain = new MeterChain({ calibration: cal, declaredV: 230, clock: { nowUtcS: () => 1_800_000_000 - 3.9 }, sink });
  for (let k = 0; k < 60; k++) chain.process(win(k, k % 2 ? 230 : 220));
  chain.finish(null);
  assert.equal(sink.w.length, 60);
  const short = sink.a.filter((a) => a.interval === "150cycle");
  const long = sink.a.filter((a) => a.interval === "10min");
  // Windows 0..19 lie before the tick (19 * 0.2 = 3.8 s < 3.9): one 150-cycle block of
  // 15, then a partial 5 dropped at the tick; then 40 windows -> two blocks of 15.
  assert.equal(short.length, 3);
  assert.equal(short[0]!.windows, 15);
  assert.ok(Math.abs(short[1]!.startS - 20 * 0.2) < 1e-9, "restarted at the tick");
  assert.equal(long.length, 2);
  assert.equal(long[0]!.complete, false, "the first 10 minutes were not covered from their start");
  assert.equal(long[0]!.windows, 20);
  assert.equal(long[1]!.windows, 40);
  // rms of rms: 8 windows at 220, 7 at 230 in the first block.
  const expect = Math.sqrt((8 * 220 * 220 + 7 * 230 * 230) / 15);
  assert.ok(Math.abs(short[0]!.vRmsV - expect) < 1e-3, `V ${short[0]!.vRmsV} vs ${expect}`);
  assert.ok(Math.abs(short[0]!.fHz - 50) < 1e-9);
  assert.ok(Math.abs(short[0]!.pW - short[0]!.vRmsV * 0 - sink.w.slice(0, 15).reduce((s, x) => s + x.r.pW, 0) / 15) < 1e-6);
  assert.equal(short[0]!.flagged, false);
  // Energy: 60 windows of 0.2 s.
  const eWh = sink.w.reduce((s, x) => s + x.r.pW * 0.2, 0) / 3600;
  assert.ok(Math.abs(chain.energy.importWh.units() - eWh) < 1e-9);
  assert.ok(Math.abs(chain.energy.importVarh.units() - sink.w.reduce((s, x) => s + x.r.qVar * 0.2, 0) / 3600) < 1e-9);
});

test("a dip flags the windows it overlaps, the window before when it began there, and their aggregates", () => {
  const sink = collect();
  const chain = new MeterChain({ calibration: cal, declaredV: 230, clock: { nowUtcS: () => 1_800_000_000 }, sink });
  const steady = new Array(20).fill(230);
  for (let k = 0; k < 30; k++) {
    let u = steady;
    // The dip begins in window 9's last quarter-cycle: its last value dips only a little,
    // window 10's values are deep, it recovers in window 11.
    if (k === 9) u = steady.map((x, j) => (j === 19 ? 215 : x));
    if (k === 10) u = steady.map(() => 115);
    if (k === 11) u = steady.map((x, j) => (j === 0 ? 115 : j === 1 ? 180 : x));
    chain.process(win(k, 230, u));
  }
  chain.finish(null);
  const flagged = sink.w.map((x, k) => (x.flagged ? k : -1)).filter((k) => k >= 0);
  assert.deepEqual(flagged, [9, 10, 11]);
  assert.equal(sink.e.length, 1);
  assert.equal(sink.e[0]!.kind, "dip");
  assert.ok(Math.abs(sink.e[0]!.residualPct - 50) < 1e-6);
  const short = sink.a.filter((a) => a.interval === "150cycle");
  assert.equal(short[0]!.flagged, true);
});

test("a dip that begins in the middle of a window does not flag the window before it", () => {
  const sink = collect();
  const chain = new MeterChain({ calibration: cal, declaredV: 230, clock: { nowUtcS: () => 1_800_000_000 }, sink });
  const steady = new Array(20).fill(230);
  for (let k = 0; k < 10; k++) {
    // Window 5: values 8..11 deep (the dip starts near value 7's end, mid-window).
    const u = k === 5 ? steady.map((x, j) => (j >= 8 && j <= 11 ? 100 : x)) : steady;
    chain.process(win(k, 230, u));
  }
  chain.finish(null);
  assert.deepEqual(sink.w.map((x, k) => (x.flagged ? k : -1)).filter((k) => k >= 0), [5]);
  assert.equal(sink.e.length, 1);
  assert.ok(Math.abs(sink.e[0]!.residualPct - 100 / 2.3) < 1e-6);
});

test("kernel-dropped windows are counted; energy follows each window's own duration", () => {
  const sink = collect();
  const chain = new MeterChain({ calibration: cal, declaredV: 230, clock: { nowUtcS: () => 0 }, sink });
  const w = win(0, 230);
  w.droppedBefore = 2;
  chain.process(w);
  chain.finish(null);
  assert.equal(chain.dropped, 2);
  assert.ok(Math.abs(chain.energy.importWh.units() - (sink.w[0]!.r.pW * 0.2) / 3600) < 1e-12);
});
