/** Events: the last dips, swells and interruptions, newest first, with start, duration and residual voltage. */
import type { Screen } from "../screen";
import { changed } from "../graphKey";
import type { MeterUi } from "../meterUi";
import { WHITE, GREY, AMBER, RED, BLACK } from "../displayPort";
import { HEADER_H } from "../layout";
import { hhmmss, num, padR } from "../format";

/** Rows that fit below the header. */
export const EVENT_ROWS = 5;

export function events(): Screen {
  return {
    title: "Events",
    draw: function () {},
    update: function (u: MeterUi) {
      const list = u.v.events, n = list.length;
      u.seenEvents = n;
      if (!changed(u, 30, n + "/" + (n ? list[n - 1].startUtcS : 0))) return;
      u.d.rect(0, HEADER_H, 320, 240 - HEADER_H, BLACK);
      if (n === 0) u.d.text(40, 120, "no events", 2, GREY, BLACK);
      for (let k = 0; k < EVENT_ROWS && k < n; k++) {
        const e = list[n - 1 - k], y = HEADER_H + 4 + k * 38;
        u.d.text(4, y, padR(e.kind, 13) + hhmmss(e.startUtcS), 2, e.kind === "interruption" ? RED : AMBER, BLACK);
        u.d.text(4, y + 19, "duration" + num(e.durationS, 3, 9) + " s   residual" + num(e.residualPct, 1, 6) + " %", 1, WHITE, BLACK);
      }
    },
    press: function () {},
  };
}
