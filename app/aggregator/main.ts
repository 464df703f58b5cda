// Aggregator entry point: wiring only. Every Espruino global it needs comes through
// modules/ports/device (Storage files, the HTTP server, the console, the route-module
// loader, the collector); agg.json is read once, here, and checked field by field before
// anything is built from it (modules/aggregator/siteConfig.ts: a wrong field is said,
// counted and replaced by its safe default). Then: restore the saved state, tick once a
// second, poll the meters over CAN (modules/link), and serve the JSON API and the browser
// app's files (on the SPI NOR: modules/http/assetsOnNor.ts) on the configured port (default 80).
import { Aggregator } from "../../modules/aggregator/aggregator";
import { restoreAggregator } from "../../modules/aggregator/restoreState";
import { MeterReading } from "../../modules/aggregator/readingsStore";
import { CommandPort } from "../../modules/aggregator/commandPort";
import { aggSettingsOf, AGG_FILE, AggSettings } from "../../modules/aggregator/siteConfig";
import { AuthState, AuthConfig } from "../../modules/http/authState";
import { createHandler } from "../../modules/http/server";
import { lazyRoutes } from "../../modules/aggregator/pages/routeTable";
import { espruinoKvStoreWithBytes } from "../../modules/ports/device/kvStore";
import { espruinoHash } from "../../modules/ports/device/hash";
import { boardNorFitted, boardHistory, boardWebFiles, boardMeterList } from "../../modules/ports/device/boardNor";
import { boardAggState } from "../../modules/ports/device/boardFram";
import { deviceLog, exposeGlobals } from "../../modules/ports/device/console";
import { writeJsonFile } from "../../modules/ports/device/configFile";
import { deviceStorage } from "../../modules/ports/device/storageFiles";
import { listenHttp } from "../../modules/ports/device/httpServer";
import { loadRouteModule } from "../../modules/ports/device/routeModules";
import { collectSoon } from "../../modules/ports/device/collector";
import { repeatEvery } from "../../modules/ports/device/timer";
import { espruinoAggregatorLink } from "../../modules/link/espruinoLink"; // CAN link (modules/link)
import { rowReadings } from "../../modules/link/rowReadings"; // CAN link (modules/link)

const files = deviceStorage();
// agg.json, read once; let go at the end of boot (kept, its JsVars would stay taken)
let cfg: AggSettings | undefined = aggSettingsOf(files.readJSON(AGG_FILE, true), deviceLog);
const nowS = () => Math.floor(Date.now() / 1000);

// Without a CAN link (no meternet.json, no CAN1) commands are only printed; with one, the
// link's sendCommand (C: CAN1.linkCommand, signed, acknowledged, retried) replaces this below.
const commands: CommandPort = {
  sendCommand: (address, command) => {
    deviceLog("aggregator: " + command + " meter " + address + " (no CAN command port yet)");
    return 0;
  },
};

const nor = boardNorFitted();
// state on the FRAM and history on the SPI NOR when fitted, each else in Storage files
// (made only then: held by the Aggregator, it would cost its JsVars for nothing)
const framState = boardAggState(cfg.site.maxMeters, deviceLog);
const norHistory = boardHistory(nor, deviceLog);
const files2 = framState && norHistory ? undefined : espruinoKvStoreWithBytes("");
const agg = new Aggregator(cfg.site, (framState || files2)!, commands, norHistory || files2);
agg.logLine = deviceLog; // before restore(): a damaged saved state is said on the console
// The meters: the list `npm run upload` wrote on the NOR, read record by record into the
// registry (modules/aggregator/meterList.ts), unless agg.json lists them (its older form).
if (nor && !agg.reg.count) boardMeterList(agg.reg, deviceLog);
// The registry holds the meters now, packed; the objects agg.json parsed into cost 16
// JsVars a meter (about 1000 for 64) and nothing reads them again.
cfg.site.meters = [];

exposeGlobals({
  agg: agg,
  /** A reading from outside the CAN link (the console, tests): straight into the store. */
  onReading: function (r: MeterReading): boolean {
    return agg.onReading(r);
  },
});
// CAN link (modules/link): the C behind CAN1 polls the registry's meters and keeps
// their answers; once a second the meters with news reach agg (readings, outcomes for
// the offline marks, the co-generator), and the decisions' relay commands go to the
// meters authenticated.
const canLink = espruinoAggregatorLink(rowReadings(agg, nowS, deviceLog), agg.reg.address.subarray(0, agg.reg.count));
if (canLink) commands.sendCommand = (a, c) => canLink.sendCommand(a, c);
// voltage, current and quality flags: read from the link's C when a page asks (none per answer in JavaScript)
if (canLink) {
  agg.store.live = canLink;
  agg.store.liveAddress = agg.reg.address;
}
// Restored after the CAN link: the restore reads the history (built for the task:
// lazyHistory.ts), and the link's tables are large flat strings that need contiguous
// JsVars (allocated after that, at 8 meters on 3 800 variables they did not find them:
// branch lazy16, measured). Given the time, it claims today's ledger row while the
// history is built, not at the first tick beside the link's work.
deviceLog("aggregator: restored " + (restoreAggregator(agg, nowS()) || "nothing"));

// The password: Storage "auth.json" (written when it is set or changed through the
// API), else "auth" in agg.json. With neither, nobody can log in (an empty hash never matches) and
// the app's first-run page sets it.
const AUTH_FILE = "auth.json";
const auth = new AuthState(espruinoHash(), (files.readJSON(AUTH_FILE, true) as AuthConfig | undefined) || cfg.auth || { user: "", saltHex: "", hashHex: "", iterations: 1, sessionS: 3600, maxFailures: 5, lockS: 300 });
if (auth.firstRun()) deviceLog("aggregator: no password: open the web app to set one");
// The API's handlers are Storage modules (routeTable.ts), evaluated for each request
// (modules/ports/device/routeModules.ts); a garbage collection follows each request
// (modules/http/server.ts collect, modules/ports/device/collector.ts).
const server = createHandler({
  routes: lazyRoutes({ agg: agg, auth: auth, files: boardWebFiles(nor), publicRead: cfg.publicRead, saveAuth: (a: AuthConfig) => writeJsonFile(AUTH_FILE, a) }, loadRouteModule),
  auth: auth, publicRead: cfg.publicRead, apiToken: cfg.apiToken, nowS: nowS, maxStreams: 2, collect: collectSoon, bodyOnDrain: true,
});
listenHttp(cfg.port, server.handle);
// once a second, re-armed first: an out-of-memory interrupt cannot stop it (timer.ts);
// the CAN link's rows first (TICK_MS), so the decisions see this second's readings
const linkTicks = canLink && canLink.started === 0 ? canLink : null;
repeatEvery(1000, () => {
  if (linkTicks) linkTicks.tick();
  agg.tick(nowS());
});
deviceLog("aggregator: web on port " + cfg.port + (nor ? "" : " (API only: no NOR)"));
cfg = undefined;
