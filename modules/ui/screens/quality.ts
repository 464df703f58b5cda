/**
 * Power quality: harmonic groups 2..50 of voltage and current from the last 10-minute
 * aggregate, as bars in % of the fundamental, with THD and the aggregate's flag.
 * Redrawn when a new aggregate arrives.
 */
import type { Screen } from "../screen";
import { changed } from "../graphKey";
import type { MeterUi } from "../meterUi";
import { WHITE, GREY, GREEN, AMBER, BLACK, CYAN } from "../displayPort";
import { HEADER_H } from "../layout";
import { hhmm, num } from "../format";
import { niceCeil } from "./profile";

/** Bars: groups 2..50, 5 px apart (4 px bar), from x 36. */
const X0 = 36, BAR = 5, CH = 62;

function chart(u: MeterUi, top: number, label: string, h: Float32Array, thd: number): void {
  const d = u.d;
  let max = 0;
  for (let g = 2; g <= 50; g++) if (h[g] > max) max = h[g];
  const fund = h[1] > 0 ? h[1] : 1, full = niceCeil((100 * max) / fund);
  d.text(0, top, label + " THD" + num(thd, 2, 6) + " %", 1, CYAN, BLACK);
  d.text(0, top + 12, (full < 10 ? " " : "") + full + "%", 1, WHITE, BLACK);
  d.text(18, top + 10 + CH - 8, "0", 1, WHITE, BLACK);
  d.line(X0 - 2, top + 10, X0 - 2, top + 10 + CH, GREY);
  d.line(X0 - 2, top + 10 + CH, X0 + 49 * BAR, top + 10 + CH, GREY);
  for (let g = 2; g <= 50; g++) {
    const bh = Math.round(((100 * h[g]) / fund / full) * CH);
    if (bh > 0) d.rect(X0 + (g - 2) * BAR, top + 10 + CH - (bh > CH ? CH : bh), BAR - 1, bh > CH ? CH : bh, g & 1 ? GREEN : CYAN);
  }
  // order numbers under every tenth group
  for (let g = 10; g <= 50; g += 10) d.text(X0 + (g - 2) * BAR - 3, top + 12 + CH, "" + g, 1, GREY, BLACK);
}

export function quality(): Screen {
  return {
    title: "Quality",
    draw: function () {},
    update: function (u: MeterUi) {
      const a = u.v.aggregate;
      if (!changed(u, 30, a ? "" + a.startS : "-")) return;
      const d = u.d;
      d.rect(0, HEADER_H, 320, 240 - HEADER_H, BLACK);
      if (!a) {
        d.text(20, 120, "no 10-min aggregate yet", 2, GREY, BLACK);
        return;
      }
      d.text(0, HEADER_H + 4, "10-min from " + hhmm(a.startS) + " UTC", 1, WHITE, BLACK);
      d.text(200, HEADER_H + 4, a.flagged ? "FLAGGED" : "not flagged", 1, a.flagged ? AMBER : GREEN, BLACK);
      chart(u, HEADER_H + 16, "Voltage", a.hV, a.thdVPct);
      chart(u, HEADER_H + 100, "Current", a.hI, a.thdIPct);
    },
    press: function () {},
  };
}
