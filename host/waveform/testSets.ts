// Seeded grids of test conditions: the reference design's published test set, and the
// IEC 61000-4-30 class A influence-quantity corners, as plain ConditionSpecs.
//   Reference, sinusoidal: f = 50 Hz ± 15 % (42.5–57.5 Hz), V = 50–100 % of 230 V, I up to 100 %
//   of the 30 A range, displacement −π/4 … π/2.
//   Reference, non-sinusoidal: the same plus five harmonics of orders 3..39 on each channel, their
//   amplitudes chosen so THD is exactly 8 %, random harmonic and fundamental phase angles.
import type { ComponentSpec, ConditionSpec } from "./condition.ts";
import { createPrng, type Prng } from "./prng.ts";

export interface TestSetOptions {
  seed?: number;
  declaredV?: number;
  rangeA?: number;
  /** Lowest current as a fraction of the range (default 0.05: at 0 A, P and PF have no value). */
  minCurrentFraction?: number;
  /** Noise at the input, rms in V and A (default none; the bench adds ADC noise). */
  vNoiseRms?: number;
  iNoiseRms?: number;
}

const between = (r: Prng, lo: number, hi: number): number => lo + (hi - lo) * r.uniform();

function sinusoidal(r: Prng, k: number, o: TestSetOptions): ConditionSpec {
  const vN = o.declaredV ?? 230, iMax = o.rangeA ?? 30;
  return {
    frequencyHz: between(r, 42.5, 57.5),
    v: { rms: between(r, 0.5, 1) * vN, noiseRms: o.vNoiseRms },
    i: { rms: between(r, o.minCurrentFraction ?? 0.05, 1) * iMax, noiseRms: o.iNoiseRms },
    displacementRad: between(r, -Math.PI / 4, Math.PI / 2),
    vPhaseRad: between(r, 0, 2 * Math.PI),
    seed: (o.seed ?? 1) * 100_003 + k,
  };
}

/** Five distinct harmonic orders from 3..39 (odd orders unless allowEven), THD exactly thdPct. */
export function fiveHarmonics(r: Prng, thdPct: number, allowEven = false): ComponentSpec[] {
  const pool: number[] = [];
  for (let h = 3; h <= 39; h++) if (allowEven || h % 2 === 1) pool.push(h);
  const orders: number[] = [];
  while (orders.length < 5) {
    const h = pool[Math.floor(r.uniform() * pool.length)]!;
    if (!orders.includes(h)) orders.push(h);
  }
  orders.sort((a, b) => a - b);
  const w = orders.map(() => between(r, 0.2, 1));
  const norm = Math.sqrt(w.reduce((s, x) => s + x * x, 0));
  return orders.map((order, k) => ({ order, ratio: (w[k]! / norm) * (thdPct / 100), phaseRad: between(r, -Math.PI, Math.PI) }));
}

export function referenceSinusoidalSet(count: number, opts: TestSetOptions = {}): ConditionSpec[] {
  const r = createPrng(opts.seed ?? 1);
  return Array.from({ length: count }, (_, k) => sinusoidal(r, k, opts));
}

export function referenceNonSinusoidalSet(count: number, opts: TestSetOptions = {}): ConditionSpec[] {
  const r = createPrng((opts.seed ?? 1) + 7919);
  return Array.from({ length: count }, (_, k) => {
    const s = sinusoidal(r, k, opts);
    s.v.components = fiveHarmonics(r, 8);
    s.i.components = fiveHarmonics(r, 8);
    return s;
  });
}

export interface EventSetCase {
  spec: ConditionSpec;
  /** Record length that covers the event with 0.3 s of steady signal either side. */
  durationS: number;
  declaredV: number;
}

/** One event per case, for dip/swell/interruption detection tests (IEC 61000-4-30 §5.4):
 *  dips with residual 10–85 % of the declared voltage, swells 115–150 %, interruptions 0–4 %,
 *  durations 1–30 cycles, any point on wave, 50 or 60 Hz (±0.5 Hz), start 0.3–0.4 s. */
export function referenceEventSet(count: number, opts: TestSetOptions = {}): EventSetCase[] {
  const r = createPrng((opts.seed ?? 1) + 104729);
  const declaredV = opts.declaredV ?? 230;
  return Array.from({ length: count }, (_, k) => {
    const nominal = r.uniform() < 0.5 ? 50 : 60;
    const f = nominal + between(r, -0.5, 0.5);
    const u = r.uniform();
    const kind = u < 0.6 ? "dip" : u < 0.85 ? "swell" : "interruption";
    const residualPct = kind === "dip" ? between(r, 10, 85) : kind === "swell" ? between(r, 115, 150) : between(r, 0, 4);
    const durationS = Math.round(between(r, 1, 30)) / f;
    const startS = between(r, 0.3, 0.4);
    const spec: ConditionSpec = {
      frequencyHz: f,
      v: { rms: declaredV, noiseRms: opts.vNoiseRms },
      i: { rms: (opts.rangeA ?? 30) * 0.3, noiseRms: opts.iNoiseRms },
      displacementRad: 0.3,
      events: [{ kind, startS, durationS, residualPct, pointOnWaveDeg: between(r, 0, 360), currentFollows: true }],
      seed: (opts.seed ?? 1) * 100_003 + k,
    };
    return { spec, durationS: startS + durationS + 0.3 + 1 / f, declaredV };
  });
}
