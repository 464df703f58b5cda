/**
 * npm run upload -- --port /dev/ttyUSB0 --role meter|aggregator [options]
 *
 * Puts a built bundle on a real board (or a simulated console, tcp://127.0.0.1:PORT)
 * with the espruino CLI, in two CLI runs (three for the aggregator):
 *   1. `-e require("Storage").write("meternet.json", ...)`: the node's CAN role,
 *      address and key material (modules/link/config.ts), never part of the bundle;
 *      for the aggregator also agg.json, its site without the meter list (port, login,
 *      API token, site settings: uploadMeters.ts; a login already in the device's
 *      agg.json is kept when the new one has none, as `npm run password` writes it).
 *      The device prints CONFIG_WRITTEN when Storage took the file, and the CLI is
 *      ended then: CLI 0.1.67 never ends a run under 512 bytes by itself over an
 *      unthrottled console (process.env.CONSOLE Telnet or USB), e.g. the Linux
 *      interpreter's --telnet console or a simulated one;
 *   (aggregator) the meter list onto the SPI NOR's "meters" sector (48-byte records,
 *      modules/aggregator/meterList.ts; host/cli/uploadMeters.ts): kept when it already
 *      reads so, else erased, the records, then the header written, and read back; the
 *      device prints "N meters on the NOR" (whatever --no-web says);
 *   (aggregator) the route modules from build/stored/aggregator/ (the API's handlers, which
 *      the bundle evaluates from Storage per request: modules/aggregator/pages/routeTable.ts);
 *      the device prints "N route modules written" when all are stored;
 *   (meter, --ui) the touchscreen UI: build/stored/meterUi.js as "meterUi.js" and its screen
 *      modules build/stored/meterUi/ui<i>.js as "ui<i>" (app/meterUi), the same way;
 *   (aggregator) the web app's files from build/web/ (gzipped, as the device serves
 *      them, see modules/http/assets.ts) onto the SPI NOR's assets area
 *      (modules/http/assetsOnNor.ts): a script with its own W25Q commands that keeps
 *      every 4 KB sector already holding what it must (checked by CRC-32: a cut upload
 *      run again writes only the rest), erases and programs the others, reads each back,
 *      and writes the directory last (host/cli/uploadWebNor.ts); the device prints
 *      "N web files on the NOR" at the end;
 *   2. build/<role>.js with `--config SAVE_ON_SEND=1 --config PRETOKENISE=2`: the CLI
 *      pretokenises it and writes it to Storage as .bootcde (so it survives a power cycle),
 *      then starts it with load().
 * Everything goes into Storage in its stored (pretokenised) form, the bytes of build/stored/
 * (tools/build/pretokenise.js: the CLI's own tokeniser, so .bootcde is byte for byte
 * build/stored/<role>.js); the device's lexer reads the tokens, eval() included.
 *
 * Options:
 *   --port P          serial device (/dev/ttyUSB0) or tcp://host:port (required)
 *   --role R          meter | aggregator (required)
 *   --address N       meter: its CAN address, 0..63 (required for a meter)
 *   --name S          meter: its name in readings (default "meter N")
 *   --meters LIST     aggregator: the meters it polls, e.g. 1,2,3 (default none), named
 *                     "meter N" in "house 1" (no relay, priority 9)
 *   --site FILE       aggregator: a site file in agg.json's form (modules/aggregator/siteConfig.ts),
 *                     its "site.meters" the meters (names, households, relays, priorities,
 *                     price and renewable limits); checked as the aggregator checks it first
 *   --mains-hz F      meter: nominal mains frequency, 50 or 60 (with --mains-v; both omitted:
 *                     no "mains" in meternet.json, the meter measures 50 Hz / 230 V).
 *                     60 needs the 60 Hz firmware (boards/STM32F107/README.md): on the
 *                     50 Hz image the meter prints "NOT measuring" and the upload fails.
 *   --mains-v V       meter: declared supply voltage Udin, 100..400 V (e.g. 120, 230)
 *   --key-file F      JSON {"masterKeyHex": "<32 hex digits>"}: the network master key.
 *                     A meter gets only its own key (derived from the master key and its
 *                     address, modules/can/kdf.ts); the aggregator gets the master key.
 *                     Required for serial ports; for tcp:// the simulator's development
 *                     key (build/dev-key.json) is used when omitted, with a warning.
 *   --bundle FILE     upload FILE (plain JavaScript; the CLI pretokenises it) instead of build/<role>.js
 *   --ui              meter: also write the touchscreen UI (build/stored/meterUi.js as meterUi.js,
 *                     its screens build/stored/meterUi/ui<i>.js as ui<i>)
 *   --baud B          serial baud rate (CLI -b; USB CDC ignores it)
 *   --no-web          aggregator: leave the web app's files on the NOR as they are
 *   --dry-run         print the CLI commands (key redacted) and exit
 * Exit status: 0 when both CLI runs succeeded and the device reported no "Uncaught"
 * error and no "NOT measuring" (a meter that refused its mains settings or its
 * firmware), 1 otherwise, 2 for bad arguments.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { meterKey } from "../../modules/can/kdf.ts";
import { toHex } from "../../modules/can/hex.ts";
import { nodeAes } from "../ports/aes.ts";
import { masterKey, readKeyFile } from "../sim/keyFile.ts";
import { CONFIG_FILE, mainsOf, MAINS_V_MAX, MAINS_V_MIN, type Mains } from "../../modules/link/config.ts";
import { meterAddressOf } from "../../modules/can/idPlan.ts";
import { builtAssets, builtRouteModules } from "../web/assets.ts";
import { norWebScript, WEB_WRITTEN } from "./uploadWebNor.ts";
import { siteUpload, norMetersScript, meterLine, METERS_WRITTEN, type SiteUpload } from "./uploadMeters.ts";
import { AGG_FILE } from "../../modules/aggregator/siteConfig.ts";
import { NOR_METERS_BASE } from "../../modules/aggregator/meterList.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = ROOT + "node_modules/.bin/espruino";
/** The Storage name app/meter reads the touchscreen UI from (app/meter/main.ts readUiProgram). */
const UI_FILE = "meterUi.js";

/**
 * The touchscreen UI's Storage files, stored form: the resident UI (meterUi.js) and its
 * screen modules "ui0".."ui<n>" (build/stored/meterUi/ui<i>.js, evaluated when a screen
 * opens: modules/ports/device/display.ts loadScreenModule); null when the build is missing.
 */
export function builtUiFiles(storedDir: string): Map<string, string> | null {
  const main = join(storedDir, "meterUi.js"), dir = join(storedDir, "meterUi");
  if (!existsSync(main) || !existsSync(dir)) return null;
  const files = new Map<string, string>([[UI_FILE, readFileSync(main, "latin1")]]);
  const screens = readdirSync(dir).filter((n) => /^ui\d+\.js$/.test(n)).sort((a, b) => Number(a.slice(2, -3)) - Number(b.slice(2, -3)));
  if (screens.length === 0) return null;
  for (const n of screens) files.set(n.slice(0, -3), readFileSync(join(dir, n), "latin1"));
  return files;
}

export interface UploadArgs {
  port: string;
  role: "meter" | "aggregator";
  address?: number;
  name?: string;
  meters: number[];
  /** Aggregator: the site file (--site), agg.json's form with its meters. */
  site?: string;
  /** Meter: "mains" for meternet.json (--mains-hz, --mains-v); undefined: not written (50 Hz / 230 V). */
  mains?: Mains;
  keyFile?: string;
  bundle: string;
  baud?: number;
  dryRun: boolean;
  /** Aggregator: write build/web/ onto the NOR (default; --no-web skips). */
  web: boolean;
  /** Meter: write the touchscreen UI file meterUi.js (--ui). */
  ui: boolean;
}

export class UsageError extends Error {}

export function parseArgs(argv: string[]): UploadArgs {
  const a: Partial<UploadArgs> & { meters: number[]; dryRun: boolean; web: boolean; ui: boolean } = { meters: [], dryRun: false, web: true, ui: false };
  let mainsHz: number | undefined;
  let mainsV: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(flag + " needs a value");
      return v;
    };
    switch (flag) {
      case "--port": a.port = value(); break;
      case "--role": {
        const r = value();
        if (r !== "meter" && r !== "aggregator") throw new UsageError("--role must be meter or aggregator, not '" + r + "'");
        a.role = r;
        break;
      }
      case "--address": {
        // the meter's own check (modules/can/idPlan.ts meterAddressOf), on the number the
        // digits give ("5" -> 5; "5x", "" and "-1" are no address)
        const v = value();
        try {
          a.address = meterAddressOf(/^\d+$/.test(v) ? Number(v) : v);
        } catch (e) {
          throw new UsageError("--address: " + (e as Error).message);
        }
        break;
      }
      case "--name": a.name = value(); break;
      case "--site": a.site = value(); break;
      case "--meters": {
        const v = value();
        const list = v.split(",").map((s) => s.trim());
        try {
          a.meters = list.map((s) => meterAddressOf(/^\d+$/.test(s) ? Number(s) : s));
        } catch (e) {
          throw new UsageError("--meters needs addresses 0..63 separated by commas, e.g. 1,2,3: " + (e as Error).message);
        }
        break;
      }
      case "--mains-hz": {
        const v = value();
        if (v !== "50" && v !== "60") throw new UsageError("--mains-hz must be 50 or 60, not '" + v + "'");
        mainsHz = Number(v);
        break;
      }
      case "--mains-v": {
        const v = value();
        const n = Number(v);
        if (!/^\d+(\.\d+)?$/.test(v) || n < MAINS_V_MIN || n > MAINS_V_MAX) throw new UsageError("--mains-v must be the declared voltage in volts, " + MAINS_V_MIN + ".." + MAINS_V_MAX + ", not '" + v + "'");
        mainsV = n;
        break;
      }
      case "--key-file": a.keyFile = value(); break;
      case "--bundle": a.bundle = value(); break;
      case "--baud": {
        const n = Number(value());
        if (!(n > 0)) throw new UsageError("--baud needs a positive number");
        a.baud = n;
        break;
      }
      case "--dry-run": a.dryRun = true; break;
      case "--no-web": a.web = false; break;
      case "--ui": a.ui = true; break;
      default: throw new UsageError("unknown option '" + flag + "'");
    }
  }
  if (!a.port) throw new UsageError("--port is required (e.g. /dev/ttyUSB0 or tcp://127.0.0.1:2324)");
  if (!a.role) throw new UsageError("--role is required (meter or aggregator)");
  if (a.role === "meter" && a.address === undefined) throw new UsageError("a meter needs --address N (0..63)");
  if (a.role === "aggregator" && a.address !== undefined) throw new UsageError("--address is for meters; the aggregator polls --meters");
  if ((mainsHz === undefined) !== (mainsV === undefined)) throw new UsageError("--mains-hz and --mains-v go together (e.g. --mains-hz 60 --mains-v 120): a meter is never left to guess one of them");
  if (mainsHz !== undefined && a.role !== "meter") throw new UsageError("--mains-hz / --mains-v are for meters");
  if (a.ui && a.role !== "meter") throw new UsageError("--ui is for meters (the touchscreen UI file)");
  if (a.site !== undefined && a.role !== "aggregator") throw new UsageError("--site is for the aggregator (its agg.json and meter list)");
  if (a.site !== undefined && a.meters.length) throw new UsageError("--site or --meters: the site file lists the meters");
  if (mainsHz !== undefined) a.mains = mainsOf({ mains: { hz: mainsHz, v: mainsV } }); // the meter's own check
  if (!a.keyFile && !a.port.startsWith("tcp://")) throw new UsageError("--key-file is required for real hardware (JSON {\"masterKeyHex\": \"<32 hex digits>\"})");
  return { ...a, bundle: a.bundle || ROOT + "build/" + a.role + ".js" } as UploadArgs;
}

/** The meternet.json content for the node (modules/link/config.ts). */
export function nodeConfig(args: UploadArgs, master: Uint8Array): object {
  if (args.role === "meter") {
    const address = args.address as number;
    const cfg = { role: "meter", address, keyHex: toHex(meterKey(nodeAes(), master, address)), name: args.name || "meter " + address };
    return args.mains ? { ...cfg, mains: { hz: args.mains.hz, v: args.mains.v } } : cfg;
  }
  // the meters it polls are its registry's (the NOR list: uploadMeters.ts), not listed here
  return { role: "aggregator", masterKeyHex: toHex(master) };
}

/** What the device prints once Storage has taken meternet.json (the command itself
 * never contains it verbatim, so an echo of the command cannot be taken for it). */
export const CONFIG_WRITTEN = CONFIG_FILE + " written";

/**
 * The two CLI argument lists: config write (meternet.json; with `agg`, agg.json too, the
 * device's agg.json login kept when `agg` has none), then the saved upload.
 */
export function cliCommands(args: UploadArgs, config: object, agg?: object): string[][] {
  const common = ["--no-ble", "-p", args.port, ...(args.baud ? ["-b", String(args.baud)] : [])];
  let store = "require(\"Storage\").write(" + JSON.stringify(CONFIG_FILE) + "," + JSON.stringify(JSON.stringify(config)) + ")";
  if (agg) {
    store = "(function(S,c){var o=S.readJSON(" + JSON.stringify(AGG_FILE) + ",1);if(o&&o.auth&&!c.auth)c.auth=o.auth;return S.write(" + JSON.stringify(AGG_FILE) + ",JSON.stringify(c))})(require(\"Storage\")," +
      JSON.stringify(agg) + ")&&" + store;
  }
  const write = "print(" + store + "?" + JSON.stringify(CONFIG_FILE + " ") + "+\"written\":" + JSON.stringify(CONFIG_FILE + " NOT stored") + ")";
  return [
    [...common, "-e", write],
    // PRETOKENISE=2: the CLI's tokeniser, the one the build's build/stored/ comes from
    [...common, "--config", "SAVE_ON_SEND=1", "--config", "PRETOKENISE=2", args.bundle],
  ];
}

/** Bytes of one Storage write in the upload script (base64 makes the line 4/3 of it). */
const PIECE = 768;

/** What the device prints once every route module is stored (never verbatim in the script). */
export const ROUTES_WRITTEN = "route modules written";

/**
 * A JavaScript string literal of a byte string in printable ASCII only: stored code holds
 * token bytes 0x8A..0xD5, NUL and other control bytes, which must reach Storage byte for
 * byte whatever the CLI and the serial line do with text (2v29 reads \xNN, src/jslex.c).
 */
export function byteStringLiteral(bytes: string): string {
  let out = '"';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    if (c > 255) throw new Error("byteStringLiteral: char U+" + c.toString(16) + " at " + i + " is not a byte");
    if (c === 34 || c === 92) out += "\\" + bytes[i];
    else if (c >= 32 && c < 127) out += bytes[i];
    else out += "\\x" + (c < 16 ? "0" : "") + c.toString(16);
  }
  return out + '"';
}

/**
 * The script that puts the aggregator's route modules (modules/aggregator/pages/routeTable.ts)
 * into Storage: each file created at its full size and filled in pieces; a file that
 * would not fit says so ("Uncaught", which fails the upload).
 */
export function routesUploadScript(files: Map<string, string>): string {
  return codeFilesScript(files, ROUTES_WRITTEN);
}

/** What the meter prints once the UI files are stored (--ui), after their count. */
export const UI_WRITTEN = "UI files written";

/** The script that writes the meter's UI files (builtUiFiles: meterUi.js and the screens' ui<i>). */
export function uiUploadScript(files: Map<string, string>): string {
  return codeFilesScript(files, UI_WRITTEN);
}

/** Code files into Storage, each created at its full size and filled in pieces; then "<count> <written>". */
function codeFilesScript(files: Map<string, string>, written: string): string {
  const lines = ['var S=require("Storage");'];
  for (const [name, code] of files) {
    for (let o = 0; o < code.length; o += PIECE) {
      lines.push("S.write(" + JSON.stringify(name) + "," + byteStringLiteral(code.slice(o, o + PIECE)) + "," + o + (o === 0 ? "," + code.length : "") + ");");
    }
  }
  lines.push("print(" + JSON.stringify(files.size + " ") + "+" + JSON.stringify(written).replace(" ", "\\u0020") + ");");
  return lines.join("\n") + "\n";
}

/** Wait after the device's confirmation before ending the CLI: its prompt and any late output arrive. */
const CONFIRM_SETTLE_MS = 500;

/**
 * Runs the CLI, passing its output through; an "Uncaught" or a meter's "NOT measuring"
 * from the device fails the run. With `confirmation`, the run succeeds when the device
 * prints it: the CLI is ended CONFIRM_SETTLE_MS later if it has not exited by then
 * (`confirmed`), and a CLI that exits without it has not done its job.
 */
function runCli(cliArgs: string[], timeoutMs: number, confirmation?: string): Promise<{ code: number; deviceError: boolean; confirmed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(CLI, cliArgs, { stdio: ["ignore", "pipe", "inherit"] });
    let deviceError = false;
    let confirmed = false;
    let seen = "";
    let endTimer: ReturnType<typeof setTimeout> | undefined;
    child.stdout.on("data", (d: Buffer) => {
      process.stdout.write(d);
      const text = d.toString("latin1");
      if (/Uncaught |NOT measuring: /.test(text)) deviceError = true;
      if (confirmation && !confirmed) {
        seen = (seen + text).slice(-4 * confirmation.length);
        if (seen.includes(confirmation)) {
          confirmed = true;
          endTimer = setTimeout(() => child.kill("SIGTERM"), CONFIRM_SETTLE_MS);
        }
      }
    });
    const timer = setTimeout(() => {
      process.stderr.write("upload: the espruino CLI did not finish within " + timeoutMs / 1000 + " s: stopped\n");
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (endTimer) clearTimeout(endTimer);
      resolve({ code: confirmed ? 0 : code === null ? 1 : code, deviceError, confirmed });
    });
    child.on("error", (e) => { clearTimeout(timer); process.stderr.write("upload: cannot run " + CLI + ": " + e.message + "\n"); resolve({ code: 1, deviceError, confirmed }); });
  });
}

/** What the upload writes for the aggregator's site: agg.json's settings, then one line a meter. */
export function siteSummary(site: SiteUpload): string {
  const s = site.settings;
  const login = s.auth ? "login " + JSON.stringify(s.auth.user) + " from the site file" : "no login in the site file (the device's agg.json login is kept, else auth.json's or the web app's first page sets one)";
  const lines = [
    "upload: " + AGG_FILE + ", " + JSON.stringify(site.aggJson).length + " B: web port " + s.port + ", " + (s.publicRead ? "pages readable without login" : "pages need the login") + ", API token " + (s.apiToken ? "set" : "none") + ", " + login +
      "; site: up to " + s.site.maxMeters + " meters, contracted " + s.site.limitW + " W",
    "upload: meter list, " + site.meters.length + " meters, " + site.sector.bytes.length + " B, onto the SPI NOR at 0x" + NOR_METERS_BASE.toString(16) + (site.meters.length ? ":" : " (the aggregator polls none)"),
    ...site.meters.map(meterLine),
  ];
  return lines.join("\n") + "\n";
}

function redact(cmd: string[], secretHex: string): string {
  return cmd.map((c) => c.split(secretHex).join("<key>")).map((c) => (/^[\w./:=-]+$/.test(c) ? c : JSON.stringify(c))).join(" ");
}

export async function main(argv: string[], timeoutMs = 120000): Promise<number> {
  let args: UploadArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write("upload: " + e.message + "\nusage: npm run upload -- --port /dev/ttyUSB0 --role meter|aggregator [--address N] [--key-file F] (see host/cli/upload.ts)\n");
    return 2;
  }
  if (!existsSync(args.bundle)) {
    process.stderr.write("upload: " + args.bundle + " missing: run `npm run build` first\n");
    return 2;
  }
  let master: Uint8Array;
  try {
    if (args.keyFile) master = readKeyFile(args.keyFile);
    else {
      const k = masterKey(undefined, ROOT + "build/dev-key.json");
      process.stderr.write("WARNING: no --key-file: using the simulator's development key " + k.path + " (simulated devices only)\n");
      master = k.key;
    }
  } catch (e) {
    process.stderr.write("upload: " + (e as Error).message + "\n");
    return 2;
  }
  // the aggregator's site (agg.json and the meter list), checked before any CLI run
  let site: SiteUpload | undefined;
  if (args.role === "aggregator") {
    try {
      site = siteUpload(args.site !== undefined ? JSON.parse(readFileSync(args.site, "utf8")) : undefined, args.meters);
    } catch (e) {
      process.stderr.write("upload: " + (args.site !== undefined ? args.site + ": " : "") + (e as Error).message + "\n");
      return 2;
    }
  }
  const config = nodeConfig(args, master);
  const secret = args.role === "meter" ? (config as { keyHex: string }).keyHex : toHex(master);
  const [writeConfig, upload] = cliCommands(args, config, site && site.aggJson);
  if (site) process.stdout.write(siteSummary(site));
  if (args.dryRun) {
    const token = site && site.settings.apiToken;
    for (const c of [writeConfig, upload]) process.stdout.write("espruino " + redact(token ? c.map((x) => x.split(token).join("<token>")) : c, secret) + "\n");
    if (site) process.stdout.write("(between them: espruino --no-ble -p " + args.port + " build/meters-upload.js, the meter list onto the SPI NOR)\n");
    if (args.role === "aggregator") process.stdout.write("(between them: espruino --no-ble -p " + args.port + " build/routes-upload.js, the route modules from build/aggregator)\n");
    if (args.role === "aggregator" && args.web) process.stdout.write("(between them: espruino --no-ble -p " + args.port + " build/web-upload.js, the web app's files from build/web onto the SPI NOR)\n");
    if (args.ui) process.stdout.write("(between them: espruino --no-ble -p " + args.port + " build/ui-upload.js, build/stored/meterUi.js as meterUi.js and build/stored/meterUi/ui<i>.js as ui<i>)\n");
    return 0;
  }
  const mainsText = args.role !== "meter" ? "" : args.mains ? ", mains " + args.mains.hz + " Hz " + args.mains.v + " V" : ", mains not set: 50 Hz 230 V";
  process.stdout.write("upload: writing " + CONFIG_FILE + (site ? " and " + AGG_FILE : "") + " (" + args.role + (args.role === "meter" ? " " + args.address : "") + mainsText + ") to " + args.port + "\n");
  const w = await runCli(writeConfig, timeoutMs, CONFIG_WRITTEN);
  if (w.code !== 0 || w.deviceError || !w.confirmed) {
    const why = w.deviceError ? " on the device (see its error above)" : w.code === 0 ? ": the device never printed \"" + CONFIG_WRITTEN + "\" (full Storage? not an Espruino console?)" : "";
    process.stderr.write("upload: writing " + CONFIG_FILE + " failed" + why + "\n");
    return 1;
  }
  // Files the aggregator keeps beside its bundle (in Storage; the web app's on the NOR),
  // each set written by one script the CLI runs, ended by the device's confirmation.
  const writeFiles = async (what: string, files: Map<string, string>, scriptOf: (f: Map<string, string>) => string, script: string, confirm?: string): Promise<boolean> => {
    writeFileSync(script, scriptOf(files));
    let bytes = 0;
    for (const v of files.values()) bytes += v.length;
    process.stdout.write("upload: " + what + ", " + files.size + " files, " + bytes + " B\n");
    const w = await runCli(["--no-ble", "-p", args.port, ...(args.baud ? ["-b", String(args.baud)] : []), script], timeoutMs, confirm);
    if (w.code === 0 && !w.deviceError && (!confirm || w.confirmed)) return true;
    process.stderr.write("upload: writing the " + what + " failed" + (w.deviceError ? " on the device (see its error above; Storage full?)" : "") + "\n");
    return false;
  };
  if (site) {
    // the meter list: the aggregator has no meter without it, so written whatever --no-web says
    const script = ROOT + "build/meters-upload.js";
    writeFileSync(script, norMetersScript(site));
    const m = await runCli(["--no-ble", "-p", args.port, ...(args.baud ? ["-b", String(args.baud)] : []), script], timeoutMs, site.meters.length + " " + METERS_WRITTEN);
    if (m.code !== 0 || m.deviceError || !m.confirmed) {
      process.stderr.write("upload: writing the meter list onto the SPI NOR failed" + (m.deviceError ? " on the device (see its error above)" : "") + "\n");
      return 1;
    }
  }
  if (args.role === "aggregator") {
    // the API's handlers: code the bundle evaluates per request, so they are written whatever --no-web says
    const routes = builtRouteModules(ROOT + "build/stored/aggregator");
    if (!routes) {
      process.stderr.write("upload: build/stored/aggregator/ (the route modules) missing: run `npm run build` first\n");
      return 1;
    }
    if (!(await writeFiles("route modules", routes, routesUploadScript, ROOT + "build/routes-upload.js", ROUTES_WRITTEN))) return 1;
  }
  if (args.ui) {
    const ui = builtUiFiles(ROOT + "build/stored");
    if (!ui) {
      process.stderr.write("upload: build/stored/meterUi.js or build/stored/meterUi/ui<i>.js missing: run `npm run build` first\n");
      return 1;
    }
    if (!(await writeFiles("touchscreen UI", ui, uiUploadScript, ROOT + "build/ui-upload.js", ui.size + " " + UI_WRITTEN))) return 1;
  }
  if (args.role === "aggregator" && args.web) {
    const files = builtAssets(ROOT + "build/web");
    if (!files) {
      process.stderr.write("upload: build/web/web.json missing: run `npm run build` first (or --no-web)\n");
      return 1;
    }
    let script: (f: Map<string, string>) => string;
    try {
      norWebScript(files); // does it fit the NOR's assets area? say so before any CLI run
      script = norWebScript;
    } catch (e) {
      process.stderr.write("upload: " + (e as Error).message + "\n");
      return 1;
    }
    if (!(await writeFiles("web app (onto the SPI NOR)", files, script, ROOT + "build/web-upload.js", WEB_WRITTEN))) return 1;
  }
  process.stdout.write("upload: " + args.bundle + " to " + args.port + " (saved to flash as .bootcde)\n");
  const u = await runCli(upload, timeoutMs);
  if (u.code !== 0) {
    process.stderr.write("upload: uploading " + args.bundle + " failed\n");
    return 1;
  }
  if (u.deviceError) {
    process.stderr.write("upload: " + args.bundle + " is saved, but it reported an error when it started (see above)\n");
    return 1;
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
