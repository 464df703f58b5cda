/**
 * Settings: backlight level and timeout, and the touch calibration. Nothing here changes
 * billing or the meter's address. Each change is stored at once (the configuration's `ui`).
 */
import type { Screen } from "../screen";
import type { MeterUi } from "../meterUi";
import { WHITE, GREY, BLACK } from "../displayPort";
import { LIGHT_MINUS, LIGHT_PLUS, TIME_MINUS, TIME_PLUS, CALIBRATE, inside } from "../layout";
import { button } from "../button";
import { pad } from "../format";

/** Backlight timeouts offered, s (0: never). */
export const TIMEOUTS_S = [15, 30, 60, 120, 300, 0];

export function settings(): Screen {
  return {
    title: "Settings",
    draw: function (u: MeterUi) {
      u.d.text(8, 70, "Backlight", 2, GREY, BLACK);
      u.d.text(8, 126, "Timeout", 2, GREY, BLACK);
      // opened by the calibration screen once it stored a new map (MeterUi.show: `at` is still the screen opened from)
      if (u.at === 8) u.d.text(40, 240 - 10, "touch calibrated", 1, GREY, BLACK);
      button(u.d, LIGHT_MINUS, "-", WHITE);
      button(u.d, LIGHT_PLUS, "+", WHITE);
      button(u.d, TIME_MINUS, "-", WHITE);
      button(u.d, TIME_PLUS, "+", WHITE);
      button(u.d, CALIBRATE, "Calibrate touch", WHITE);
    },
    update: function (u: MeterUi) {
      u.put(10, 208, 70, pad(u.s.lightPct + "%", 4), 2, WHITE, BLACK);
      u.put(11, 208, 126, u.s.timeoutS ? pad(u.s.timeoutS < 60 ? u.s.timeoutS + "s" : u.s.timeoutS / 60 + "m", 4) : "off ", 2, WHITE, BLACK);
    },
    press: function (u: MeterUi, x: number, y: number) {
      const s = u.s;
      let i = TIMEOUTS_S.indexOf(s.timeoutS);
      if (inside(CALIBRATE, x, y)) return 8;
      if (inside(LIGHT_MINUS, x, y) && s.lightPct > 10) s.lightPct -= 10;
      else if (inside(LIGHT_PLUS, x, y) && s.lightPct < 100) s.lightPct += 10;
      else if (inside(TIME_MINUS, x, y) && i > 0) s.timeoutS = TIMEOUTS_S[i - 1];
      else if (inside(TIME_PLUS, x, y) && i < TIMEOUTS_S.length - 1) s.timeoutS = TIMEOUTS_S[i < 0 ? 2 : i + 1];
      else return undefined;
      u.d.light(s.lightPct);
      u.save(u.s);
      u.update(u.v);
      return undefined;
    },
  };
}
