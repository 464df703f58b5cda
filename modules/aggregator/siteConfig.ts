/**
 * The aggregator's configuration file, Storage "agg.json" (written by `npm run upload`
 * or the simulator, host/sim/nodeConfig.ts), read once at boot and checked here before
 * anything is built from it. Every field that is missing or wrong gets its safe default;
 * each wrong one is said in one console line
 *   agg.json: site.limitW "9k" is not a whole number 1..1000000000: using 9200
 * and counted (AggSettings.problems): a damaged file never stops the aggregator, and a
 * wrong value is never used.
 *
 * {
 *   "port": 80,                 // web server port, 1..65535
 *   "publicRead": false,        // reading pages without login (true/false)
 *   "apiToken": "",             // Bearer token of machine clients ("" = none)
 *   "auth": { ... },            // the login (modules/http/authState.ts AuthConfig); Storage "auth.json" wins
 *   "site": { ... }             // AggConfig (modules/aggregator/aggregator.ts)
 * }
 * The meters are not in it as `npm run upload` writes it: their list is on the SPI NOR
 * (meterList.ts). A "site.meters" list (the older form, and the upload's site file) is
 * still read and checked here; when it has meters, the NOR list is not read.
 *
 * Safe defaults: port 80, reading needs a login, no API token, the site below with no
 * meter. A wrong field of "auth" locks the login (LOCKED_HASH: nobody can log in until
 * agg.json or auth.json is fixed) rather than reopening the first-run page, which would
 * let anyone on the network set the password. A meter goes through the registry's own
 * checks (registry.ts, one rule) and a wrong one is left out.
 *
 * Table-driven and inlined by terser into the boot code: on Espruino nothing of it stays
 * resident once boot is over (a top-level function would keep 6 to 8 JsVars).
 */
import type { AggConfig } from "./aggregator";
import type { AuthConfig } from "../http/authState";
import { Registry, type MeterInfo } from "./registry";
import { METERS_PER_BUS } from "../can/idPlan";

export const AGG_FILE = "agg.json";

export interface AggSettings {
  port: number;
  publicRead: boolean;
  apiToken: string;
  /** agg.json's login, undefined when it has none (auth.json or the first-run page then). */
  auth?: AuthConfig;
  site: AggConfig;
  /** Fields found wrong (each said in one line through `log`). */
  problems: number;
}

/** Hash text that no SHA-256 hex digest equals: the login of a wrong "auth" (locked, not first-run). */
export const LOCKED_HASH = "locked";

/**
 * agg.json's parsed content (undefined: no file, or not JSON) checked field by field.
 * `log` gets one line per problem. Never throws.
 */
export function aggSettingsOf(raw: unknown, log: (line: string) => void): AggSettings {
  type O = { [k: string]: unknown };
  const out = {
    port: 80, publicRead: false, apiToken: "", problems: 0,
    site: { maxMeters: 8, tz: { stdOffsetS: 3600, euDst: true }, importAdderMc: 12000, exportTariffMc: 5000, defaultPriceMc: 10000, limitW: 9200, holdS: 300, saveIntervalS: 900, meters: [] },
  } as unknown as O & AggSettings;
  const isObj = function (v: unknown): boolean { return typeof v === "object" && v !== null && !Array.isArray(v); };
  const bad = function (text: string) {
    out.problems++;
    log(AGG_FILE + ": " + text);
  };
  if (!isObj(raw)) bad("missing or not JSON: all defaults (port 80, no meter, no login)");
  else {
    // locked until agg.json's own hashHex is read below
    if ((raw as O).auth !== undefined) out.auth = { user: "", saltHex: "", hashHex: LOCKED_HASH, iterations: 1, sessionS: 3600, maxFailures: 5, lockS: 300 };
    // "/prefix" then its fields: name, then b (true/false), s (a string), p (a price,
    // mc/kWh, as Float32 keeps it) or the lowest and highest whole number. A parent before
    // its fields, maxMeters before the meters.
    const rules = ("/,port 1 65535,publicRead b,apiToken s,/site.,maxMeters 1 " + METERS_PER_BUS + ",importAdderMc p,exportTariffMc p,defaultPriceMc p,limitW 1 1e9,holdS 0 86400," +
      "saveIntervalS 60 86400,hysteresisPct 0 99,maxSwitchesPerHour 2 60,offlineAfterMisses 1 1000,/site.tz.,stdOffsetS -50400 50400,euDst b," +
      "/auth.,user s,saltHex s,hashHex s,iterations 1 1e6,sessionS 1 1e9,maxFailures 1 1000,lockS 0 1e9").split(",");
    let prefix = "", wrong = "";
    for (let i = 0; i < rules.length; i++) {
      if (rules[i][0] === "/") { prefix = rules[i].slice(1); continue; }
      const r = rules[i].split(" ");
      const kind = r[1], lo = kind === "p" ? -16777215 : +kind, hi = kind === "p" ? 16777215 : +r[2];
      const path = (prefix + r[0]).split(".");
      let from = raw as O, to = out as O, k = 0;
      while (k < path.length - 1 && isObj(from[path[k]]) && to[path[k]]) {
        from = from[path[k]] as O;
        to = to[path[k++]] as O;
      }
      const name = path.slice(0, k + 1).join(".");
      const v = from[path[k]];
      let is = "";
      if (k < path.length - 1) { // not an object on the way ("site": 5), or no "auth" at all: none of its fields then
        if (v !== undefined && name !== wrong) is = "an object"; // said once ("site" for site.tz too)
        wrong = name;
        while (i + 1 < rules.length && rules[i + 1][0] !== "/") i++;
      } else if (v !== undefined) {
        if (kind === "b" ? typeof v === "boolean" : kind === "s" ? typeof v === "string" : typeof v === "number" && Math.floor(v) === v && v >= lo && v <= hi) to[path[k]] = v;
        else is = kind === "b" ? "true or false" : kind === "s" ? "a string" : "a whole number " + lo + ".." + hi;
      }
      if (!is) continue;
      const locks = path[0] === "auth";
      bad(name + " " + JSON.stringify(v) + " is not " + is + ": " + (locks ? "login locked until it is fixed (npm run password)" : "its default"));
      if (locks) out.auth!.hashHex = LOCKED_HASH;
    }
  }
  const meters = isObj(raw) && isObj((raw as O).site) ? ((raw as O).site as O).meters : undefined;
  if (meters !== undefined) {
    if (!Array.isArray(meters)) bad("site.meters is not a list: no meter");
    else {
      const trial = new Registry(out.site.maxMeters);
      for (let i = 0; i < meters.length; i++) {
        const m = meters[i] as MeterInfo;
        try {
          if (!isObj(m)) throw new Error("not an object");
          trial.add(m);
          out.site.meters.push(m);
        } catch (e) {
          bad("site.meters[" + i + "] left out: " + ((e as Error).message || e));
        }
      }
    }
  }
  return out;
}
