/**
 * JSON API, the changing half: what a person (through the browser app) or a machine
 * client (bearer token) can change. Each action takes the request's JSON object and
 * answers {"ok": true, ...}, or fails with 422 naming the field at fault.
 */
import { Ctx, Reply, fail } from "../../http/types";
import { intField, jsonBody } from "../../http/request";
import { json } from "../../http/server";
import { WebApp } from "./webApp";
import { CO_STATES } from "../aggregator";
import { parseIso, parseDay, dayText } from "../localTime";
import { fmtFixed } from "../fixedPoint";
import { loadCompact, isRaw, RAW_REFUSED } from "../priceCompact";
import { manual, schedule, override as overrideDecision } from "../decisionChanges";

export type Fields = { [k: string]: unknown };

/** Manual pins last this long. */
export const MANUAL_S = 4 * 3600;

/** The registry row of field "a" (a meter address), 404 when no meter has it. */
export function meterRow(app: WebApp, f: Fields): number {
  const m = app.agg.reg.indexOf(intField(f, "a", 0, 63));
  if (m < 0) fail(404, "no meter at that address", "a");
  return m;
}

function relayRow(app: WebApp, f: Fields): number {
  const m = meterRow(app, f);
  if (!app.agg.reg.hasRelay(m)) fail(422, "this load has no relay", "a");
  return m;
}

/** An ISO 8601 time on a date that exists (parseIso alone reads 2026-02-31 as 3 March). */
function timeField(app: WebApp, f: Fields, k: string): number {
  const s = f[k];
  const t = typeof s === "string" && dayText(parseDay(s.slice(0, 10))) === s.slice(0, 10) ? parseIso(s, app.agg.cfg.tz) : NaN;
  if (isNaN(t)) fail(422, k + " must be a time YYYY-MM-DDTHH:MM on a date that exists", k);
  return t;
}

const ok = (o?: Fields): Reply => json(Object.assign({ ok: true }, o));

/** {a, do: "connect" | "disconnect" | "auto"}: pinned for 4 h, or back to the rules. */
export function switchLoad(app: WebApp, c: Ctx, f: Fields): Reply {
  const m = relayRow(app, f);
  const d = f.do;
  if (d !== "auto" && d !== "connect" && d !== "disconnect") fail(422, "do must be connect, disconnect or auto", "do");
  manual(app.agg.dec, c.nowS, m, d === "auto" ? -1 : d === "connect" ? 1 : 0, c.nowS + MANUAL_S);
  app.agg.tick(c.nowS);
  return ok({ untilS: d === "auto" ? null : c.nowS + MANUAL_S });
}

/** {a, dur (min), wh, by (ISO, local without zone), mode: "cheapest" | "greenest"}: the planned decision. */
export function defer(app: WebApp, c: Ctx, f: Fields): Reply {
  const m = relayRow(app, f);
  const dur = intField(f, "dur", 15, 1440);
  const wh = intField(f, "wh", 1, 50000);
  const by = timeField(app, f, "by");
  if (f.mode !== undefined && f.mode !== "cheapest" && f.mode !== "greenest") fail(422, "mode must be cheapest or greenest", "mode");
  const a = app.agg;
  const r = schedule(a.dec, c.nowS, m, dur * 60, wh, by, f.mode === "greenest", a.prices, a.forecast.blocks.length ? a.forecast : null);
  if (typeof r === "string") fail(422, r, "by");
  a.tick(c.nowS);
  const j = a.dec.job(m);
  return ok({ id: r, startS: j ? j.startS : null, costEur: j && !isNaN(j.costMc) ? fmtFixed(j.costMc, 5) : null });
}

/** {id}: a logged decision overridden. */
export function override(app: WebApp, c: Ctx, f: Fields): Reply {
  const id = intField(f, "id", 1, 4e9);
  const e = overrideDecision(app.agg.dec, c.nowS, id);
  if (e) fail(422, e, "id");
  app.agg.tick(c.nowS);
  return ok();
}

/**
 * Prices (forecast: a renewable availability forecast in %, for "greenest" runs): the
 * compact JSON the browser app posts after parsing a file, [{start, resolution, prices}]
 * (priceCompact.ts). A raw file (ENTSO-E A44 XML, CSV) is refused with 415 and where to
 * parse it: its parser does not fit the device's Storage (priceCompact.ts).
 */
export function series(app: WebApp, c: Ctx, forecast: boolean): Reply {
  if (isRaw(c.body)) fail(415, RAW_REFUSED, "data");
  const e = loadCompact(app.agg, c.body, forecast);
  if (e) fail(422, (forecast ? "forecast" : "prices") + " rejected, old " + (forecast ? "forecast" : "prices") + " kept: " + e, "data");
  return forecast ? ok() : ok({ blocks: app.agg.prices.blocks.length });
}

/** {pct}: renewable availability 0..100. */
export function renewable(app: WebApp, c: Ctx, f: Fields): Reply {
  app.agg.renewPct = intField(f, "pct", 0, 100);
  app.agg.renewS = c.nowS;
  app.agg.tick(c.nowS);
  return ok();
}

/** {state: off | starting | running | fault, powerW?}. */
export function cogen(app: WebApp, c: Ctx, f: Fields): Reply {
  const st = CO_STATES.indexOf(f.state as string);
  if (st < 1) fail(422, "state must be one of " + CO_STATES.slice(1).join(", "), "state");
  const a = app.agg;
  a.coPowerW = f.powerW === undefined ? NaN : intField(f, "powerW", -1e7, 1e7);
  a.coState = st;
  a.coS = c.nowS;
  return ok();
}

/**
 * The control routes' Storage module (route.ctl, built from app/aggregator/routes/control.ts):
 * loaded for one request and dropped (routeTable.ts).
 */
export function controlModule(app: WebApp, c: Ctx, k: string): Reply {
  if (k === "POST /api/prices" || k === "POST /api/forecast") return series(app, c, k === "POST /api/forecast");
  const f = jsonBody(c.headers, c.body);
  return (k === "POST /api/load" ? switchLoad : k === "POST /api/defer" ? defer : k === "POST /api/override" ? override : k === "POST /api/renewable" ? renewable : cogen)(app, c, f);
}
