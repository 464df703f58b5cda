/** Network: the CAN link's address, controller state, last poll, error counters, rejected frames by cause, freshness epoch. */
import type { Screen } from "../screen";
import type { MeterUi } from "../meterUi";
import { WHITE, GREY, GREEN, AMBER, RED, BLACK } from "../displayPort";
import { HEADER_H } from "../layout";
import { hhmmss, padR } from "../format";

export function network(): Screen {
  return {
    title: "Network",
    draw: function (u: MeterUi) {
      // made here and let go, not held while the screen shows
      const LABELS = ["Address", "State", "Last poll", "TEC / REC", "Epoch"];
      for (let i = 0; i < LABELS.length; i++) u.d.text(4, HEADER_H + 10 + i * 24, LABELS[i], 1, GREY, BLACK);
      u.d.text(4, HEADER_H + 10 + 5 * 24, "Rejected frames", 1, GREY, BLACK);
    },
    update: function (u: MeterUi) {
      const n = u.v.network;
      const st = n ? n.state : "no CAN link";
      const vals = n ? ["" + n.address, st, n.lastPollUtcS > 0 ? hhmmss(n.lastPollUtcS) + " UTC" : "none yet", n.tec + " / " + n.rec, "" + n.epoch] : ["-", st, "-", "-", "-"];
      for (let i = 0; i < vals.length; i++) {
        u.put(10 + i, 100, HEADER_H + 6 + i * 24, padR(vals[i], 18), 2, i !== 1 ? WHITE : st === "error-active" ? GREEN : st === "bus-off" ? RED : AMBER, BLACK);
      }
      // causes with a count, two per line
      let s = "", k = 0;
      if (n) for (const cause in n.rejects) if (n.rejects[cause] > 0) s += padR(cause + " " + n.rejects[cause], 26) + (k++ & 1 ? "\n" : "");
      const lines = (s || "none").split("\n");
      for (let i = 0; i < 3; i++) u.put(20 + i, 4, HEADER_H + 22 + 5 * 24 + i * 10, padR(lines[i] || "", 52), 1, WHITE, BLACK);
    },
    press: function () {},
  };
}
