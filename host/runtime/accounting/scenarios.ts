/**
 * The states whose JsVars and CPU work are measured on the real interpreter
 * (test/realInterpreter/measureJsVars.ts, rigCost.ts) and estimated by the host
 * runtime (jsVarHarness.ts, costHarness.ts): the same Storage files, booted the same way
 * (test/realInterpreter/prelude.js as ".boot0" standing in for the native hooks, the bundle
 * as ".bootcde", then load()), the same snapshots. One table, so both sides cannot drift.
 */
import { ROUTE_MODULES } from "../../../modules/aggregator/pages/routeTable.ts";
import { siteUpload } from "../../cli/uploadMeters.ts";
import type { NorSector } from "../../cli/uploadWebNor.ts";

export interface Scenario {
  /** Fixture key, e.g. "meter@30s". */
  name: string;
  /** build/<bundle>.js, or null for the prelude alone. */
  bundle: "meter" | "aggregator" | "selftest" | null;
  /** Files written to Storage before load() (besides .boot0 and .bootcde). */
  files: Record<string, unknown>;
  /**
   * Sectors on the aggregator's NOR before load() (the meter list: aggregatorSetup), as
   * the prelude's SPI1 stand-in keeps them: Storage files "nor<sector>" (prelude.js).
   */
  nor?: NorSector[];
  /** Seconds after boot at which process.memory() is read (one figure per entry). */
  atS: number[];
  /** Budget role whose steady state this scenario is (package.json meternet.budgets.jsVars). */
  role?: string;
  /**
   * "web": a browser's load on the aggregator: the app's files in Storage and, from boot on,
   * every GET route (the app's files and the API's) fetched once a second, one after
   * another (WEB_ROUTES); the real run also records the JsVar peak during requests
   * (test/realInterpreter/requestPeak.js).
   */
  client?: "web";
}

/** What the "web" client fetches every second: the app's files ("@app" = each file of build/web/web.json) and every GET API route. */
export const WEB_ROUTES = ["@app", "/api/session", "/api/state", "/api/load?a=1", "/api/prices", "/api/decisions", "/api/bill", "/api/bill.csv"];

/**
 * Code files a bundle loads from Storage besides .bootcde: Storage name -> path under the
 * project root (the aggregator's route modules, modules/aggregator/pages/routeTable.ts).
 */
export function codeFiles(bundle: Scenario["bundle"]): Record<string, string> {
  const files: Record<string, string> = {};
  if (bundle === "aggregator") for (const n of ROUTE_MODULES) files[n] = "build/aggregator/" + n + ".js";
  return files;
}

const METER_KEY = "000102030405060708090a0b0c0d0e0f";
const MASTER_KEY = "0f0e0d0c0b0a09080706050403020100";

export function meterFiles(hz: 50 | 60 = 50): Record<string, unknown> {
  const cfg: Record<string, unknown> = { role: "meter", address: 1, keyHex: METER_KEY, name: "meter 1", publishEvery: 5 };
  if (hz === 60) cfg.mains = { hz: 60, v: 120 };
  return { "meternet.json": cfg };
}

/**
 * An aggregator with `n` meters as `npm run upload` and the simulator write it
 * (host/cli/uploadMeters.ts): meternet.json (the key) and agg.json (the site's settings)
 * in Storage, the meter list on the NOR.
 */
export function aggregatorSetup(n: number, port: number): { files: Record<string, unknown>; nor: NorSector[] } {
  const up = siteUpload(aggregatorFiles(n, port)["agg.json"], []);
  return { files: { "meternet.json": { role: "aggregator", masterKeyHex: MASTER_KEY }, "agg.json": up.aggJson }, nor: [up.sector] };
}

/**
 * NOR sectors as the prelude's SPI1 stand-in keeps them (test/realInterpreter/prelude.js):
 * Storage name "nor<sector>" -> 1 + 4096 bytes (a latin1 string), the sector from byte 1.
 */
export function norStandInFiles(sectors: NorSector[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of sectors) {
    const sector = Buffer.alloc(4096, 0xff);
    sector.set(s.bytes);
    out["nor" + s.address / 4096] = "\xff" + sector.toString("latin1");
  }
  return out;
}

/** meternet.json and agg.json for an aggregator with `n` meters in their older form (every meter listed in both). */
export function aggregatorFiles(n: number, port: number): Record<string, unknown> {
  const meters = [];
  const site = [];
  // addresses 1..n as the simulator numbers them; 64 meters (the identifier plan's
  // maximum) take 0..63.
  for (let k = 1; k <= n; k++) {
    const a = n >= 64 ? k - 1 : k;
    const household = "house " + (Math.floor((k - 1) / 4) + 1);
    const hasRelay = a % 4 === 2 || a % 4 === 3;
    meters.push({ address: a, name: "meter " + a, household, hasRelay });
    site.push({ address: a, name: "meter " + a, household, keyId: a, hasRelay, priority: a % 4 === 2 ? 1 : a % 4 === 3 ? 2 : 9 });
  }
  return {
    "meternet.json": { role: "aggregator", masterKeyHex: MASTER_KEY, meters },
    "agg.json": {
      port,
      publicRead: true,
      site: {
        maxMeters: Math.max(8, n), tz: { stdOffsetS: 3600, euDst: true }, importAdderMc: 12000, exportTariffMc: 5000,
        defaultPriceMc: 10000, limitW: 3000 * Math.ceil(n / 4), holdS: 300, saveIntervalS: 900, meters: site,
      },
    },
  };
}

/**
 * Device port of the aggregator's web server in these scenarios (the real run maps nothing:
 * keep it unprivileged), one per process: Espruino's Linux build listens with SO_REUSEPORT
 * (libs/network/linux/network_linux.c), so two runs on one port (sessions measuring at
 * once) both listen and the kernel shares the connections between them; a web client then
 * got another run's answers ("404 nothing at /" from a scenario without the web app).
 * Five digits whatever the process: the Storage files keep their size.
 */
export const AGG_PORT = 18080 + (process.pid % 1000);

export const SCENARIOS: Scenario[] = [
  { name: "prelude", bundle: null, files: {}, atS: [0, 5] },
  { name: "meter", bundle: "meter", files: meterFiles(50), atS: [0, 10, 30], role: "meter" },
  { name: "meter60", bundle: "meter", files: meterFiles(60), atS: [0, 10, 30], role: "meter60" },
  { name: "aggregator1", bundle: "aggregator", ...aggregatorSetup(1, AGG_PORT), atS: [0, 10] },
  { name: "aggregator8", bundle: "aggregator", ...aggregatorSetup(8, AGG_PORT), atS: [0, 10] },
  // the budgeted case: issue 16 asks for the identifier plan's maximum
  { name: "aggregator64", bundle: "aggregator", ...aggregatorSetup(64, AGG_PORT), atS: [0, 10], role: "aggregator" },
  // issue 16's steady state includes a browser fetching every page and API route once a second
  { name: "aggregator64web", bundle: "aggregator", ...aggregatorSetup(64, AGG_PORT), atS: [0, 10, 30, 60], client: "web" },
  { name: "aggregator1web", bundle: "aggregator", ...aggregatorSetup(1, AGG_PORT), atS: [0, 10, 30, 60], client: "web" },
  { name: "aggregator8web", bundle: "aggregator", ...aggregatorSetup(8, AGG_PORT), atS: [0, 10, 30, 60], client: "web" },
  { name: "selftest", bundle: "selftest", files: {}, atS: [0, 5] },
];
