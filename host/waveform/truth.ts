// Exact reference quantities for a test condition, to compare the meter's readings against.
// Definitions (IEEE 1459-2010 / IEC 61000-4-7 / IEC 61000-4-30):
//   Xrms = sqrt(dc^2 + sum over components of Xk^2)        (Xk = rms of component k)
//   P    = Vdc*Idc + sum over common frequencies of Vk*Ik*cos(phiVk - phiIk)
//   S    = Vrms * Irms,   N = sqrt(S^2 - P^2)  (non-active power),   PF = P / S
//   THD  = sqrt(sum_{h=2..40} Xh^2) / X1 * 100 %, Xh the rms of the integer harmonic h only
//   group h (IEC 61000-4-7 harmonic group, 5 Hz bins: 10 cycles at 50 Hz, 12 at 60 Hz):
//          G_h^2 = sum of the squared rms of components within ±(bins/2) bins of h*f1, components
//          exactly on the boundary counted half in each neighbouring group. This assumes
//          interharmonics sit on bin centres (order a multiple of 1/bins); off-bin tones leak in
//          any DFT and have no single "true" group value.
// Noise is not part of the truth (it is the measurement's disturbance, not the measurand).
import { validateCondition, type ConditionSpec } from "./condition.ts";
import { createPhaseTrack } from "./phase.ts";
import { envelopeAt, resolveEvents, type ResolvedEvent } from "./events.ts";
import { channelComponents, channelPhases } from "./synthesize.ts";

export interface PowerTruth {
  fHz: number;
  vRmsV: number;
  iRmsA: number;
  pW: number;
  sVA: number;
  nVA: number;
  pf: number;
}

export interface SteadyStateTruth extends PowerTruth {
  v1RmsV: number;
  i1RmsA: number;
  /** Fundamental active power V1*I1*cos(phi1). */
  p1W: number;
  thdVPct: number;
  thdIPct: number;
  /** Harmonic group rms 0..50 (index = order, 0 = dc). */
  hV: number[];
  hI: number[];
}

interface Phasor {
  order: number;
  re: number; // rms-scaled phasor (rms * e^{j phase})
  im: number;
}

function phasorsOf(spec: ConditionSpec, ch: "v" | "i"): Phasor[] {
  const { vAlphaRad, iAlphaRad } = channelPhases(spec);
  const comps = channelComponents(spec[ch], ch === "v" ? vAlphaRad : iAlphaRad);
  // Merge components of equal order: they are one sinusoid.
  const merged: Phasor[] = [];
  for (const c of comps) {
    const rms = c.ampPeak / Math.SQRT2;
    const found = merged.find((p) => Math.abs(p.order - c.order) < 1e-9);
    const re = rms * Math.cos(c.phaseRad), im = rms * Math.sin(c.phaseRad);
    if (found) {
      found.re += re;
      found.im += im;
    } else merged.push({ order: c.order, re, im });
  }
  return merged;
}

const mag2 = (p: Phasor): number => p.re * p.re + p.im * p.im;

function groups(ph: Phasor[], dc: number, binsPerOrder: number): number[] {
  const g2 = new Array<number>(51).fill(0);
  g2[0] = dc * dc;
  for (const p of ph) {
    const h = Math.round(p.order);
    const offBins = (p.order - h) * binsPerOrder;
    const e = mag2(p);
    if (Math.abs(Math.abs(offBins) - binsPerOrder / 2) < 1e-6) {
      const other = offBins > 0 ? h + 1 : h - 1;
      if (h <= 50) g2[h] = g2[h]! + e / 2;
      if (other >= 0 && other <= 50) g2[other] = g2[other]! + e / 2;
    } else if (h <= 50) g2[h] = g2[h]! + e;
  }
  return g2.map(Math.sqrt);
}

/** Steady-state truth at time atS (default 0): events ignored, frequency taken at atS. */
export function steadyStateTruth(spec: ConditionSpec, atS = 0): SteadyStateTruth {
  validateCondition(spec);
  const fHz = createPhaseTrack(spec.frequencyHz).frequencyAt(atS);
  const pv = phasorsOf(spec, "v"), pi = phasorsOf(spec, "i");
  const vdc = spec.v.dc ?? 0, idc = spec.i.dc ?? 0;
  const vRmsV = Math.sqrt(vdc * vdc + pv.reduce((s, p) => s + mag2(p), 0));
  const iRmsA = Math.sqrt(idc * idc + pi.reduce((s, p) => s + mag2(p), 0));
  let pW = vdc * idc;
  for (const a of pv) {
    const b = pi.find((q) => Math.abs(q.order - a.order) < 1e-9);
    if (b) pW += a.re * b.re + a.im * b.im; // Re(V conj(I)) = |V||I|cos(phiV - phiI)
  }
  const sVA = vRmsV * iRmsA;
  const nVA = Math.sqrt(Math.max(0, sVA * sVA - pW * pW));
  const fund = (ph: Phasor[]): Phasor => ph.find((p) => p.order === 1)!;
  const thd = (ph: Phasor[]): number => {
    const f1 = Math.sqrt(mag2(fund(ph)));
    let s = 0;
    for (const p of ph) if (Number.isInteger(p.order) && p.order >= 2 && p.order <= 40) s += mag2(p);
    return f1 > 0 ? (100 * Math.sqrt(s)) / f1 : 0;
  };
  const v1 = fund(pv), i1 = fund(pi);
  const bins = fHz < 55 ? 10 : 12;
  return {
    fHz,
    vRmsV,
    iRmsA,
    pW,
    sVA,
    nVA,
    pf: sVA > 0 ? pW / sVA : 0,
    v1RmsV: Math.sqrt(mag2(v1)),
    i1RmsA: Math.sqrt(mag2(i1)),
    p1W: v1.re * i1.re + v1.im * i1.im,
    thdVPct: thd(pv),
    thdIPct: thd(pi),
    hV: groups(pv, vdc, bins),
    hI: groups(pi, idc, bins),
  };
}

/** Truth over [t0S, t1S) by fine numerical integration of the clean analog signal, events and
 *  ramps included: the reference for one measurement window. fHz is the mean frequency
 *  (cycles elapsed / time). Simpson's rule on at least 200 points per cycle of the highest
 *  component: relative error about 1e-12 on smooth signals, about 1e-6 when an event edge
 *  (a step) falls inside the window. */
export function intervalTruth(spec: ConditionSpec, t0S: number, t1S: number): PowerTruth {
  validateCondition(spec);
  if (!(t1S > t0S)) throw new Error(`intervalTruth: need t1S > t0S, got ${t0S}..${t1S}`);
  const track = createPhaseTrack(spec.frequencyHz);
  const events = resolveEvents(spec, track);
  const { vAlphaRad, iAlphaRad } = channelPhases(spec);
  const cv = channelComponents(spec.v, vAlphaRad), ci = channelComponents(spec.i, iAlphaRad);
  const maxOrder = Math.max(1, ...cv.map((c) => c.order), ...ci.map((c) => c.order));
  const c0 = track.cyclesAt(t0S), c1 = track.cyclesAt(t1S);
  const n = 2 * Math.max(2000, Math.ceil((c1 - c0) * maxOrder * 100));
  const dt = (t1S - t0S) / n;
  let sv = 0, si = 0, sp = 0;
  const val = (comps: typeof cv, cyc: number, dc: number): number => {
    let x = dc;
    for (const c of comps) x += c.ampPeak * Math.sin(2 * Math.PI * c.order * cyc + c.phaseRad);
    return x;
  };
  for (let k = 0; k <= n; k++) {
    const t = t0S + k * dt;
    const w = k === 0 || k === n ? 1 / 3 : k % 2 === 1 ? 4 / 3 : 2 / 3; // Simpson
    const env = envelopeAt(events, t);
    const cyc = track.cyclesAt(t);
    const v = env.v * val(cv, cyc, 0) + (spec.v.dc ?? 0);
    const i = env.i * val(ci, cyc, 0) + (spec.i.dc ?? 0);
    sv += w * v * v;
    si += w * i * i;
    sp += w * v * i;
  }
  const vRmsV = Math.sqrt(sv / n), iRmsA = Math.sqrt(si / n), pW = sp / n;
  const sVA = vRmsV * iRmsA;
  return {
    fHz: (c1 - c0) / (t1S - t0S),
    vRmsV,
    iRmsA,
    pW,
    sVA,
    nVA: Math.sqrt(Math.max(0, sVA * sVA - pW * pW)),
    pf: sVA > 0 ? pW / sVA : 0,
  };
}

export interface EventTruth extends ResolvedEvent {
  /** Residual voltage in percent of the declared voltage (IEC 61000-4-30 reports dips so). */
  residualOfDeclaredPct: number;
}

/** The events as they occur in the synthesised signal, with residual relative to declaredV. */
export function eventTruth(spec: ConditionSpec, declaredV: number): EventTruth[] {
  validateCondition(spec);
  const track = createPhaseTrack(spec.frequencyHz);
  const vRms = steadyStateTruth(spec).vRmsV;
  return resolveEvents(spec, track).map((e) => ({ ...e, residualOfDeclaredPct: (e.residualPct * vRms) / declaredV }));
}
