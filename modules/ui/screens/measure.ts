/** Measure: the latest reading's ten values, each redrawn only when its text changes (once a second). */
import type { Screen } from "../screen";
import type { MeterUi } from "../meterUi";
import { WHITE, GREY, GREEN, AMBER, BLACK } from "../displayPort";
import { HEADER_H } from "../layout";
import { num, hhmmss } from "../format";

const ROW_H = 38;

function cell(i: number): number[] {
  return [(i & 1) * 162 + 4, HEADER_H + 4 + (i >> 1) * ROW_H];
}

export function measure(): Screen {
  return {
    title: "Measure",
    draw: function (u: MeterUi) {
      const LABELS = ["Voltage", "Current", "Active power", "Reactive power", "Apparent power", "Power factor", "Frequency", "THD voltage", "THD current", "Window (UTC)"];
      for (let i = 0; i < 10; i++) {
        const c = cell(i);
        u.d.text(c[0], c[1], LABELS[i], 1, GREY, BLACK);
      }
    },
    update: function (u: MeterUi) {
      // Per value, in fixed-width columns: the reading's property (7 characters), its decimals,
      // its unit (3, padded as drawn). Literals here are made per update and let go; held by
      // the screen as a table they cost 46 JsVars for as long as it shows (bench/ui/realMeterWithUi.ts).
      const KEYS = "vRmsV  iRmsA  pW     qVar   sVA    pf     fHz    thdVPctthdIPct", DP = "231113322", UNITS = "V  A  W  varVA    Hz %  %  ";
      const r = u.v.reading as unknown as { [k: string]: number } | null;
      for (let i = 0; i < 9; i++) {
        const c = cell(i);
        u.put(10 + i, c[0], c[1] + 12, num(r ? r[KEYS.substring(7 * i, 7 * i + 7).trim()] : null, DP.charCodeAt(i) - 48, 8) + " " + UNITS.substring(3 * i, 3 * i + 3), 2, WHITE, BLACK);
      }
      const c = cell(9), rd = u.v.reading;
      u.put(20, c[0], c[1] + 12, rd ? hhmmss(u.v.utcS) + (rd.flagged ? " F" : "  ") : "--:--:--  ", 2, rd && rd.flagged ? AMBER : GREEN, BLACK);
    },
    press: function () {},
  };
}
