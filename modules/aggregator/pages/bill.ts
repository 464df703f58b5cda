/**
 * JSON API, the bills: per load and household over whole local days, money as exact
 * decimal text (api.ts says the units), and the same as CSV. A Storage module of its own
 * (route.bill): the billing code is needed only while a bill is asked for.
 */
import { Ctx, Reply, fail } from "../../http/types";
import { dayField } from "../../http/request";
import { WebApp } from "./webApp";
import { LEDGER_DAYS } from "../readingsStore";
import { billOf, billAll, households, monthStartDay, kWh, eur, CSV_HEAD, csvDay } from "../billing";
import { localDay, parseDay, dayText } from "../localTime";
import { jsonList } from "./api";

/** ?from=&to= local days (default: this month so far); 422 naming the field when a date does not exist. */
export function period(app: WebApp, c: Ctx): number[] {
  const today = localDay(app.agg.cfg.tz, c.nowS);
  const from = c.query.from ? dayField(c.query, "from", parseDay, dayText) : monthStartDay(today);
  const to = c.query.to ? dayField(c.query, "to", parseDay, dayText) : today;
  if (from > to) fail(422, "from must not be after to", "from");
  return [from, to];
}

export function apiBill(app: WebApp, c: Ctx): Reply {
  const a = app.agg;
  const p = period(app, c);
  const row = (b: Float64Array) => ({ "1-0:1.8.0": kWh(b[0]), importCostEur: eur(b[2]), "1-0:2.8.0": kWh(b[1]), exportCreditEur: eur(b[3]), netEur: eur(b[2] - b[3]) });
  const hh = households(a.reg);
  const n = a.reg.count;
  // every meter's sums, made by the first row's chunk (after the request's own calls
  // have returned) reading each day once; the rows are sums of them, the history is not
  // read again while the reply streams (issue 16)
  let all: Float64Array | undefined;
  const sum = (pick: (m: number) => boolean) => billOf(all || (all = billAll(a.store, a.reg, p[0], p[1])), a.reg, pick);
  // loads first, then households, one per chunk
  return jsonList('{"from":"' + dayText(p[0]) + '","to":"' + dayText(p[1]) + '","daysHeld":' + LEDGER_DAYS + ',"currency":"EUR","minorUnits":2,"energyUnit":"kWh","bills":', n + hh.length, (k) =>
    k < n ? Object.assign({ address: a.reg.address[k] }, row(sum((x) => x === k)))
      : Object.assign({ household: hh[k - n] }, row(sum((x) => a.reg.household(x) === hh[k - n]))), "}");
}

export function apiBillCsv(app: WebApp, c: Ctx): Reply {
  const p = period(app, c);
  return {
    status: 200, type: "text/csv; charset=utf-8", headers: { "Content-Disposition": "attachment; filename=\"bill-" + dayText(p[0]) + "-" + dayText(p[1]) + ".csv\"" },
    chunks: (i) => (i === 0 ? CSV_HEAD : csvDay(app.agg.store, app.agg.reg, p[0], p[1], i - 1)),
  };
}

/** The bill routes' Storage module (route.bill, built from app/aggregator/routes/bill.ts). */
export function billModule(app: WebApp, c: Ctx, k: string): Reply {
  return k === "GET /api/bill.csv" ? apiBillCsv(app, c) : apiBill(app, c);
}
