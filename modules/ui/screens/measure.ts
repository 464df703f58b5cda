/** Measure: the latest reading's ten values, each redrawn only when its text changes (once a second). */
import type { Screen } from "../screen";
import type { MeterUi } from "../meterUi";
import { WHITE, GREY, GREEN, AMBER, BLACK } from "../displayPort";
import { HEADER_H } from "../layout";
import { num, padR, hhmmss } from "../format";

const ROW_H = 38;

function cell(i: number): number[] {
  return [(i & 1) * 162 + 4, HEADER_H + 4 + (i >> 1) * ROW_H];
}

export function measure(): Screen {
  /**
   * Per value: reading property, decimals, unit, in one flat array (held while the screen
   * shows: nested rows cost twice the JsVars); the labels only in draw.
   */
  const ROWS = ["vRmsV", 2, "V", "iRmsA", 3, "A", "pW", 1, "W", "qVar", 1, "var", "sVA", 1, "VA", "pf", 3, "", "fHz", 3, "Hz", "thdVPct", 2, "%", "thdIPct", 2, "%"];
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
      const r = u.v.reading as unknown as { [k: string]: number } | null;
      for (let i = 0; i < 9; i++) {
        const c = cell(i);
        u.put(10 + i, c[0], c[1] + 12, num(r ? r[ROWS[3 * i] as string] : null, ROWS[3 * i + 1] as number, 8) + " " + padR(ROWS[3 * i + 2] as string, 3), 2, WHITE, BLACK);
      }
      const c = cell(9), rd = u.v.reading;
      u.put(20, c[0], c[1] + 12, rd ? hhmmss(u.v.utcS) + (rd.flagged ? " F" : "  ") : "--:--:--  ", 2, rd && rd.flagged ? AMBER : GREEN, BLACK);
    },
    press: function () {},
  };
}
