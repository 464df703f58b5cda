/**
 * One load: its latest values; power over the last 24 h (15-minute averages, export
 * below zero) with the price as a second series; energy per hour as bars; the last 7
 * days' average power per day with the day's mean price.
 */
import { h, table } from "../dom";
import { get } from "../api";
import { chart } from "../chart";
import { num, age, dateTime, dstDay } from "../format";
import { parseDay } from "../../aggregator/localTime";
import { loadState, powerCell } from "./dashboard";
import { qualityMark, qualityLegend } from "../qualityFlags";
import type { Page } from "../app";
import type { ApiLoad } from "../apiTypes";

const pos = (v: number | null) => (v === null ? null : Math.max(0, v));
const neg = (v: number | null) => (v === null ? null : Math.min(0, v));

export const load: Page = {
  title: "Load", level: 1, refresh: true,
  async render(c) {
    const st = await c.state();
    const m = st.meters.find((x) => String(x.address) === c.arg);
    if (!m) return [h("p", { class: "empty" }, "No meter at address " + c.arg + ". ", h("a", { href: "#/" }, "Back to the dashboard"))];
    const d = await get<ApiLoad>("/api/load?a=" + m.address);
    c.asOf(st.timeS);
    c.heading(m.name);
    const width = Math.min(document.getElementById("main")!.clientWidth || 600, 960);
    const has = d.powerW.some((v) => v !== null);
    const hours: (number | null)[] = [], hoursExp: (number | null)[] = [];
    for (let k = 0; k < d.powerW.length; k += 4) {
      const q = d.powerW.slice(k, k + 4).filter((v): v is number => v !== null);
      // energy of the hour from its four quarter-hour averages (Wh = W x 0.25 h)
      hours.push(q.length ? q.filter((v) => v > 0).reduce((a, v) => a + v / 4, 0) : null);
      hoursExp.push(q.length ? q.filter((v) => v < 0).reduce((a, v) => a + v / 4, 0) : null);
    }
    const dayW = d.days.map((x) => (x.importWh || x.exportWh ? x.importWh / x.hours : null));
    const dayE = d.days.map((x) => (x.importWh || x.exportWh ? -x.exportWh / x.hours : null));
    const dst = d.days.filter((x) => dstDay(parseDay(x.day)));
    return [
      h("p", { class: "sub" }, m.household + " · address " + m.address),
      table(["", "Now"], [["Power", powerCell(m)], ["Today import / export", num(m.todayImportWh / 1000, 3) + " / " + num(m.todayExportWh / 1000, 3) + " kWh"],
        ["Voltage", h("span", null, m["1-0:32.7.0"] === null ? "–" : num(m["1-0:32.7.0"], 1) + " V", qualityMark(m.quality, "U"))],
        ["Current", h("span", null, m["1-0:31.7.0"] === null ? "–" : num(m["1-0:31.7.0"], 2) + " A", qualityMark(m.quality, "I"))],
        ["State", loadState(m, st.timeS)], ["Reading age", age(st.timeS, m.timeS)]], "", "kv"),
      qualityLegend([m.quality]),
      h("h2", null, "Power, last 24 hours"),
      has ? chart({ label: "Power of " + m.name + " per 15 minutes from " + dateTime(d.startS) + ", export below zero, with the day-ahead price", startS: d.startS, stepS: d.stepS, tickH: width < 500 ? 6 : 3, leftUnit: "W", rightUnit: "EUR/MWh", series: [
        { name: "import (W)", kind: "bars", cls: "s-imp", values: d.powerW.map(pos) },
        { name: "export (W, below zero)", kind: "bars", cls: "s-exp", values: d.powerW.map(neg) },
        { name: "price (EUR/MWh)", kind: "line", cls: "s-price", values: d.priceEurMWh, right: true },
      ] }, width) : h("p", { class: "empty" }, "No readings in the last 24 hours."),
      h("h2", null, "Energy per hour"),
      has ? chart({ label: "Energy of " + m.name + " per hour, export below zero", startS: d.startS, stepS: 3600, tickH: width < 500 ? 6 : 3, leftUnit: "Wh", series: [
        { name: "import (Wh)", kind: "bars", cls: "s-imp", values: hours },
        { name: "export (Wh, below zero)", kind: "bars", cls: "s-exp", values: hoursExp },
      ] }, width) : h("p", { class: "empty" }, "No energy recorded in the last 24 hours."),
      h("h2", null, "Last 7 days: average power per day"),
      d.days.some((x) => x.importWh || x.exportWh) ? chart({ label: "Average power of " + m.name + " per day over 7 days, with the mean price", startS: d.days[0].startS, stepS: 86400, tickH: 24, leftUnit: "W", rightUnit: "EUR/MWh", series: [
        { name: "import (W)", kind: "bars", cls: "s-imp", values: dayW },
        { name: "export (W, below zero)", kind: "bars", cls: "s-exp", values: dayE },
        { name: "mean price (EUR/MWh)", kind: "line", cls: "s-price", values: d.days.map((x) => x.priceEurMWh), right: true },
      ] }, width) : h("p", { class: "empty" }, "No closed intervals in the last 7 days."),
      dst.length ? h("p", { class: "dim" }, "Times are site time; " + dst.map((x) => x.day).join(", ") + " had a clock change, so times that day show their UTC offset.") : null,
    ];
  },
};
