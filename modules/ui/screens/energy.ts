/** Energy: import and export registers, today, this month (UTC) and in total. */
import type { Screen } from "../screen";
import type { MeterUi } from "../meterUi";
import { WHITE, GREY, CYAN, BLACK } from "../displayPort";
import { HEADER_H } from "../layout";
import { energy } from "../format";

function y(block: number, line: number): number {
  return HEADER_H + 8 + block * 96 + line * 22;
}

export function energyScreen(): Screen {
  return {
    title: "Energy",
    draw: function (u: MeterUi) {
      // made here and let go, not held while the screen shows
      const LINES = ["Today", "This month", "Total"];
      for (let b = 0; b < 2; b++) {
        u.d.text(8, y(b, 0), b ? "Export" : "Import", 2, CYAN, BLACK);
        for (let l = 0; l < 3; l++) u.d.text(16, y(b, l + 1) + 4, LINES[l], 1, GREY, BLACK);
      }
    },
    update: function (u: MeterUi) {
      const r = u.v.reading, ds = u.v.dayStartWh, ms = u.v.monthStartWh;
      for (let b = 0; b < 2; b++) {
        const total = r ? (b ? r.exportWh : r.importWh) : null;
        u.put(10 + b * 3, 160, y(b, 1), energy(total !== null && ds ? total - ds[b] : null), 2, WHITE, BLACK);
        u.put(11 + b * 3, 160, y(b, 2), energy(total !== null && ms ? total - ms[b] : null), 2, WHITE, BLACK);
        u.put(12 + b * 3, 160, y(b, 3), energy(total), 2, WHITE, BLACK);
      }
    },
    press: function () {},
  };
}
