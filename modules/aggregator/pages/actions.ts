/**
 * What a person or a controller can change, shared by the HTML forms and the JSON
 * API. Each action takes the request's fields (form or JSON object) and returns a
 * message, or throws a 422 naming the field at fault.
 */
import { Ctx, Reply, fail } from "../../http/types";
import { intField, jsonBody } from "../../http/request";
import { redirect } from "../../http/server";
import { WebApp } from "./webApp";
import { LOG_N } from "../decisions";
import { CO_STATES } from "../aggregator";
import { parseIso } from "../localTime";
import { reasonText } from "./reasons";
import { importPrices } from "../priceImport";

export type Fields = { [k: string]: unknown };
export type Action = (app: WebApp, c: Ctx, f: Fields) => string;

/** Manual pins last this long. */
export const MANUAL_S = 4 * 3600;

export function row(app: WebApp, f: Fields): number {
  const m = app.agg.reg.indexOf(intField(f, "a", 1, 127));
  if (m < 0) fail(404, "no meter at that address");
  if (!app.agg.reg.list[m].hasRelay) fail(422, "this load has no relay");
  return m;
}

function done(app: WebApp, c: Ctx, msg: string): string {
  app.agg.tick(c.nowS);
  return msg;
}

/** a, do = connect | disconnect | auto */
export const switchLoad: Action = (app, c, f) => {
  const m = row(app, f);
  const d = f.do;
  if (d !== "auto" && d !== "connect" && d !== "disconnect") fail(422, "do must be connect, disconnect or auto");
  app.agg.dec.manual(c.nowS, m, d === "auto" ? -1 : d === "connect" ? 1 : 0, c.nowS + MANUAL_S);
  return done(app, c, app.agg.reg.list[m].name + ": " + d + (d === "auto" ? "" : " for 4 h"));
};

/** a, dur (min), wh, by (local YYYY-MM-DDTHH:MM or ISO with zone), mode = cheapest | greenest */
export const defer: Action = (app, c, f) => {
  const m = row(app, f);
  const dur = intField(f, "dur", 15, 1440);
  const wh = intField(f, "wh", 1, 50000);
  const by = typeof f.by === "string" ? parseIso(f.by, app.agg.cfg.tz) : NaN;
  if (isNaN(by)) fail(422, "by must be a time YYYY-MM-DDTHH:MM");
  const a = app.agg;
  const r = a.dec.schedule(c.nowS, m, dur * 60, wh, by, f.mode === "greenest", a.prices, a.forecast.blocks.length ? a.forecast : null);
  if (typeof r === "string") fail(422, r);
  return done(app, c, "Decision #" + r + ": " + reasonText(a, (r - 1) % LOG_N));
};

/** id of a logged decision */
export const override: Action = (app, c, f) => {
  const id = intField(f, "id", 1, 4e9);
  const e = app.agg.dec.override(c.nowS, id);
  if (e) fail(422, e);
  return done(app, c, "Decision #" + id + " overridden");
};

/** data: the uploaded file's text */
export const prices: Action = (app, c, f) => {
  const e = app.agg.loadPrices(typeof f.data === "string" ? f.data : "");
  if (e) fail(422, "prices rejected, old prices kept: " + e);
  return "Prices imported";
};

/** data: a renewable availability forecast in %, in any price upload format (for "greenest" runs) */
export const forecast: Action = (app, c, f) => {
  const r = importPrices(typeof f.data === "string" ? f.data : "", app.agg.cfg.tz);
  if (!Array.isArray(r)) fail(422, "forecast rejected: line " + r.line + ": " + r.reason);
  app.agg.forecast.put(r);
  return "Forecast imported";
};

/** pct: renewable availability 0..100 */
export const renewable: Action = (app, c, f) => {
  app.agg.renewPct = intField(f, "pct", 0, 100);
  app.agg.renewS = c.nowS;
  return done(app, c, "ok");
};

/** state = off | starting | running | fault, powerW optional */
export const cogen: Action = (app, c, f) => {
  const st = CO_STATES.indexOf(f.state as string);
  if (st < 1) fail(422, "state must be one of " + CO_STATES.slice(1).join(", "));
  const a = app.agg;
  a.coPowerW = f.powerW === undefined ? NaN : intField(f, "powerW", -1e7, 1e7);
  a.coState = st;
  a.coS = c.nowS;
  return "ok";
};

/** A form posts, then lands back on the control page with the message. */
export function viaForm(act: Action) {
  return (app: WebApp, c: Ctx): Reply => {
    let msg: string;
    try { msg = act(app, c, c.form); } catch (e) {
      if ((e as { status: number }).status !== 422) throw e;
      msg = "Error: " + (e as { msg: string }).msg;
    }
    return redirect("/control?msg=" + encodeURIComponent(msg));
  };
}

/** The API takes a JSON object (prices: the raw file) and answers {"ok":true,"msg":...}. */
export function viaApi(act: Action) {
  return (app: WebApp, c: Ctx): Reply => {
    const f = act === prices || act === forecast ? { data: c.body } : jsonBody(c.headers, c.body);
    return { status: 200, type: "application/json", body: JSON.stringify({ ok: true, msg: act(app, c, f) }) };
  };
}

