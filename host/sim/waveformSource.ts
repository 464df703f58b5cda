/**
 * What each simulated meter's ADC sees: blocks of interleaved codes (one window, 10
 * cycles at exactly 50 Hz = 2560 pairs at 12.8 kHz, at the start rate), chosen by the
 * appliance's state at that instant, with occasional voltage dips.
 *
 * Synthesising every sample (host/waveform: harmonics, transducer, ADC noise) costs
 * far more than the kernel does, so each distinct block is synthesised once and
 * cached by the appliance state (or a dip variant, or "open" when the relay is open),
 * the sampling rate and the block's phase in the 10-cycle period. All orders are
 * integers, so a block continues every waveform in phase; at 12.8 kHz every block
 * holds whole cycles and starts at phase 0: one block per state. After the meter
 * retunes (MeterADC.setSampleRate) blocks are made at the new rate; at a rate whose
 * block is not whole cycles the phase moves on each block and blocks are rarely
 * reused (the meter asks for 256 x the measured frequency: 12.8 kHz here). A state
 * change switches the current at a block boundary: at 12.8 kHz a rising voltage zero
 * crossing, as a zero-crossing relay or thermostat would.
 */
import { meterInput } from "../waveform/meterInput.ts";
import type { ConditionSpec } from "../waveform/condition.ts";
import { hash01, type Appliance, type ApplianceState } from "./appliances.ts";

/** The period of every state's waveform (10 cycles), and the simulator's MeterADC block at the start rate. */
export const WINDOW_S = 0.2;
/** Cached blocks at most: beyond, the cache starts over (only a rate off 12.8 kHz gets there). */
const CACHE_MAX = 2048;
const NOMINAL_V = 230;
const SUPPLY: ConditionSpec["v"] = { rms: NOMINAL_V, components: [{ order: 3, ratio: 0.008 }, { order: 5, ratio: 0.015, phaseRad: 0.3 }, { order: 7, ratio: 0.006 }] };
/** Dip variants: residual voltage %, duration in cycles (inside one window). */
const DIPS = [[40, 3], [70, 5], [85, 2]];
const DIP_SLOT_S = 600;

export interface DipPlan {
  /** Probability of one dip in each 10-minute slot. */
  perSlot: number;
  seed: number;
}

export interface Feed {
  key: string;
  codes: Uint16Array;
  dip: boolean;
}

const cache = new Map<string, Uint16Array>();
let synthesisMs = 0;

/** One MeterADC block: `pairs` pairs at sampleRateHz from startS, seconds since the ADC started. */
export interface Block {
  sampleRateHz: number;
  startS: number;
  pairs: number;
}

/** Blocks cached now, and the time synthesis took so far. */
export function cacheStats(): { blocks: number; synthesisMs: number } {
  return { blocks: cache.size, synthesisMs };
}

function conditionOf(s: ApplianceState, dip: number[] | null, phaseS: number): ConditionSpec {
  return {
    frequencyHz: 50,
    v: SUPPLY,
    i: { rms: s.iRmsA, components: s.components },
    displacementRad: s.displacementRad,
    seed: 1,
    events: dip ? [{ kind: "dip", startS: phaseS + 0.05, durationS: dip[1] / 50, residualPct: dip[0], currentFollows: true }] : undefined,
  };
}

function block(key: string, s: ApplianceState, dip: number[] | null, b: Block): Uint16Array {
  // Phase in the period, ns: 0 at 12.8 kHz (float noise of startS rounds away).
  const periodNs = WINDOW_S * 1e9;
  const phaseNs = ((Math.round(b.startS * 1e9) % periodNs) + periodNs) % periodNs;
  const k = `${key}@${b.sampleRateHz}+${phaseNs}/${b.pairs}`;
  let w = cache.get(k);
  if (!w) {
    const t0 = performance.now();
    const phaseS = phaseNs / 1e9;
    w = meterInput(conditionOf(s, dip, phaseS), { sampleRateHz: b.sampleRateHz, durationS: b.pairs / b.sampleRateHz, startS: phaseS }).codes;
    synthesisMs += performance.now() - t0;
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(k, w);
  }
  return w;
}

const OPEN: ApplianceState = { key: "open", iRmsA: 0, displacementRad: 0, components: [] };

/** The dip variant of window number `n` (counted from t = 0), or null. */
export function dipAt(n: number, plan: DipPlan): number[] | null {
  const perSlot = DIP_SLOT_S / WINDOW_S;
  const slot = Math.floor(n / perSlot);
  if (hash01(slot, plan.seed) >= plan.perSlot) return null;
  if (n - slot * perSlot !== Math.floor(hash01(slot, plan.seed + 7919) * perSlot)) return null;
  return DIPS[Math.floor(hash01(slot, plan.seed + 104729) * DIPS.length)];
}

/**
 * The feed for block `b` of a meter in window `n` (counted from t = 0):
 * `startOfDayS` is the local second of day at t = 0, `relayClosed` false cuts the load.
 */
export function feedFor(appliance: Appliance, startOfDayS: number, n: number, relayClosed: boolean, plan: DipPlan, b: Block): Feed {
  const s = relayClosed ? appliance.stateAt(startOfDayS + n * WINDOW_S) : OPEN;
  const dip = dipAt(n, plan);
  const key = dip ? `${s.key}:dip${dip[0]}x${dip[1]}` : s.key;
  return { key, codes: block(key, s, dip, b), dip: dip !== null };
}
