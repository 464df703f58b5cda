/**
 * Three-point touch calibration: the affine map from the touch controller's raw
 * coordinates to screen pixels, x = a*rx + b*ry + c, y = d*rx + e*ry + f, solved exactly
 * from three touched targets (Cramer's rule). An affine map absorbs the panel's offset,
 * scale, rotation and shear, which is what a resistive overlay mounted on a TFT has.
 */

/** [a, b, c, d, e, f], as stored in the meter's configuration (`ui.cal`). */
export type TouchCal = number[];

/** Before any calibration: the STMPE811's 12-bit range over the 320x240 screen, axes as on the STM3210C-EVAL. */
export const DEFAULT_CAL: TouchCal = [320 / 4096, 0, 0, 0, 240 / 4096, 0];

/** Screen targets of the three calibration points: far apart and not on a line. */
export const CAL_POINTS = [32, 24, 288, 120, 160, 216];

/**
 * The map that takes raw[i] to screen[i] (each [x0, y0, x1, y1, x2, y2]).
 * Throws when the raw points are (nearly) on a line: the touches were not at three targets.
 */
export function solveCal(raw: number[], screen: number[]): TouchCal {
  const x0 = raw[0], y0 = raw[1], x1 = raw[2], y1 = raw[3], x2 = raw[4], y2 = raw[5];
  const det = (x0 - x2) * (y1 - y2) - (x1 - x2) * (y0 - y2);
  // area of the raw triangle, in raw units squared: under 1 % of a 4096-wide panel's square is not three targets
  if (!(Math.abs(det) > 167772)) throw new Error("calibration: the three touches are too close or on a line; touch each cross again");
  const out: number[] = [];
  for (let k = 0; k < 2; k++) {
    const s0 = screen[k], s1 = screen[2 + k], s2 = screen[4 + k];
    out.push(
      ((s0 - s2) * (y1 - y2) - (s1 - s2) * (y0 - y2)) / det,
      ((x0 - x2) * (s1 - s2) - (x1 - x2) * (s0 - s2)) / det,
      (s0 * (x1 * y2 - x2 * y1) - s1 * (x0 * y2 - x2 * y0) + s2 * (x0 * y1 - x1 * y0)) / det,
    );
  }
  return out;
}

/** Screen pixel of a raw touch, [x, y], rounded. */
export function applyCal(cal: TouchCal, rx: number, ry: number): number[] {
  return [Math.round(cal[0] * rx + cal[1] * ry + cal[2]), Math.round(cal[3] * rx + cal[4] * ry + cal[5])];
}

/** A stored calibration is six finite numbers; anything else is refused (the default is used). */
export function validCal(c: unknown): boolean {
  if (!Array.isArray(c) || c.length !== 6) return false;
  for (let i = 0; i < 6; i++) if (typeof c[i] !== "number" || !isFinite(c[i])) return false;
  return true;
}
