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
  /** Label, reading property, decimals, unit. */
  const ROWS = [
    ["Voltage", "vRmsV", 2, "V"], ["Current", "iRmsA", 3, "A"],
    ["Active power", "pW", 1, "W"], ["Reactive power", "qVar", 1, "var"],
    ["Apparent power", "sVA", 1, "VA"], ["Power factor", "pf", 3, ""],
    ["Frequency", "fHz", 3, "Hz"], ["THD voltage", "thdVPct", 2, "%"],
    ["THD current", "thdIPct", 2, "%"],
  ];
  return {
    title: "Measure",
    draw: function (u: MeterUi) {
      for (let i = 0; i < ROWS.length; i++) {
        const c = cell(i);
        u.d.text(c[0], c[1], ROWS[i][0] as string, 1, GREY, BLACK);
      }
      const c = cell(9);
      u.d.text(c[0], c[1], "Window (UTC)", 1, GREY, BLACK);
    },
    update: function (u: MeterUi) {
      const r = u.v.reading as unknown as { [k: string]: number } | null;
      for (let i = 0; i < ROWS.length; i++) {
        const c = cell(i), row = ROWS[i];
        u.put(10 + i, c[0], c[1] + 12, num(r ? r[row[1] as string] : null, row[2] as number, 8) + " " + padR(row[3] as string, 3), 2, WHITE, BLACK);
      }
      const c = cell(9), rd = u.v.reading;
      u.put(20, c[0], c[1] + 12, rd ? hhmmss(u.v.utcS) + (rd.flagged ? " F" : "  ") : "--:--:--  ", 2, rd && rd.flagged ? AMBER : GREEN, BLACK);
    },
    press: function () {},
  };
}
