/**
 * The route table of the aggregator's web server, as a function: the table lives in
 * code (in flash when the bundle runs from Storage) and a route object with its
 * closure exists only while a request is served. The device serves the JSON API
 * (api.ts, actions.ts, session.ts) and the browser app's files from Storage
 * (modules/http/assets.ts); the browser renders every page (modules/web/).
 */
import { Route, Ctx, Reply } from "../../http/types";
import { assetRoute } from "../../http/assets";
import { WebApp } from "./webApp";
import { apiState, apiLoad, apiPrices, apiDecisions, apiBill, apiBillCsv } from "./api";
import { withJson, switchLoad, defer, override, prices, forecast, renewable, cogen } from "./actions";
import { session, login, logout, setPassword } from "./session";

/**
 * Largest upload. The app posts prices compactly (two days at 15 minutes: about 1.5 KB);
 * a raw file from a machine client is held in RAM while parsed (one day of ENTSO-E
 * XML at PT15M is about 11 KB, some 850 JsVars), so this bounds it.
 */
export const PRICE_BODY = 16384;

type Page = (app: WebApp, c: Ctx) => Reply;

/** The route behind "METHOD /path", undefined when there is none. Levels: see Route. */
export function routes(app: WebApp): (methodAndPath: string) => Route | undefined {
  const r = (f: Page, level: number, maxBody?: number): Route => ({ h: (c: Ctx) => f(app, c), level: level, maxBody: maxBody });
  return (k: string) => {
    switch (k) {
      case "GET /api/session": return r(session, 0);
      case "POST /api/login": return r(login, 0);
      case "POST /api/logout": return r(logout, 2);
      case "POST /api/password": return r(setPassword, app.auth.firstRun() ? 0 : 2);
      case "GET /api/state": return r(apiState, 1);
      case "GET /api/load": return r(apiLoad, 1);
      case "GET /api/prices": return r(apiPrices, 1);
      case "GET /api/decisions": return r(apiDecisions, 1);
      case "GET /api/bill": return r(apiBill, 1);
      case "GET /api/bill.csv": return r(apiBillCsv, 1);
      case "POST /api/prices": return r(prices, 2, PRICE_BODY);
      case "POST /api/forecast": return r(forecast, 2, PRICE_BODY);
      case "POST /api/renewable": return r(withJson(renewable), 2);
      case "POST /api/cogenerator": return r(withJson(cogen), 2);
      case "POST /api/load": return r(withJson(switchLoad), 2);
      case "POST /api/defer": return r(withJson(defer), 2);
      case "POST /api/override": return r(withJson(override), 2);
    }
    return app.files && k.indexOf("GET /") === 0 && k.indexOf("GET /api/") !== 0 ? assetRoute(app.files, k.slice(4)) : undefined;
  };
}
