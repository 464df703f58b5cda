// Aggregator entry point: wiring only. Reads its configuration from Storage
// "agg.json" (see AggFile below), restores the saved state, ticks once a second and
// serves the JSON API and the browser app's files (Storage "web.json" and the files it
// names, see modules/http/assets.ts) with require("http") on the configured port (default 80).
import { Aggregator, AggConfig } from "../../modules/aggregator/aggregator";
import { MeterReading } from "../../modules/aggregator/readingsStore";
import { CommandPort } from "../../modules/aggregator/commandPort";
import { AuthState, AuthConfig } from "../../modules/http/authState";
import { HashPort } from "../../modules/http/hashPort";
import { createHandler } from "../../modules/http/server";
import { lazyRoutes, RouteModule } from "../../modules/aggregator/pages/routeTable";
import { espruinoKvStoreWithBytes } from "../../modules/ports/device/kvStore";
import { espruinoHash } from "../../modules/ports/device/hash";
import { espruinoAggregatorLink } from "../../modules/link/espruinoLink"; // CAN link (modules/link)
import { rowReadings } from "../../modules/link/rowReadings"; // CAN link (modules/link)

interface AggFile {
  port?: number;
  /** Reading without login (dashboard, loads, bills): off unless set to true. */
  publicRead?: boolean;
  apiToken?: string;
  auth?: AuthConfig;
  site?: AggConfig;
}

const storage = require("Storage");
const file = (storage.readJSON("agg.json", true) || {}) as AggFile;
const nowS = () => Math.floor(Date.now() / 1000);

const hash: HashPort = espruinoHash();

const site: AggConfig = file.site || {
  maxMeters: 8, tz: { stdOffsetS: 3600, euDst: true }, importAdderMc: 12000, exportTariffMc: 5000, defaultPriceMc: 10000,
  limitW: 9200, holdS: 300, saveIntervalS: 900, meters: [],
};

// Without a CAN link (no meternet.json, no CAN1) commands are only printed; with one, the
// link's sendCommand (C: CAN1.linkCommand, signed, acknowledged, retried) replaces this below.
const commands: CommandPort = {
  sendCommand: (address, command) => {
    print("aggregator: " + command + " meter " + address + " (no CAN command port yet)");
    return 0;
  },
};

const agg = new Aggregator(site, espruinoKvStoreWithBytes(""), commands);
agg.logLine = print; // before restore(): a damaged saved state is said on the console
// The registry holds the meters now, packed; the objects agg.json parsed into cost 16
// JsVars a meter (about 1000 for 64) and nothing reads them again.
site.meters = [];
print("aggregator: restored " + (agg.restore() || "nothing"));

/** A reading from outside the CAN link (the console, tests): straight into the store. */
function onReading(r: MeterReading): boolean {
  return agg.onReading(r);
}
global.onReading = onReading;
global.agg = agg;
// CAN link (modules/link): the C behind CAN1 polls the meters of meternet.json and keeps
// their answers; once a second the meters with news reach agg (readings, outcomes for
// the offline marks, the co-generator), and the decisions' relay commands go to the
// meters authenticated.
const canLink = espruinoAggregatorLink(rowReadings(agg, nowS, print));
if (canLink) commands.sendCommand = (a, c) => canLink.sendCommand(a, c);
// voltage, current and quality flags: read from the link's C when a page asks (none per answer in JavaScript)
if (canLink) {
  agg.store.live = canLink;
  agg.store.liveAddress = agg.reg.address;
}

// The password: Storage "auth.json" (written when it is set or changed through the
// API), else "auth" in agg.json. With neither, nobody can log in (an empty hash never matches) and
// the app's first-run page sets it.
const AUTH_FILE = "auth.json";
const authCfg: AuthConfig = (storage.readJSON(AUTH_FILE, true) as AuthConfig | undefined) || file.auth || { user: "", saltHex: "", hashHex: "", iterations: 1, sessionS: 3600, maxFailures: 5, lockS: 300 };
const auth = new AuthState(hash, authCfg);
if (auth.firstRun()) print("aggregator: no password set: open the web app to set one");
const publicRead = file.publicRead === true;
const saveAuth = (cfg: AuthConfig) => {
  try { return !!storage.write(AUTH_FILE, JSON.stringify(cfg)); } catch (e) { return false; }
};
// The API's handlers are Storage modules (routeTable.ts), evaluated for each request
// from flash (their function code stays there) and garbage once the reply has ended.
// global.eval: an indirect call, so terser still shortens this file's names.
const loadRoutes = (name: string): RouteModule => {
  const code = storage.read(name);
  if (!code) throw { status: 500, msg: name + " is not in Storage: upload the aggregator again (npm run upload -- --role aggregator)" };
  return (global.eval as (s: string) => RouteModule)(code);
};
// A garbage collection after each request (modules/http/server.ts collect), from a timer:
// collecting inside the http callback itself broke replies on 2v29 (measured: GET / then
// often answered 404, its manifest unreadable), collecting from the idle loop does not.
let gcDue = false;
const collect = () => {
  if (gcDue) return;
  gcDue = true;
  setTimeout(() => { gcDue = false; process.memory(); }, 0);
};
const server = createHandler({ routes: lazyRoutes({ agg: agg, auth: auth, files: storage, publicRead: publicRead, saveAuth: saveAuth }, loadRoutes), auth: auth, publicRead: publicRead, apiToken: file.apiToken || "", nowS: nowS, maxStreams: 2, collect: collect });
require("http").createServer(server.handle).listen(file.port || 80);
setInterval(() => agg.tick(nowS()), 1000);
print("aggregator: web on port " + (file.port || 80) + (storage.read("web.json") ? "" : " (API only: no web.json in Storage, see npm run upload)"));
