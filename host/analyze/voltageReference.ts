// The reference voltage analyze judges dips, swells and interruptions against, chosen
// so that the record's own disturbance cannot fool it (issue 13 item 5):
//  1. --nominal-v (the user's declared voltage);
//  2. the channel's metadata: a VT rating in the .cfg (recordInput.ts ratedPhaseVolts);
//  3. a sliding reference (IEC 61000-4-30 5.4.4: Usr(n) = 0.9967 Usr(n-1) + 0.0033 U(n)
//     over the 10/12-cycle rms values, a one-minute time constant), started from the
//     record's first steady stretch: STEADY_WINDOWS consecutive complete windows whose
//     rms values lie within STEADY_RMS of their mean, none of whose Urms(1/2) values
//     leaves +-STEADY_URMS of it (no dip or swell inside), on a channel that carries
//     voltage (mean >= 1 % of its full scale). A meter starts its sliding reference at
//     the declared voltage; offline, without one, the first steady stretch is the only
//     level the record vouches for.
// Two steady stretches at levels more than 10 % apart (a record that starts inside a
// sustained dip or swell) leave the reference in doubt: no event either.
// Otherwise there is no reference and no event: the first windows of a fault record
// hold the fault or the dead line (a median of three such windows gave "swell 443 %"),
// and a record shorter than a window has nothing (230 V by default gave "swell 151.85 %"
// on a 349 V record).
// The chain judges events against one value (mtVoltageEvents: Udin fixed per run): the
// sliding reference's start. How far the reference slid by the end of the record is
// said in the note; over a fault record it moves by well under 1 %.
import type { KernelWindow } from "../../modules/metering/kernelWindow.ts";
import type { MeterCalibration } from "../../modules/metering/calibration.ts";

export const STEADY_WINDOWS = 3;
export const STEADY_RMS = 0.01;
export const STEADY_URMS = 0.1;
/** IEC 61000-4-30 5.4.4: weight of the newest 10/12-cycle value. */
export const SLIDING_WEIGHT = 0.0033;

export interface WindowLevel {
  /** Window start, s from the record start. */
  startS: number;
  endS: number;
  rmsV: number;
  /** Its Urms(1/2) values, V. */
  urmsV: number[];
  /** Index of the run it belongs to (a stretch never spans two). */
  run: number;
}

/** Urms(1/2) values of a kernel window in volts (as mtReading.c mt_urms_half_v). */
export function urmsVolts(w: KernelWindow, cal: MeterCalibration): number[] {
  const g = Math.abs(cal.v.unitPerLsb);
  return Array.from(w.urmsHalfLsb, (u) => g * Math.sqrt(Math.max(0, u * u - cal.v.noiseLsb2)));
}

export interface SlidingReference {
  startV: number;
  endV: number;
  /** Largest distance of the sliding value from startV, % of startV. */
  slidPct: number;
  fromS: number;
  toS: number;
  /**
   * A later steady stretch whose level differs from startV by more than STEADY_URMS: the
   * record holds two steady levels (it may start inside a sustained dip or swell), so
   * neither can be trusted as the reference.
   */
  conflict?: { atS: number; levelV: number };
}

/** The mean of a steady stretch of STEADY_WINDOWS windows, or null. */
function steadyMean(s: WindowLevel[], minV: number): number | null {
  if (s.length < STEADY_WINDOWS || s.some((w) => w.run !== s[0]!.run)) return null;
  const mean = s.reduce((a, w) => a + w.rmsV, 0) / s.length;
  if (!(mean > 0) || mean < minV) return null;
  if (s.some((w) => Math.abs(w.rmsV - mean) > STEADY_RMS * mean)) return null;
  if (s.some((w) => w.urmsV.some((u) => Math.abs(u - mean) > STEADY_URMS * mean))) return null;
  return mean;
}

/**
 * The sliding reference computed as the windows come (a record of any length in
 * constant memory: the last STEADY_WINDOWS levels): the first steady stretch starts it,
 * every later window slides it, and the first later steady stretch at a level more than
 * STEADY_URMS away is the conflict. Gives what slidingReference gives over the same list.
 */
export class SlidingTracker {
  private last: WindowLevel[] = [];
  private ref: SlidingReference | null = null;
  private usr = 0;
  private slid = 0;
  constructor(private readonly minV: number) {}

  add(w: WindowLevel): void {
    this.last.push(w);
    if (this.last.length > STEADY_WINDOWS) this.last.shift();
    const ref = this.ref;
    if (ref) {
      this.usr = (1 - SLIDING_WEIGHT) * this.usr + SLIDING_WEIGHT * w.rmsV;
      this.slid = Math.max(this.slid, Math.abs(this.usr - ref.startV) / ref.startV);
      if (!ref.conflict) {
        const other = steadyMean(this.last, this.minV);
        if (other !== null && Math.abs(other - ref.startV) > STEADY_URMS * ref.startV) ref.conflict = { atS: this.last[0]!.startS, levelV: other };
      }
      return;
    }
    const mean = steadyMean(this.last, this.minV);
    if (mean === null) return;
    this.ref = { startV: mean, endV: mean, slidPct: 0, fromS: this.last[0]!.startS, toS: w.endS };
    this.usr = mean;
  }

  result(): SlidingReference | null {
    if (!this.ref) return null;
    return { ...this.ref, endV: this.usr, slidPct: 100 * this.slid };
  }
}

/**
 * The sliding reference over the windows, or null when no steady stretch exists.
 * minV: the level below which the channel carries no voltage (1 % of full scale, 0: any
 * level above zero).
 */
export function slidingReference(windows: WindowLevel[], minV: number): SlidingReference | null {
  const t = new SlidingTracker(minV);
  for (const w of windows) t.add(w);
  return t.result();
}
