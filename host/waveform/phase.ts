// The fundamental's phase as a function of time, exact for piecewise-linear frequency profiles:
// cycles(t) = integral of f from 0 to t, so a ramp gives a quadratic phase (a true chirp, not a
// sequence of frequency steps with phase jumps).
import type { FrequencyPoint } from "./condition.ts";

export interface PhaseTrack {
  /** Instantaneous fundamental frequency (Hz). */
  frequencyAt(tS: number): number;
  /** Fundamental cycles elapsed since t = 0 (negative before 0). */
  cyclesAt(tS: number): number;
  /** Inverse of cyclesAt (the profile is positive, so cyclesAt is strictly increasing). */
  timeAtCycles(cycles: number): number;
}

export function createPhaseTrack(frequencyHz: number | FrequencyPoint[]): PhaseTrack {
  const pts: FrequencyPoint[] = typeof frequencyHz === "number" ? [{ tS: 0, hz: frequencyHz }] : frequencyHz;
  // Cycles at each breakpoint, counted from the first breakpoint.
  const cyc = new Float64Array(pts.length);
  for (let k = 1; k < pts.length; k++) {
    const dt = pts[k]!.tS - pts[k - 1]!.tS;
    cyc[k] = cyc[k - 1]! + 0.5 * (pts[k]!.hz + pts[k - 1]!.hz) * dt;
  }
  function rawCycles(t: number): number {
    const first = pts[0]!;
    if (t <= first.tS) return (t - first.tS) * first.hz;
    for (let k = 0; k < pts.length - 1; k++) {
      const a = pts[k]!, b = pts[k + 1]!;
      if (t <= b.tS) {
        const u = t - a.tS;
        const slope = (b.hz - a.hz) / (b.tS - a.tS);
        return cyc[k]! + a.hz * u + 0.5 * slope * u * u;
      }
    }
    const last = pts[pts.length - 1]!;
    return cyc[pts.length - 1]! + (t - last.tS) * last.hz;
  }
  const c0 = rawCycles(0);
  function frequencyAt(t: number): number {
    if (t <= pts[0]!.tS) return pts[0]!.hz;
    for (let k = 0; k < pts.length - 1; k++) {
      const a = pts[k]!, b = pts[k + 1]!;
      if (t <= b.tS) return a.hz + ((b.hz - a.hz) * (t - a.tS)) / (b.tS - a.tS);
    }
    return pts[pts.length - 1]!.hz;
  }
  function cyclesAt(t: number): number {
    return rawCycles(t) - c0;
  }
  function timeAtCycles(c: number): number {
    // Bracket then bisect: robust for any positive profile; 80 halvings reach double precision.
    const fMax = Math.max(...pts.map((p) => p.hz));
    const fMin = Math.min(...pts.map((p) => p.hz));
    let lo = c >= 0 ? c / fMax - 1e-9 : c / fMin - 1e-9;
    let hi = c >= 0 ? c / fMin + 1e-9 : c / fMax + 1e-9;
    while (cyclesAt(lo) > c) lo -= 1;
    while (cyclesAt(hi) < c) hi += 1;
    for (let k = 0; k < 80; k++) {
      const mid = 0.5 * (lo + hi);
      if (cyclesAt(mid) < c) lo = mid;
      else hi = mid;
    }
    return 0.5 * (lo + hi);
  }
  return { frequencyAt, cyclesAt, timeAtCycles };
}
