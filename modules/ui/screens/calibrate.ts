/**
 * Touch calibration: a cross at each of three points (calibration.ts CAL_POINTS), one
 * touch each; the affine map from the three raw touches is stored and the settings
 * screen comes back. Touches that are on a line start it over with a message.
 */
import type { Screen } from "../screen";
import type { MeterUi } from "../meterUi";
import { WHITE, RED, BLACK } from "../displayPort";
import { CAL_POINTS, solveCal } from "../calibration";

function cross(u: MeterUi, k: number, color: number): void {
  const x = CAL_POINTS[2 * k], y = CAL_POINTS[2 * k + 1];
  u.d.line(x - 10, y, x + 10, y, color);
  u.d.line(x, y - 10, x, y + 10, color);
}

export function calibrate(): Screen {
  /** Raw touches so far: x, y pairs. */
  let raw: number[] = [];
  return {
    title: "Calibrate",
    draw: function (u: MeterUi) {
      raw = [];
      u.d.rect(0, 0, 320, 240, BLACK);
      u.d.text(64, 92, "Touch the cross", 2, WHITE, BLACK);
      cross(u, 0, WHITE);
    },
    update: function () {},
    /** x, y are raw controller coordinates here (MeterUi.touch). */
    press: function (u: MeterUi, x: number, y: number) {
      const k = raw.length >> 1;
      raw.push(x, y);
      cross(u, k, BLACK);
      if (k < 2) return cross(u, k + 1, WHITE);
      try {
        u.s.cal = solveCal(raw, CAL_POINTS);
      } catch (e) {
        raw = [];
        u.d.text(4, 150, "On a line: again", 2, RED, BLACK);
        return cross(u, 0, WHITE);
      }
      u.save(u.s);
      // back to settings, opened once this press has returned (Screen.press); it says "touch calibrated"
      return 7;
    },
  };
}
