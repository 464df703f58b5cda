/** Dashboard: the site table (renewables, co-generator, prices, site power against the limit) and every load. */
import { h, table } from "../dom";
import { age, num, hm } from "../format";
import type { Page } from "../app";
import type { ApiMeter } from "../apiTypes";
import { qualityMark, qualityLegend } from "../qualityFlags";

/** Readings older than this are marked stale (the poller reads every meter within a minute). */
export const STALE_READING_S = 300;

export function loadState(m: ApiMeter, nowS: number): HTMLElement {
  if (m.offline) return h("span", { class: "tag off" }, "offline");
  const stale = !(m.timeS! > 0) || nowS - m.timeS! > STALE_READING_S;
  const st = !m.relay ? h("span", { class: "dim" }, "no relay") : h("span", { class: m.connected ? "on" : "offc" }, m.connected ? "connected" : "disconnected");
  return h("span", null, st, m.manual ? h("span", { class: "tag" }, "manual") : null, stale ? h("span", { class: "tag stale" }, "stale") : null);
}

export const powerText = (m: ApiMeter) => m["1-0:2.7.0"] ? "export " + num(m["1-0:2.7.0"]) + " W" : m["1-0:1.7.0"] === null ? "–" : num(m["1-0:1.7.0"]) + " W";
/** The power with the meter's quality mark (qualityFlags.ts). */
export const powerCell = (m: ApiMeter) => h("span", null, powerText(m), qualityMark(m.quality, "P"));

export const dashboard: Page = {
  title: "Dashboard", level: 1, refresh: true,
  async render(c) {
    const st = await c.state();
    c.asOf(st.timeS);
    const now = st.timeS;
    const co = st.cogenerator;
    const over = st.siteW > st.limitW;
    const pct = Math.max(0, Math.min(100, Math.round((100 * st.siteW) / st.limitW)));
    const meter = h("meter", { min: 0, max: st.limitW, value: Math.max(0, st.siteW), "aria-label": "site power against the contracted limit" });
    const siteRows = [
      ["Renewable availability", st.renewable.pct === null ? "unknown" : st.renewable.pct + " %", age(now, st.renewable.timeS)],
      ["Co-generator", h("span", { class: co.state === "running" ? "on" : co.state === "fault" ? "offc" : "dim" }, co.state + (co.powerW === null ? "" : ", " + num(co.powerW) + " W")), age(now, co.timeS)],
      ["Price now", st.price.nowEurMWh === null ? "no price imported" : num(st.price.nowEurMWh, 2) + " EUR/MWh", "now"],
      ["Next price", st.price.nextEurMWh === null ? "no price imported" : num(st.price.nextEurMWh, 2) + " EUR/MWh", "from " + hm(st.price.nextS)],
      ["Site power", h("span", { class: over ? "offc" : "" }, num(st.siteW) + " W of " + num(st.limitW) + " W (" + pct + " %)" + (over ? ": over the limit" : "")), meter],
    ];
    const rows = st.meters.map((m) => [
      h("a", { href: "#/load/" + m.address }, m.name), m.household, powerCell(m),
      num(m.todayImportWh / 1000, 3), num(m.todayExportWh / 1000, 3), loadState(m, now), age(now, m.timeS),
    ]);
    return [
      h("h2", null, "Site"), table(["", "Value", "Age"], siteRows, "", "kv"),
      h("h2", null, "Loads"),
      table(["Load", "Household", "Power now", "Import today (kWh)", "Export today (kWh)", "State", "Reading age"], rows, "No meters configured: add them to the site configuration (agg.json).", "n cards"),
      qualityLegend(st.meters.map((m) => m.quality)),
    ];
  },
};
