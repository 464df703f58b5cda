// The description of one test condition: what the generator synthesises and what the truth
// functions compute exact reference values for. Plain data, so a bench can store a grid of them
// as JSON and a failing case can be replayed from its printed spec.
import type { EventKind } from "../../modules/metering/readings.ts";

/** One spectral component besides the fundamental. `order` is relative to the fundamental
 *  frequency: an integer for a harmonic, a non-integer (e.g. 7.5) for an interharmonic.
 *  The component is  ratio * sqrt(2) * Xrms * sin(order * (theta + alpha) + phaseRad)
 *  where theta is the fundamental's phase and alpha the channel's fundamental phase offset:
 *  `phaseRad` is relative to the channel's own fundamental, as IEC 61000-4-7 tables give it. */
export interface ComponentSpec {
  order: number;
  /** Amplitude relative to the fundamental (0.05 = 5 %). */
  ratio: number;
  phaseRad?: number;
}

export interface ChannelSpec {
  /** Rms of the fundamental (V or A). */
  rms: number;
  components?: ComponentSpec[];
  /** Additive Gaussian noise, rms in V or A (not part of the truth). */
  noiseRms?: number;
  /** DC component in V or A (part of the truth: it adds to rms and P). */
  dc?: number;
}

/** A point of a piecewise-linear frequency profile; constant before the first and after the last. */
export interface FrequencyPoint {
  tS: number;
  hz: number;
}

/** The kinds the meter's chain reports (modules/metering/readings.ts): one type for the test events and the results. */
export type { EventKind };

/** A rectangular change of the voltage envelope (IEC 61000-4-11 / -4-30 style test event). */
export interface EventSpec {
  kind: EventKind;
  /** Earliest start. With pointOnWaveDeg the event starts at the first instant at or after this
   *  one where the voltage fundamental's phase equals that angle (0° = positive-going zero). */
  startS: number;
  durationS: number;
  /** Voltage during the event as a percentage of the voltage before it (dip < 100 < swell;
   *  an interruption defaults to 0). */
  residualPct?: number;
  pointOnWaveDeg?: number;
  /** Whether the current follows the voltage (constant-impedance load); default false. */
  currentFollows?: boolean;
}

export interface ConditionSpec {
  /** Fundamental frequency: a constant or a piecewise-linear profile (ramps). */
  frequencyHz: number | FrequencyPoint[];
  v: ChannelSpec;
  i: ChannelSpec;
  /** Phase displacement of the current fundamental behind the voltage fundamental (rad);
   *  positive = current lags (inductive), P1 = V1 I1 cos(displacementRad). */
  displacementRad?: number;
  /** Phase of the voltage fundamental at t = 0 (rad); 0 = positive-going zero crossing. */
  vPhaseRad?: number;
  events?: EventSpec[];
  /** Seed for the noise streams; same seed, same samples. */
  seed?: number;
}

/** A linear ramp from f0Hz at t0S to f1Hz at t1S, constant outside. */
export function frequencyRamp(f0Hz: number, f1Hz: number, t0S: number, t1S: number): FrequencyPoint[] {
  return [
    { tS: t0S, hz: f0Hz },
    { tS: t1S, hz: f1Hz },
  ];
}

/** Throws an Error naming the offending field if the spec cannot be synthesised. */
export function validateCondition(spec: ConditionSpec): void {
  const fail = (field: string, why: string): never => {
    throw new Error(`condition: ${field} ${why}`);
  };
  const finite = (x: unknown, field: string): void => {
    if (typeof x !== "number" || !Number.isFinite(x)) fail(field, `must be a finite number, got ${String(x)}`);
  };
  if (typeof spec.frequencyHz === "number") {
    finite(spec.frequencyHz, "frequencyHz");
    if (spec.frequencyHz <= 0) fail("frequencyHz", "must be positive");
  } else {
    const pts = spec.frequencyHz;
    if (!Array.isArray(pts) || pts.length === 0) fail("frequencyHz", "must be a number or a non-empty list of points");
    pts.forEach((p, k) => {
      finite(p.tS, `frequencyHz[${k}].tS`);
      finite(p.hz, `frequencyHz[${k}].hz`);
      if (p.hz <= 0) fail(`frequencyHz[${k}].hz`, "must be positive");
      if (k > 0 && p.tS <= pts[k - 1]!.tS) fail(`frequencyHz[${k}].tS`, "must increase");
    });
  }
  for (const ch of ["v", "i"] as const) {
    const c = spec[ch];
    if (!c) fail(ch, "is missing");
    finite(c.rms, `${ch}.rms`);
    if (c.rms < 0) fail(`${ch}.rms`, "must not be negative");
    (c.components ?? []).forEach((h, k) => {
      finite(h.order, `${ch}.components[${k}].order`);
      if (h.order <= 0) fail(`${ch}.components[${k}].order`, "must be positive");
      finite(h.ratio, `${ch}.components[${k}].ratio`);
      if (h.phaseRad !== undefined) finite(h.phaseRad, `${ch}.components[${k}].phaseRad`);
    });
    if (c.noiseRms !== undefined) finite(c.noiseRms, `${ch}.noiseRms`);
    if (c.dc !== undefined) finite(c.dc, `${ch}.dc`);
  }
  (spec.events ?? []).forEach((e, k) => {
    if (e.kind !== "dip" && e.kind !== "swell" && e.kind !== "interruption") fail(`events[${k}].kind`, `must be dip, swell or interruption, got ${String(e.kind)}`);
    finite(e.startS, `events[${k}].startS`);
    finite(e.durationS, `events[${k}].durationS`);
    if (e.durationS <= 0) fail(`events[${k}].durationS`, "must be positive");
    if (e.residualPct !== undefined) finite(e.residualPct, `events[${k}].residualPct`);
    if (e.kind !== "interruption" && e.residualPct === undefined) fail(`events[${k}].residualPct`, "is required for a dip or swell");
    if (e.pointOnWaveDeg !== undefined) finite(e.pointOnWaveDeg, `events[${k}].pointOnWaveDeg`);
  });
}
