/**
 * Test helper (host only): a KernelWindow computed exactly from an analytic signal,
 * as an ideal kernel (no quantisation, no noise) would deliver it. Lets the
 * metering formulas be checked against closed-form answers without the C addon.
 *   v[n] = vZero + vAmp (sin(w(n - c0)) + sum r_h sin(h w (n - c0) + phi_h))
 *   i[n] = iZero + iAmp (sin(w(n - c0) - theta) + ...)
 * (codes, LSB). Crossings are those of the voltage fundamental: c0 + k fs/f.
 */
import type { KernelWindow } from "../../modules/metering/kernelWindow.ts";

export interface Harmonic {
  order: number;
  ratio: number;
  phaseRad: number;
}

export interface SyntheticSpec {
  fs: number;
  fHz: number;
  cycles?: number;
  /** Window's first crossing relative to its first sample, in (-1, 0]. */
  c0?: number;
  vAmpLsb: number;
  iAmpLsb: number;
  thetaRad: number;
  vZero?: number;
  iZero?: number;
  vHarm?: Harmonic[];
  iHarm?: Harmonic[];
  startSample?: number;
  /** Urms(1/2) values to attach (LSB) with their end samples; default: the steady value. */
  urms?: { lsb: number[]; endSample: number[] };
}

export function syntheticWindow(s: SyntheticSpec): KernelWindow {
  const cycles = s.cycles ?? 10;
  const c0 = s.c0 ?? -0.3;
  const T = s.fs / s.fHz;
  const w = (2 * Math.PI) / T;
  const cE = c0 + cycles * T;
  const N = Math.floor(cE) + 1;
  const zv = s.vZero ?? 2048;
  const zi = s.iZero ?? 2048;
  const vAt = (n: number): number => {
    const ph = w * (n - c0);
    let x = Math.sin(ph);
    for (const h of s.vHarm ?? []) x += h.ratio * Math.sin(h.order * ph + h.phaseRad);
    return zv + s.vAmpLsb * x;
  };
  const iAt = (n: number): number => {
    const ph = w * (n - c0) - s.thetaRad;
    let x = Math.sin(ph);
    for (const h of s.iHarm ?? []) x += h.ratio * Math.sin(h.order * ph + h.phaseRad);
    return zi + s.iAmpLsb * x;
  };
  let sv = 0, si = 0, svv = 0, sii = 0, svi = 0, svip = 0, svpi = 0;
  for (let n = 0; n < N; n++) {
    const v = vAt(n), i = iAt(n), vp = vAt(n - 1), ip = iAt(n - 1);
    sv += v;
    si += i;
    svv += v * v;
    sii += i * i;
    svi += v * i;
    svip += v * ip;
    svpi += vp * i;
  }
  const groups = (amp: number, hs: Harmonic[] | undefined): Float32Array => {
    const g = new Float32Array(51);
    g[1] = amp / Math.SQRT2;
    for (const h of hs ?? []) g[h.order] = (amp * h.ratio) / Math.SQRT2;
    return g;
  };
  const hV = groups(s.vAmpLsb, s.vHarm);
  hV[0] = zv;
  const hI = groups(s.iAmpLsb, s.iHarm);
  hI[0] = zi;
  const crossings = new Float64Array(cycles + 1);
  for (let k = 0; k <= cycles; k++) crossings[k] = c0 + k * T;
  const urmsSteady = s.vAmpLsb / Math.SQRT2;
  const lsb: number[] = [];
  const ends: number[] = [];
  if (s.urms) {
    lsb.push(...s.urms.lsb);
    ends.push(...s.urms.endSample);
  } else for (let k = 1; k <= 2 * cycles; k++) {
    lsb.push(urmsSteady);
    ends.push(Math.ceil(c0 + (k * T) / 2));
  }
  return {
    index: 0,
    startSample: s.startSample ?? 0,
    sampleRateHz: s.fs,
    cycles,
    sampleCount: N,
    sumVLsb: sv,
    sumILsb: si,
    sumVVLsb2: svv,
    sumIILsb2: sii,
    sumVILsb2: svi,
    sumVIPrevLsb2: svip,
    sumVPrevILsb2: svpi,
    firstVLsb: vAt(0),
    firstILsb: iAt(0),
    lastVLsb: vAt(N - 1),
    lastILsb: iAt(N - 1),
    crossingsSample: crossings,
    urmsHalfLsb: Float32Array.from(lsb),
    urmsHalfEndSample: Float64Array.from(ends),
    hVLsb: hV,
    hILsb: hI,
    harmonicMaxOrder: 50,
    vMidLsb: zv,
    syncErrorSample: 0,
    flags: 0,
    droppedBefore: 0,
  };
}

/**
 * Urms(1/2) of v(t) = U sqrt2 env(t) sin(2 pi f t) with a rectangular envelope step
 * (1 before startS, residual during, 1 after endS): one-cycle rms on windows ending at
 * every half cycle, integrated numerically. Returns values and end times (s).
 */
export function urmsSeries(fHz: number, uRmsV: number, residual: number, startS: number, endS: number, untilS: number): { u: number[]; endS: number[] } {
  const T = 1 / fHz;
  const u: number[] = [];
  const ends: number[] = [];
  const steps = 2000;
  for (let e = T; e <= untilS + 1e-12; e += T / 2) {
    let ms = 0;
    for (let k = 0; k < steps; k++) {
      const t = e - T + ((k + 0.5) * T) / steps;
      const env = t >= startS && t < endS ? residual : 1;
      const x = uRmsV * Math.SQRT2 * env * Math.sin(2 * Math.PI * fHz * t);
      ms += x * x;
    }
    u.push(Math.sqrt(ms / steps));
    ends.push(e);
  }
  return { u, endS: ends };
}
