/** The route table of the aggregator's web server. */
import { Routes, Handler, Ctx, Reply } from "../../http/types";
import { WebApp } from "./webApp";
import { dashboard } from "./dashboard";
import { loadPage } from "./loadPage";
import { billPage, billCsv } from "./billPage";
import { controlPage } from "./controlPage";
import { viaForm, viaApi, switchLoad, defer, override, prices, forecast, renewable, cogen } from "./actions";
import { loginPage, loginPost, logoutPost } from "./loginPage";
import { apiState, apiLoad, apiDecisions, apiBill } from "./api";

/**
 * Largest upload. An ENTSO-E document of one day at PT15M is about 11 KB and is held in
 * RAM while parsed (about 850 JsVars); the form's urlencoding inflates it past this, so
 * such documents go through POST /api/prices as the raw file.
 */
export const PRICE_BODY = 16384;

export function routes(app: WebApp): Routes {
  const r = (f: (app: WebApp, c: Ctx) => Reply, level: number, maxBody?: number) => ({ h: ((c: Ctx) => f(app, c)) as Handler, level: level, maxBody: maxBody });
  return {
    "GET /": r(dashboard, 1),
    "GET /load": r(loadPage, 1),
    "GET /bill": r(billPage, 1),
    "GET /bill.csv": r(billCsv, 1),
    "GET /control": r(controlPage, 2),
    "POST /control": r(viaForm(switchLoad), 2),
    "POST /defer": r(viaForm(defer), 2),
    "POST /override": r(viaForm(override), 2),
    "POST /prices": r(viaForm(prices), 2, PRICE_BODY),
    "GET /login": r(loginPage, 0),
    "POST /login": r(loginPost, 0),
    "POST /logout": r(logoutPost, 2),
    "GET /api/state": r(apiState, 1),
    "GET /api/load": r(apiLoad, 1),
    "GET /api/decisions": r(apiDecisions, 1),
    "GET /api/bill": r(apiBill, 1),
    "POST /api/prices": r(viaApi(prices), 2, PRICE_BODY),
    "POST /api/forecast": r(viaApi(forecast), 2, PRICE_BODY),
    "POST /api/renewable": r(viaApi(renewable), 2),
    "POST /api/cogenerator": r(viaApi(cogen), 2),
    "POST /api/load": r(viaApi(switchLoad), 2),
    "POST /api/defer": r(viaApi(defer), 2),
    "POST /api/override": r(viaApi(override), 2),
  };
}
