import type { RouteModule } from "../../aggregator/pages/routeTable";

/**
 * The aggregator's API handlers are Storage modules (modules/aggregator/pages/routeTable.ts,
 * build/route.*.js): evaluated from flash for each request (their function code stays
 * in flash) and garbage once the reply has ended. global.eval, an indirect call: terser
 * still shortens the bundle's names (console.ts globalEval, not imported: a shared
 * constant would stay resident). A missing module is the request's 500, with what to do.
 */
export function loadRouteModule(name: string): RouteModule {
  const code = require("Storage").read(name);
  if (!code) throw { status: 500, msg: name + " not in Storage: npm run upload -- --role aggregator" };
  return (global.eval as (s: string) => RouteModule)(code);
}
