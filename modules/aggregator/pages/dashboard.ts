/** Dashboard: renewables, co-generator, prices now and next, and every load. */
import { Ctx, Reply } from "../../http/types";
import { WebApp } from "./webApp";
import { page, esc, age, tableChunk } from "./layout";
import { localDay, localText } from "../localTime";
import { CO_STATES } from "../aggregator";
import { L_T, L_N } from "../readingsStore";
import { kWh } from "../billing";
import { eurMWh } from "./reasons";

/** Energy imported (dir 0) or exported (1) today by meter m, mWh, including the interval in progress. */
export function todaymWh(app: WebApp, m: number, nowS: number, dir: number): number {
  const s = app.agg.store;
  const d = localDay(app.agg.cfg.tz, nowS);
  return s.sum(m, d, d, new Float64Array(4))[dir] + s.open[m * 2 + dir];
}

export function stateText(app: WebApp, m: number): string {
  const a = app.agg;
  if (!a.reg.list[m].hasRelay) return "<span class=m>no relay</span>";
  return a.dec.state[m] ? "<span class=on>connected</span>" : "<span class=off>disconnected</span>";
}

export function dashboard(app: WebApp, c: Ctx): Reply {
  const a = app.agg;
  const now = c.nowS;
  const n = a.reg.list.length;
  return page(c, app, "Dashboard", 30, (i) => {
    if (i === 0) {
      const next = Math.floor(now / 3600) * 3600 + 3600;
      let total = 0;
      for (let m = 0; m < n; m++) if (isFinite(a.powerW(m))) total += a.powerW(m);
      const co = a.coState;
      return "<h2>Site</h2><table class=n><tr><th></th><th>Value</th><th>Age</th></tr>" +
        "<tr><td>Renewable availability</td><td>" + (isNaN(a.renewPct) ? "unknown" : a.renewPct + " %") + "</td><td>" + age(now, a.renewS) + "</td></tr>" +
        "<tr><td>Co-generator</td><td class=" + (co === 3 ? "on" : co === 4 ? "off" : "m") + ">" + CO_STATES[co] + (isNaN(a.coPowerW) ? "" : ", " + a.coPowerW + " W") + "</td><td>" + age(now, a.coS) + "</td></tr>" +
        "<tr><td>Price now</td><td>" + eurMWh(a.prices.at(now)) + " EUR/MWh</td><td class=m>since " + localText(a.cfg.tz, Math.floor(now / 900) * 900).slice(11) + "</td></tr>" +
        "<tr><td>Next hour's price</td><td>" + eurMWh(a.prices.at(next)) + " EUR/MWh</td><td class=m>from " + localText(a.cfg.tz, next).slice(11) + "</td></tr>" +
        "<tr><td>Site power</td><td>" + Math.round(total) + " W</td><td class=m>limit " + a.cfg.limitW + " W</td></tr></table><h2>Loads</h2>";
    }
    return tableChunk(i - 1, ["Load", "Household", "Power now (W)", "Import today (kWh)", "Export today (kWh)", "State", "Reading age"], n, (m) => {
      const info = a.reg.list[m];
      const p = a.powerW(m);
      return "<a href=/load?a=" + info.address + ">" + esc(info.name) + "</a>|" + esc(info.household) + "|" + (isNaN(p) ? "-" : Math.round(p)) + "|" +
        kWh(todaymWh(app, m, now, 0)).slice(0, -3) + "|" + kWh(todaymWh(app, m, now, 1)).slice(0, -3) + "|" + stateText(app, m) + "|" + age(now, a.store.latest[m * L_N + L_T]);
    }, "n");
  });
}
