// Samples a test condition: the true analog voltage (V) and current (A) at a given rate, optionally
// seen through a linear transfer function per channel (the transducer), plus seeded noise.
import { validateCondition, type ChannelSpec, type ConditionSpec } from "./condition.ts";
import { createPhaseTrack, type PhaseTrack } from "./phase.ts";
import { envelopeAt, resolveEvents, type ResolvedEvent } from "./events.ts";
import { createPrng } from "./prng.ts";

/** Complex frequency response H(f); gain and phase applied per spectral component. */
export type TransferFn = (fHz: number) => { re: number; im: number };

export interface SynthesisOptions {
  sampleRateHz: number;
  durationS: number;
  /** Time of the first sample (s); default 0. Long runs can be made in chunks: the phase,
   *  events and noise depend only on absolute time, so chunks join seamlessly. */
  startS?: number;
  /** Add the spec's Gaussian noise (default true). */
  noise?: boolean;
  /** Per-channel linear response applied exactly to every sinusoidal component at its
   *  instantaneous frequency (quasi-static for ramps). Event edges are not smeared by it:
   *  with a 10 kHz transducer the settling (tens of µs) is far below the half-cycle resolution
   *  of dip detection. Noise is scaled by |H(0)|. */
  transfer?: { v?: TransferFn; i?: TransferFn };
}

export interface Waveform {
  sampleRateHz: number;
  tS: Float64Array;
  vV: Float64Array;
  iA: Float64Array;
  events: ResolvedEvent[];
}

interface Component {
  order: number;
  ampPeak: number;
  phaseRad: number;
}

/** The channel's components as peak sinusoids: order, amplitude, phase at cycles = 0. */
export function channelComponents(ch: ChannelSpec, alphaRad: number): Component[] {
  const a = Math.SQRT2 * ch.rms;
  const out: Component[] = [{ order: 1, ampPeak: a, phaseRad: alphaRad }];
  for (const h of ch.components ?? []) {
    out.push({ order: h.order, ampPeak: a * h.ratio, phaseRad: h.order * alphaRad + (h.phaseRad ?? 0) });
  }
  return out;
}

export function channelPhases(spec: ConditionSpec): { vAlphaRad: number; iAlphaRad: number } {
  const vAlphaRad = spec.vPhaseRad ?? 0;
  return { vAlphaRad, iAlphaRad: vAlphaRad - (spec.displacementRad ?? 0) };
}

function renderChannel(
  out: Float64Array,
  ch: ChannelSpec,
  alphaRad: number,
  t: Float64Array,
  track: PhaseTrack,
  constantHz: number | undefined,
  transfer: TransferFn | undefined,
  envelope: (k: number) => number,
): void {
  const comps = channelComponents(ch, alphaRad);
  const fixed = constantHz !== undefined && transfer ? comps.map((c) => transfer(c.order * constantHz)) : undefined;
  const h0 = transfer ? transfer(0) : { re: 1, im: 0 };
  const dc = (ch.dc ?? 0) * h0.re;
  for (let k = 0; k < t.length; k++) {
    const cyc = track.cyclesAt(t[k]!);
    const f = fixed ? 0 : track.frequencyAt(t[k]!);
    let x = 0;
    for (let m = 0; m < comps.length; m++) {
      const c = comps[m]!;
      const ang = 2 * Math.PI * c.order * cyc + c.phaseRad;
      if (!transfer) x += c.ampPeak * Math.sin(ang);
      else {
        const h = fixed ? fixed[m]! : transfer(c.order * f);
        x += c.ampPeak * (h.re * Math.sin(ang) + h.im * Math.cos(ang));
      }
    }
    out[k] = envelope(k) * x + dc;
  }
}

export function synthesize(spec: ConditionSpec, opts: SynthesisOptions): Waveform {
  validateCondition(spec);
  if (!(opts.sampleRateHz > 0)) throw new Error(`synthesize: sampleRateHz must be positive, got ${opts.sampleRateHz}`);
  if (!(opts.durationS > 0)) throw new Error(`synthesize: durationS must be positive, got ${opts.durationS}`);
  const n = Math.round(opts.durationS * opts.sampleRateHz);
  const t0 = opts.startS ?? 0;
  const tS = new Float64Array(n);
  for (let k = 0; k < n; k++) tS[k] = t0 + k / opts.sampleRateHz;
  const track = createPhaseTrack(spec.frequencyHz);
  const events = resolveEvents(spec, track);
  const env = new Float64Array(n);
  const envI = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const e = envelopeAt(events, tS[k]!);
    env[k] = e.v;
    envI[k] = e.i;
  }
  const constantHz = typeof spec.frequencyHz === "number" ? spec.frequencyHz : undefined;
  const { vAlphaRad, iAlphaRad } = channelPhases(spec);
  const vV = new Float64Array(n);
  const iA = new Float64Array(n);
  renderChannel(vV, spec.v, vAlphaRad, tS, track, constantHz, opts.transfer?.v, (k) => env[k]!);
  renderChannel(iA, spec.i, iAlphaRad, tS, track, constantHz, opts.transfer?.i, (k) => envI[k]!);
  if (opts.noise ?? true) {
    // The stream depends on the first sample's index too, so a long run synthesised in chunks
    // (startS = k * chunk) gets fresh noise in every chunk, and the same noise on every replay.
    const seed = spec.seed ?? 1;
    const first = Math.round(t0 * opts.sampleRateHz);
    addNoise(vV, spec.v.noiseRms ?? 0, Math.imul(seed, 0x9e3779b1) ^ Math.imul(2 * first + 0, 0x85ebca6b), opts.transfer?.v);
    addNoise(iA, spec.i.noiseRms ?? 0, Math.imul(seed, 0x9e3779b1) ^ Math.imul(2 * first + 1, 0x85ebca6b), opts.transfer?.i);
  }
  return { sampleRateHz: opts.sampleRateHz, tS, vV, iA, events };
}

function addNoise(x: Float64Array, rms: number, seed: number, transfer: TransferFn | undefined): void {
  if (rms === 0) return;
  const g = transfer ? Math.hypot(transfer(0).re, transfer(0).im) : 1;
  const rng = createPrng(seed);
  for (let k = 0; k < x.length; k++) x[k] = x[k]! + g * rms * rng.gaussian();
}
