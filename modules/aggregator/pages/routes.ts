/**
 * The route table of the aggregator's web server, as a function: the table lives in
 * code (in flash when the bundle runs from Storage) and a route object with its
 * closure exists only while a request is served. As an object of 23 routes, each a
 * closure plus an object, it held about 550 JsVars of RAM for good.
 */
import { Route, Ctx, Reply } from "../../http/types";
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

type Page = (app: WebApp, c: Ctx) => Reply;

/** The page behind "METHOD /path", undefined when there is none. Levels: see Route. */
export function routes(app: WebApp): (methodAndPath: string) => Route | undefined {
  const r = (f: Page, level: number, maxBody?: number): Route => ({ h: (c: Ctx) => f(app, c), level: level, maxBody: maxBody });
  return (k: string) => {
    switch (k) {
      case "GET /": return r(dashboard, 1);
      case "GET /load": return r(loadPage, 1);
      case "GET /bill": return r(billPage, 1);
      case "GET /bill.csv": return r(billCsv, 1);
      case "GET /control": return r(controlPage, 2);
      case "POST /control": return r(viaForm(switchLoad), 2);
      case "POST /defer": return r(viaForm(defer), 2);
      case "POST /override": return r(viaForm(override), 2);
      case "POST /prices": return r(viaForm(prices), 2, PRICE_BODY);
      case "GET /login": return r(loginPage, 0);
      case "POST /login": return r(loginPost, 0);
      case "POST /logout": return r(logoutPost, 2);
      case "GET /api/state": return r(apiState, 1);
      case "GET /api/load": return r(apiLoad, 1);
      case "GET /api/decisions": return r(apiDecisions, 1);
      case "GET /api/bill": return r(apiBill, 1);
      case "POST /api/prices": return r(viaApi(prices), 2, PRICE_BODY);
      case "POST /api/forecast": return r(viaApi(forecast), 2, PRICE_BODY);
      case "POST /api/renewable": return r(viaApi(renewable), 2);
      case "POST /api/cogenerator": return r(viaApi(cogen), 2);
      case "POST /api/load": return r(viaApi(switchLoad), 2);
      case "POST /api/defer": return r(viaApi(defer), 2);
      case "POST /api/override": return r(viaApi(override), 2);
    }
    return undefined;
  };
}
