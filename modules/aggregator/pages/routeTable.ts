/**
 * The route table the device keeps in RAM: "METHOD /path" -> the Storage module that
 * answers it, its access level and its body limit. The handlers themselves are not
 * resident: Espruino keeps every function object in RAM (6 to 8 JsVars each, even with
 * its code in flash), and most of the aggregator's functions serve requests that come
 * at most once a second. So each group of routes is a separately built Storage file
 * (app/aggregator/routes/*.ts, rollup.config.js) whose text evaluates to one
 * RouteModule; `load` evaluates it for the request (app/aggregator/main.ts), and once
 * the reply has ended its functions are garbage. On Node the same table dispatches to
 * the modules in process (routes.ts).
 */
import { Route, Ctx, Reply } from "../../http/types";
import { assetRoute } from "../../http/assets";
import { WebApp } from "./webApp";

/** What a route module's Storage file evaluates to: it answers the routes of its group (k is "METHOD /path"). */
export type RouteModule = (app: WebApp, c: Ctx, k: string) => Reply;
/** The module stored under `name` (throws an HttpFail-shaped 500 when it is not stored). */
export type ModuleLoader = (name: string) => RouteModule;

/** Storage names of the route modules (at most 28 characters: Espruino's file names). */
export const M_READ = "route.read", M_BILL = "route.bill", M_CONTROL = "route.ctl", M_SESSION = "route.ses", M_OTA = "route.ota";
export const ROUTE_MODULES = [M_READ, M_BILL, M_CONTROL, M_SESSION, M_OTA];

/**
 * Largest upload. The app posts prices compactly (two days at 15 minutes: about 1.5 KB);
 * a raw file from a machine client is held in RAM while parsed (one day of ENTSO-E
 * XML at PT15M is about 11 KB, some 850 JsVars), so this bounds it.
 */
export const PRICE_BODY = 16384;

/** The route behind "METHOD /path", undefined when there is none. Levels: see Route. */
export function lazyRoutes(app: WebApp, load: ModuleLoader): (methodAndPath: string) => Route | undefined {
  return (k: string) => {
    let m = M_READ, level = 1, max = 0;
    switch (k) {
      // answered here with no module: every page of the app asks it, and route.ses (login,
      // logout, password) costs about 160 JsVars evaluated (2v29), the most of any GET
      case "GET /api/session":
        return { level: 0, h: (c: Ctx): Reply => ({ status: 200, body: JSON.stringify({ loggedIn: !!c.session, user: c.session ? app.auth.cfg.user : null, csrf: c.csrf || null, firstRun: app.auth.firstRun(), publicRead: app.publicRead }) }) };
      case "POST /api/login": m = M_SESSION; level = 0; break;
      case "POST /api/logout": m = M_SESSION; level = 2; break;
      case "POST /api/password": m = M_SESSION; level = app.auth.firstRun() ? 0 : 2; break;
      case "GET /api/state": case "GET /api/load": case "GET /api/prices": case "GET /api/decisions": break;
      case "GET /api/bill": case "GET /api/bill.csv": m = M_BILL; break;
      case "POST /api/prices": case "POST /api/forecast": m = M_CONTROL; level = 2; max = PRICE_BODY; break;
      case "GET /api/ota": case "POST /api/ota": m = M_OTA; level = 2; max = 2048; break; // script updates (modules/ota/aggregatorOta.ts: OTA_BODY)
      case "POST /api/renewable": case "POST /api/cogenerator": case "POST /api/load": case "POST /api/defer": case "POST /api/override": m = M_CONTROL; level = 2; break;
      default: return app.files && k.indexOf("GET /") === 0 && k.indexOf("GET /api/") !== 0 ? assetRoute(app.files, k.slice(4)) : undefined;
    }
    return { level: level, maxBody: max || undefined, h: (c: Ctx) => load(m)(app, c, k) };
  };
}
