/**
 * What each simulated meter's ADC sees: one window (10 cycles at exactly 50 Hz =
 * 2560 pairs at 12.8 kHz) of interleaved codes per feed, chosen by the appliance's
 * state at that instant, with occasional voltage dips.
 *
 * Synthesising every sample (host/waveform: harmonics, transducer, ADC noise) costs
 * far more than the kernel does, so each distinct window is synthesised once and
 * cached by its key: the appliance state, a dip variant, or "open" when the relay is
 * open. All orders are integers and the window holds whole cycles, so repeating a
 * window continues every waveform in phase; a state change switches the current at a
 * rising voltage zero crossing, as a zero-crossing relay or thermostat would.
 */
import { meterInput } from "../waveform/meterInput.ts";
import type { ConditionSpec } from "../waveform/condition.ts";
import { hash01, type Appliance, type ApplianceState } from "./appliances.ts";

export const SAMPLE_RATE_HZ = 12800;
export const WINDOW_S = 0.2;
export const WINDOW_PAIRS = SAMPLE_RATE_HZ * WINDOW_S;
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

/** Windows synthesised so far, and the time it took (for the status and the bench). */
export function cacheStats(): { windows: number; synthesisMs: number } {
  return { windows: cache.size, synthesisMs };
}

function conditionOf(s: ApplianceState, dip: number[] | null): ConditionSpec {
  return {
    frequencyHz: 50,
    v: SUPPLY,
    i: { rms: s.iRmsA, components: s.components },
    displacementRad: s.displacementRad,
    seed: 1,
    events: dip ? [{ kind: "dip", startS: 0.05, durationS: dip[1] / 50, residualPct: dip[0], currentFollows: true }] : undefined,
  };
}

function window(key: string, s: ApplianceState, dip: number[] | null): Uint16Array {
  let w = cache.get(key);
  if (!w) {
    const t0 = performance.now();
    w = meterInput(conditionOf(s, dip), { sampleRateHz: SAMPLE_RATE_HZ, durationS: WINDOW_S }).codes;
    if (w.length !== 2 * WINDOW_PAIRS) throw new Error(`waveform window has ${w.length / 2} pairs, expected ${WINDOW_PAIRS}`);
    synthesisMs += performance.now() - t0;
    cache.set(key, w);
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
 * The feed for window `n` of a meter: `startOfDayS` is the local second of day at
 * t = 0, `relayClosed` false cuts the load.
 */
export function feedFor(appliance: Appliance, startOfDayS: number, n: number, relayClosed: boolean, plan: DipPlan): Feed {
  const s = relayClosed ? appliance.stateAt(startOfDayS + n * WINDOW_S) : OPEN;
  const dip = dipAt(n, plan);
  const key = dip ? `${s.key}:dip${dip[0]}x${dip[1]}` : s.key;
  return { key, codes: window(key, s, dip), dip: dip !== null };
}
