/**
 * Scripted touch for tests and the simulator: a tap at a screen pixel, turned into the raw
 * controller coordinates an uncalibrated STMPE811 would report (the inverse of the UI's
 * calibration), then press and release as the driver delivers them.
 */
import type { MeterUi } from "../../modules/ui/meterUi.ts";
import type { TouchCal } from "../../modules/ui/calibration.ts";

/** Raw coordinates that `cal` maps to screen x, y (cal must be invertible). */
export function rawOf(cal: TouchCal, x: number, y: number): number[] {
  const a = cal[0], b = cal[1], c = cal[2], d = cal[3], e = cal[4], f = cal[5];
  const det = a * e - b * d;
  const X = x - c, Y = y - f;
  return [(e * X - b * Y) / det, (a * Y - d * X) / det];
}

export class ScriptedTouch {
  nowMs = 0;
  constructor(readonly ui: MeterUi) {}

  /** Press at screen x, y, hold for `holdMs` (a few samples), release. */
  tap(x: number, y: number, holdMs = 80): void {
    const r = rawOf(this.ui.s.cal, x, y);
    for (let t = 0; t < holdMs; t += 20) this.ui.touch(r[0], r[1], this.nowMs + t);
    this.nowMs += holdMs;
    this.ui.release();
  }

  /** A tap at the centre of a target [x, y, w, h]. */
  tapRect(r: number[]): void {
    this.tap(r[0] + (r[2] >> 1), r[1] + (r[3] >> 1));
  }
}
