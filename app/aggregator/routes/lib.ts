// Storage module "route.lib" (modules/aggregator/pages/routeTable.ts): the helpers that
// several route modules use, stored once. A route module built with these modules as
// externals takes them from this file's value (tools/build/storageModulePlugin.js): the
// build refuses a route module that imports a name not listed here.
export { daysFromCivil, civilFromDays, localDay, dayStartS, dayText, parseDay, parseIso } from "../../../modules/aggregator/localTime";
export { mulDivRound, fmtFixed, parseFixed } from "../../../modules/aggregator/fixedPoint";
export { intField, dayField, jsonBody } from "../../../modules/http/request";
