/**
 * Daily load curves of the simulated meters' appliances.
 *
 * Each appliance is a deterministic function of device time (seconds since local
 * midnight of day 0) that returns the electrical state its meter sees: current rms,
 * displacement of the current behind the voltage, and a harmonic signature. States
 * are few and piecewise constant, so the waveform source can cache one window of ADC
 * codes per state key instead of synthesising every sample (see waveformSource.ts).
 */
import type { ComponentSpec } from "../waveform/condition.ts";

export interface ApplianceState {
  /** Identifies the state for caching: same key, same waveform. */
  key: string;
  iRmsA: number;
  /** Current lags voltage by this angle; PI (or near it) means the meter exports. */
  displacementRad: number;
  components: ComponentSpec[];
}

export interface Appliance {
  name: string;
  kind: ApplianceKind;
  stateAt(tS: number): ApplianceState;
  /** Deferrable appliances: start the programme at device time tS (a planned run, siteFeed.ts). */
  planRun?(tS: number): void;
}

export type ApplianceKind = "washing-machine" | "heater" | "fridge" | "pv";

const DAY_S = 86400;
const STANDBY: ComponentSpec[] = [{ order: 3, ratio: 0.6 }, { order: 5, ratio: 0.4 }, { order: 7, ratio: 0.25 }];
const MOTOR: ComponentSpec[] = [{ order: 3, ratio: 0.12 }, { order: 5, ratio: 0.06 }];
const INVERTER: ComponentSpec[] = [{ order: 5, ratio: 0.02 }, { order: 7, ratio: 0.015 }, { order: 11, ratio: 0.01 }];

/** Deterministic value in [0, 1) for integer n and a seed (a small integer hash). */
export function hash01(n: number, seed: number): number {
  let h = (n * 0x9e3779b1) ^ (seed * 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

function secondOfDay(tS: number): number {
  return ((tS % DAY_S) + DAY_S) % DAY_S;
}

/**
 * Washing machine: a programme (heat 20 min, wash, spin: 70 min) at 07:30 every day,
 * or at the starts planned for it (planRun: the aggregator's deferrable run), standby
 * otherwise. While the aggregator holds it off for a plan its relay is open anyway.
 */
function washingMachine(): Appliance {
  const startS = 7.5 * 3600;
  const planned: number[] = [];
  return {
    name: "washing machine",
    kind: "washing-machine",
    planRun(tS) {
      planned.push(tS);
    },
    stateAt(tS) {
      let s = secondOfDay(tS) - startS;
      for (const p of planned) if (tS >= p && tS - p < 4200) s = tS - p;
      if (s >= 0 && s < 1200) return { key: "wm-heat", iRmsA: 2000 / 230, displacementRad: 0.05, components: [{ order: 3, ratio: 0.02 }] };
      if (s >= 1200 && s < 3600) {
        // The drum turns 40 s and rests 20 s.
        const turning = (s - 1200) % 60 < 40;
        return turning
          ? { key: "wm-wash", iRmsA: 250 / 230 / 0.65, displacementRad: Math.acos(0.65), components: MOTOR }
          : { key: "wm-rest", iRmsA: 0.05, displacementRad: 0.3, components: STANDBY };
      }
      if (s >= 3600 && s < 4200) return { key: "wm-spin", iRmsA: 500 / 230 / 0.75, displacementRad: Math.acos(0.75), components: MOTOR };
      return { key: "wm-standby", iRmsA: 0.02, displacementRad: 0.4, components: STANDBY };
    },
  };
}

/** Electric heater: thermostat cycling, longer on-periods at night and early morning. */
function heater(seed: number): Appliance {
  return {
    name: "electric heater",
    kind: "heater",
    stateAt(tS) {
      const sod = secondOfDay(tS);
      const hour = sod / 3600;
      const duty = hour < 7 || hour > 21 ? 0.6 : hour < 9 || hour > 17 ? 0.4 : 0.15;
      const periodS = 900;
      const cycle = Math.floor(tS / periodS);
      const jitter = 0.1 * (hash01(cycle, seed) - 0.5);
      const on = (tS - cycle * periodS) / periodS < duty + jitter;
      return on
        ? { key: "heater-on", iRmsA: 2000 / 230, displacementRad: 0, components: [] }
        : { key: "heater-off", iRmsA: 0, displacementRad: 0, components: [] };
    },
  };
}

/** Fridge: compressor 15 min on, 25 min off, with a start-up surge in the first 5 s. */
function fridge(): Appliance {
  return {
    name: "fridge",
    kind: "fridge",
    stateAt(tS) {
      const s = ((tS % 2400) + 2400) % 2400;
      if (s < 5) return { key: "fridge-start", iRmsA: 4, displacementRad: Math.acos(0.5), components: MOTOR };
      if (s < 900) return { key: "fridge-run", iRmsA: 120 / 230 / 0.8, displacementRad: Math.acos(0.8), components: MOTOR };
      return { key: "fridge-idle", iRmsA: 0.03, displacementRad: 0.5, components: STANDBY };
    },
  };
}

/**
 * Rooftop PV inverter, 3 kWp: a sine-shaped sun curve from 07:00 to 17:00 with clouds
 * changing every 5 minutes. It exports, so the current is in anti-phase (displacement
 * PI): the meter's active power is negative. Output is quantised to 2 % steps so the
 * number of distinct states (and cached waveforms) stays small.
 */
function pv(seed: number): Appliance {
  return {
    name: "rooftop PV",
    kind: "pv",
    stateAt(tS) {
      const hour = secondOfDay(tS) / 3600;
      const day = Math.floor(tS / DAY_S);
      const sun = hour > 7 && hour < 17 ? Math.sin((Math.PI * (hour - 7)) / 10) : 0;
      const cloud = 0.35 + 0.65 * hash01(Math.floor(tS / 300) + day * 1000, seed);
      const fraction = Math.round(sun * cloud * 50) / 50;
      if (fraction <= 0) return { key: "pv-night", iRmsA: 0.01, displacementRad: 0.2, components: STANDBY };
      const pW = 3000 * fraction;
      return { key: "pv-" + fraction.toFixed(2), iRmsA: pW / 230, displacementRad: Math.PI, components: INVERTER };
    },
  };
}

/** The default set of a simulated household, in meter order, then more of the same kinds. */
export function applianceFor(index: number, seed: number): Appliance {
  switch (index % 4) {
    case 0: return washingMachine();
    case 1: return heater(seed + index);
    case 2: return fridge();
    default: return pv(seed + index);
  }
}
