/**
 * Billing: today, this month and a chosen period (whole local days, within the 32
 * held), per load and per household, import cost and export credit. Amounts are the
 * exact integer sums of the interval lines (see billing.ts), shown in EUR with five
 * decimals (milli-cents) so nothing is hidden by rounding; the CSV has them too.
 */
import { Ctx, Reply, fail } from "../../http/types";
import { WebApp } from "./webApp";
import { page, esc } from "./layout";
import { localDay, parseDay, dayText } from "../localTime";
import { bill, households, monthStartDay, kWh, eur, CSV_HEAD, csvDay } from "../billing";
import { LEDGER_DAYS } from "../readingsStore";

export function period(c: Ctx, tz: WebApp["agg"]["cfg"]["tz"]): number[] {
  const today = localDay(tz, c.nowS);
  const from = c.query.from ? parseDay(c.query.from) : monthStartDay(today);
  const to = c.query.to ? parseDay(c.query.to) : today;
  if (isNaN(from) || isNaN(to) || from > to) fail(422, "from and to must be dates YYYY-MM-DD with from <= to");
  return [from, to];
}

const HEADS = "<tr><th>Import (kWh)</th><th>Cost (EUR)</th><th>Export (kWh)</th><th>Credit (EUR)</th><th>Net (EUR)</th></tr>";
const cells = (b: Float64Array) => "<td>" + [kWh(b[0]).slice(0, -3), eur(b[2]), kWh(b[1]).slice(0, -3), eur(b[3]), eur(b[2] - b[3])].join("</td><td>") + "</td></tr>";

export function billPage(app: WebApp, c: Ctx): Reply {
  const a = app.agg;
  const n = a.reg.list.length;
  const hh = households(a.reg);
  const p = period(c, a.cfg.tz);
  const today = localDay(a.cfg.tz, c.nowS);
  const secs = [[today, today], [monthStartDay(today), today], p];
  const titles = ["Today", "This month", "Period"];
  const per = n + hh.length + 3;
  return page(c, app, "Billing", 0, (i) => {
    if (i === 0) {
      return "<form class=box method=get action=/bill>Period from <input type=date name=from value=" + dayText(p[0]) + "> to <input type=date name=to value=" + dayText(p[1]) +
        "> <button>Show</button> <a href=\"/bill.csv?from=" + dayText(p[0]) + "&amp;to=" + dayText(p[1]) + "\">CSV export</a></form>" +
        "<p class=m>Closed 15-minute intervals only; days held: the last " + LEDGER_DAYS + ". Import at the day-ahead price + " + a.cfg.importAdderMc / 1000 + " ct/kWh, export credited at " + a.cfg.exportTariffMc / 1000 + " ct/kWh.</p>";
    }
    const s = Math.floor((i - 1) / per);
    const k = (i - 1) % per;
    if (s >= secs.length) return null;
    const f = secs[s][0], t = secs[s][1];
    if (k === 0) return "<h2>" + titles[s] + ": " + dayText(f) + (t > f ? " to " + dayText(t) : "") + "</h2><table class=n>" + HEADS.replace("<tr>", "<tr><th>Load</th><th>Household</th>");
    if (k <= n) return "<tr><td>" + esc(a.reg.list[k - 1].name) + "</td><td>" + esc(a.reg.list[k - 1].household) + "</td>" + cells(bill(a.store, a.reg, (m) => m === k - 1, f, t));
    if (k === n + 1) return "</table><p></p><table class=n>" + HEADS.replace("<tr>", "<tr><th>Household</th>");
    if (k <= n + 1 + hh.length) {
      const h = hh[k - n - 2];
      return "<tr><td>" + esc(h) + "</td>" + cells(bill(a.store, a.reg, (m) => a.reg.list[m].household === h, f, t));
    }
    return "</table>";
  });
}

export function billCsv(app: WebApp, c: Ctx): Reply {
  const p = period(c, app.agg.cfg.tz);
  return {
    status: 200, type: "text/csv; charset=utf-8", headers: { "Content-Disposition": "attachment; filename=\"bill-" + dayText(p[0]) + "-" + dayText(p[1]) + ".csv\"" },
    chunks: (i) => (i === 0 ? CSV_HEAD : csvDay(app.agg.store, app.agg.reg, p[0], p[1], i - 1)),
  };
}
