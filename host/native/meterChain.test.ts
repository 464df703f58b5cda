// The C metering chain (boards/STM32F107/metering) through the addon, on the C kernel's
// windows of generated mains (host/waveform): what the host, `meternet analyze` and the
// accuracy bench run. The chain's own known-answer tests are C (metering.suite.sh).
import { test } from "node:test";
import assert from "node:assert/strict";
import { meterInput } from "../waveform/meterInput.ts";
import type { ConditionSpec } from "../waveform/condition.ts";
import { createKernel, type KernelWindow } from "./kernel.ts";
import { createChain, windowReading, type ChainConfig, type ChainOutput } from "./metering.ts";
import { referenceCalibration } from "../../modules/metering/referenceFrontEnd.ts";
import type { AggregateReading, VoltageEvent, WindowReading } from "../../modules/metering/readings.ts";
import { KERNEL_FLAG_PARTIAL } from "../../modules/metering/kernelWindow.ts";

const cal = referenceCalibration();

function kernelWindows(spec: ConditionSpec, seconds: number): KernelWindow[] {
  const codes = meterInput(spec, { sampleRateHz: 12800, durationS: seconds, startS: 0 }).codes;
  const k = createKernel({ sampleRateHz: 12800, nominalHz: 50, vMidLsb: 1862 });
  const out: KernelWindow[] = [];
  for (let s = 0; s < codes.length; s += 512) {
    k.feed(codes.subarray(s, s + 512));
    out.push(...k.takeWindows());
  }
  k.flush();
  out.push(...k.takeWindows());
  return out;
}

function runChain(ws: KernelWindow[], cfg: Partial<ChainConfig> = {}): { w: { r: WindowReading; flagged: boolean }[]; e: VoltageEvent[]; a: AggregateReading[]; chain: ReturnType<typeof createChain> } {
  const chain = createChain({ calibration: cal, declaredV: 230, utcAtStartS: 1.8e9, startRateHz: 12800, nominalHz: 50, ...cfg });
  const res = { w: [] as { r: WindowReading; flagged: boolean }[], e: [] as VoltageEvent[], a: [] as AggregateReading[], chain };
  const take = (o: ChainOutput): void => {
    res.w.push(...o.windows);
    res.e.push(...o.events);
    res.a.push(...o.aggregates);
  };
  const tail = ws.length && ws[ws.length - 1]!.flags & KERNEL_FLAG_PARTIAL ? ws[ws.length - 1]! : null;
  for (const w of ws) if (w !== tail) take(chain.process(w));
  take(chain.finish(tail));
  return res;
}

const mains = (events?: ConditionSpec["events"]): ConditionSpec => ({
  frequencyHz: 50.02,
  v: { rms: 230, components: [{ order: 5, ratio: 0.03, phaseRad: 0.2 }] },
  i: { rms: 10, components: [] },
  displacementRad: 0.5,
  seed: 3,
  events,
});

test("readings: calibrated V, I, P, Q, f, THD of each window; the same as windowReading", () => {
  const ws = kernelWindows(mains(), 1.5);
  const { w } = runChain(ws);
  assert.ok(w.length >= 6);
  const r = w[3]!.r;
  assert.ok(Math.abs(r.vRmsV - 230 * Math.sqrt(1 + 0.03 ** 2)) < 0.1, `V ${r.vRmsV}`);
  assert.ok(Math.abs(r.iRmsA - 10) < 0.01, `I ${r.iRmsA}`);
  assert.ok(Math.abs(r.pW - 2300 * Math.cos(0.5)) < 2, `P ${r.pW}`);
  assert.ok(Math.abs(r.qVar - 2300 * Math.sin(0.5)) < 2, `Q ${r.qVar}`);
  assert.ok(Math.abs(r.fHz - 50.02) < 1e-3, `f ${r.fHz}`);
  assert.ok(Math.abs(r.thdVPct - 3) < 0.05, `THD ${r.thdVPct}`);
  assert.equal(r.hV.length, 51);
  // windowReading (no chain state) gives the same numbers for the same window
  const one = windowReading(ws[3]!, cal);
  assert.equal(one.vRmsV, r.vRmsV);
  assert.equal(one.pW, r.pW);
  assert.equal(one.startS, r.startS);
});

test("150-cycle aggregates of 15 windows: rms of the window rms, f from cycles over span, partial 10 minutes at the end", () => {
  const { w, a } = runChain(kernelWindows(mains(), 6.3));
  const short = a.filter((x) => x.interval === "150cycle");
  assert.equal(short.length, 2);
  const first = short[0]!;
  assert.equal(first.windows, 15);
  const span = w.slice(0, 15).reduce((s, x) => s + x.r.spanS, 0);
  const v = Math.sqrt(w.slice(0, 15).reduce((s, x) => s + x.r.spanS * x.r.vRmsV ** 2, 0) / span);
  assert.ok(Math.abs(first.vRmsV - v) < 1e-9 * v);
  assert.ok(Math.abs(first.fHz - 150 / span) < 1e-9);
  assert.equal(first.flagged, false);
  const long = a.filter((x) => x.interval === "10min");
  assert.equal(long.length, 1, "the 10 minutes still open at finish");
  assert.equal(long[0]!.complete, false);
  assert.equal(long[0]!.windows, w.length);
});

test("a dip: one event with its residual, the windows it overlaps and their aggregate flagged", () => {
  const { w, e, a } = runChain(kernelWindows(mains([{ kind: "dip", residualPct: 55, startS: 1.23, durationS: 0.25 }]), 3.4));
  assert.equal(e.length, 1);
  assert.equal(e[0]!.kind, "dip");
  assert.ok(Math.abs(e[0]!.residualPct - 55) < 1.5, `residual ${e[0]!.residualPct}`);
  assert.ok(Math.abs(e[0]!.startS - 1.23) < 0.01 && Math.abs(e[0]!.durationS - 0.25) < 0.02, `${e[0]!.startS} + ${e[0]!.durationS}`);
  for (const x of w) {
    const overlaps = x.r.startS + x.r.spanS > 1.23 && x.r.startS < 1.48;
    const clear = x.r.startS + x.r.spanS < 1.21 || x.r.startS > 1.5;
    if (overlaps) assert.equal(x.flagged, true, `window at ${x.r.startS} overlaps the dip`);
    if (clear) assert.equal(x.flagged, false, `window at ${x.r.startS} is clear of it`);
  }
  assert.equal(a.filter((x) => x.interval === "150cycle")[0]!.flagged, true);
});

test("energy registers: plain values, restored exactly, bad values refused", () => {
  const { w, chain } = runChain(kernelWindows(mains(), 2.1));
  const e = chain.energy();
  const mWh = w.reduce((s, x) => s + (x.r.pW * x.r.spanS) / 3.6, 0);
  assert.ok(Math.abs(e.importWh.milli + e.importWh.frac - mWh) < 1e-6, `${e.importWh.milli} + ${e.importWh.frac} mWh`);
  assert.equal(e.exportWh.milli, 0);
  assert.ok(e.importVarh.milli > 0);
  const other = createChain({ calibration: cal, declaredV: 230, utcAtStartS: 0, startRateHz: 12800, nominalHz: 50 });
  other.setEnergy(e);
  assert.deepEqual(other.energy(), e);
  assert.throws(() => other.setEnergy({ ...e, exportWh: { milli: 1.5, frac: 0 } }), /exportWh needs a whole milli/);
  assert.throws(() => other.setEnergy({ ...e, importWh: { milli: 1, frac: 1 } }), /importWh needs a whole milli >= 0 and a frac in \[0, 1\)/);
  assert.deepEqual(other.energy(), e, "unchanged after a refused restore");
});

test("configuration errors name the field", () => {
  assert.throws(() => createChain({ calibration: cal, declaredV: 0, utcAtStartS: 0, startRateHz: 12800, nominalHz: 50 }), /declared voltage must be a positive number/);
  assert.throws(() => createChain({ calibration: cal, declaredV: 230, utcAtStartS: 0, startRateHz: 12800, nominalHz: 55 as 50 }), /nominal frequency must be 50 or 60/);
  assert.throws(() => createChain({ calibration: { v: cal.v } as never, declaredV: 230, utcAtStartS: 0, startRateHz: 12800, nominalHz: 50 }), /calibration must be/);
  const chain = createChain({ calibration: cal, declaredV: 230, utcAtStartS: 0, startRateHz: 12800, nominalHz: 50 });
  assert.throws(() => chain.process({ index: 0 } as never), /window from MeterKernel.takeWindows/);
});
