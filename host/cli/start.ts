/**
 * meternet start: the simulated meter network (npm start).
 *
 *   npm start -- [--meters N] [--speed X] [--duration S] [--port P] [--slcan-port P]
 *                [--console-port P] [--key-file F] [--start HH:MM] [--dips P]
 *                [--log FILE] [--status-every S] [--host H] [--password P] [--date YYYY-MM-DD]
 *                [--offline-after N] [--silence A@S] [--until S]
 *                [--faults] [--seed N] [--fault-every S] [--fault-bound S]
 *                [--new-devices] [--max-missed-share F] [--ota WHAT@S ...]
 *
 * --meters N       meters on the bus, 1..63 (default 4: washing machine, heater, fridge, PV)
 * --speed X        device seconds per wall second (default 1; 60: an hour a minute)
 * --duration S     headless: run S wall seconds, print the JSON summary as the last line,
 *                  exit 1 if a meter never answered, a frame was rejected, a bundle threw
 *                  or the web page failed
 * --until S        headless: stop once S seconds of device time have run (86400: a
 *                  simulated day, however fast the host is); --duration still caps it
 * --faults         fault campaign (host/sim/faults.ts): at seeded random instants, meter power
 *                  cycles, bus cuts, bit errors, a babbling node, a colliding node and a
 *                  replaying node; the summary gets a `faults` table and fails if a forged or
 *                  replayed frame was accepted or a meter was not back within --fault-bound
 * --seed N         the campaign's seed (default 1): the same seed gives the same faults
 * --fault-every S  device seconds per fault (default 300: 288 faults in a simulated day)
 * --fault-bound S  every meter answers again within S device seconds after a fault (default 60)
 * --max-missed-share F  a meter that missed more than this share (0..1) of its polls fails
 *                  the run (default 0.05): missed counts every poll owed and not answered
 * --port P         aggregator web page on H:P (default 8080)
 * --host H         address the web page, SLCAN and consoles bind to (default 127.0.0.1,
 *                  this computer only; 0.0.0.0 opens them to the network: set --password)
 * --password P     the administrator login (user "admin") for Control; default: a
 *                  one-time password generated now and shown once on this terminal
 * --date D         the simulated local date (default today), e.g. 2026-10-25 (a DST day)
 * --offline-after N  missed polls in a row after which a meter is offline (default 3)
 * --silence A@S    meter A stops answering S simulated seconds after the start (its CAN
 *                  controller stops): shows a meter going offline; the summary then fails
 * --slcan-port P   SLCAN endpoint on the bus (default 3333; python-can "socket://127.0.0.1:P")
 * --console-port P Espruino consoles: aggregator P, meters P+1.. (default 2323)
 * --key-file F     JSON {"masterKeyHex": "..."}; default: a development key in build/dev-key.json
 * --new-devices    start from new devices: empty the folder that keeps their flash and FRAM
 *                  between runs (next to the key: build/dev-key.state, F.state for F.json);
 *                  kept, freshness continues and frames of earlier runs are refused as stale
 * --start HH:MM    local time (CET/CEST) the simulation starts at (default 07:00)
 * --dips P         probability of a voltage dip per meter and 10 minutes (default 0.3)
 * --ota WHAT@S     a script update of every meter through the aggregator's API once S
 *                  device seconds have run (repeatable, in order; host/sim/otaPlan.ts):
 *                  WHAT is a bundle file, "changed" (this bundle + `var otaVersion = N`:
 *                  switched, trial, confirmed) or "crash" (throws at start: switched, then
 *                  reverted at the trial deadline); the summary's `ota` says per update how
 *                  many switched, confirmed and reverted. Trial: 10 s healthy to confirm,
 *                  30 s deadline. The same from outside: `meternet ota` (host/cli/ota.ts)
 * --log FILE       everything the devices print (default build/sim.log)
 * --status-every S status lines every S wall seconds when stdout is not a terminal (default 10)
 */
import { argsOrStatus, docUsage } from "./docUsage.ts";
import { readFileSync, createWriteStream, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SimNetwork } from "../sim/network.ts";
import { masterKey } from "../sim/keyFile.ts";
import { statusLines, summary, checkWeb, DEFAULT_MAX_MISSED_SHARE } from "../sim/report.ts";
import { DeviceState, stateDirFor } from "../sim/deviceState.ts";
import { FaultCampaign } from "../sim/faults.ts";
import { openConsoles, consoleDeviceFactory, type Consoles } from "../sim/consoles.ts";
import { SITE_TZ } from "../sim/network.ts";
import { authConfig, oneTimePassword, ADMIN_USER } from "../sim/adminLogin.ts";
import { localDay, dayStartS, parseDay, dayText } from "../../modules/aggregator/localTime.ts";
import { parseOtaStep, runOtaPlan, type OtaStep, type OtaOutcome } from "../sim/otaPlan.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

interface Args {
  meters: number;
  speed: number;
  duration: number;
  /** Device seconds after which a headless run ends (0: none). */
  untilS?: number;
  port: number;
  slcanPort: number;
  consolePort: number;
  keyFile?: string;
  startHHMM: string;
  dips: number;
  log: string;
  statusEvery: number;
  host: string;
  password?: string;
  date?: string;
  offlineAfter: number;
  silence?: { address: number; afterS: number };
  faults: boolean;
  seed: number;
  faultEveryS: number;
  faultBoundS: number;
  newDevices: boolean;
  /** A meter that missed more than this share of its polls fails the run. */
  maxMissedShare: number;
  /** Script updates during the run (--ota WHAT@S). */
  ota: OtaStep[];
}

export function parseArgs(argv: string[]): Args {
  const a: Args = { meters: 4, speed: 1, duration: 0, port: 8080, slcanPort: 3333, consolePort: 2323, startHHMM: "07:00", dips: 0.3, log: root + "build/sim.log", statusEvery: 10, host: "127.0.0.1", offlineAfter: 3, faults: false, seed: 1, faultEveryS: 300, faultBoundS: 60, newDevices: false, maxMissedShare: DEFAULT_MAX_MISSED_SHARE, ota: [] };
  const num = (flag: string, v: string | undefined, min: number, max: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < min || n > max) throw new Error(`${flag} needs a number ${min}..${max}, got '${v ?? ""}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    const v = argv[i + 1];
    switch (f) {
      case "--meters": a.meters = num(f, v, 1, 63); if (!Number.isInteger(a.meters)) throw new Error("--meters needs a whole number"); i++; break;
      case "--speed": a.speed = num(f, v, 0.01, 10000); i++; break;
      case "--duration": a.duration = num(f, v, 0.1, 1e7); i++; break;
      case "--until": a.untilS = num(f, v, 1, 1e8); i++; break;
      case "--port": a.port = num(f, v, 0, 65535); i++; break;
      case "--slcan-port": a.slcanPort = num(f, v, -1, 65535); i++; break;
      case "--console-port": a.consolePort = num(f, v, 0, 65535); i++; break;
      case "--key-file": if (!v) throw new Error("--key-file needs a path"); a.keyFile = v; i++; break;
      case "--start": if (!v || !/^([01]\d|2[0-3]):[0-5]\d$/.test(v)) throw new Error("--start needs HH:MM"); a.startHHMM = v; i++; break;
      case "--dips": a.dips = num(f, v, 0, 1); i++; break;
      case "--log": if (!v) throw new Error("--log needs a path"); a.log = v; i++; break;
      case "--status-every": a.statusEvery = num(f, v, 0.5, 3600); i++; break;
      case "--host": if (!v || !/^[\w.:-]+$/.test(v)) throw new Error("--host needs an address, e.g. 127.0.0.1 or 0.0.0.0"); a.host = v; i++; break;
      case "--password": if (v === undefined) throw new Error("--password needs a value"); a.password = v; i++; break;
      // the round trip rejects impossible dates (2026-02-31) that the day arithmetic would roll over
      case "--date": if (!v || isNaN(parseDay(v)) || dayText(parseDay(v)) !== v) throw new Error(`--date needs a real date YYYY-MM-DD, got '${v ?? ""}'`); a.date = v; i++; break;
      case "--offline-after": a.offlineAfter = num(f, v, 1, 1000); if (!Number.isInteger(a.offlineAfter)) throw new Error("--offline-after needs a whole number"); i++; break;
      case "--silence": {
        const m = /^(\d+)@(\d+(\.\d+)?)$/.exec(v ?? "");
        if (!m) throw new Error("--silence needs ADDRESS@SECONDS, e.g. 3@600");
        a.silence = { address: Number(m[1]), afterS: Number(m[2]) };
        i++;
        break;
      }
      case "--ota": a.ota.push(parseOtaStep(v)); i++; break;
      case "--faults": a.faults = true; break;
      case "--new-devices": a.newDevices = true; break;
      case "--max-missed-share": a.maxMissedShare = num(f, v, 0, 1); i++; break;
      case "--seed": a.seed = num(f, v, 0, 4294967295); if (!Number.isInteger(a.seed)) throw new Error("--seed needs a whole number"); i++; break;
      case "--fault-every": a.faultEveryS = num(f, v, 30, 86400); i++; break;
      case "--fault-bound": a.faultBoundS = num(f, v, 1, 3600); i++; break;
      case "--help": case "-h": throw new Error("help");
      default: throw new Error(`unknown option '${f}'`);
    }
  }
  if (a.faults && !(a.untilS && a.untilS > 0)) throw new Error("--faults needs --until S (the campaign is planned over the run's device time)");
  return a;
}

/**
 * UTC ms of local HH:MM at the site (CET/CEST, modules/aggregator/localTime) on `date`
 * (default: today at the site). On the two DST days the hours after the switch are
 * counted from local midnight, so --start 04:00 lands at 05:00 in spring.
 */
function startEpochMs(hhmm: string, date: string | undefined): { epochMs: number; startOfDayS: number; day: string } {
  const [h, m] = hhmm.split(":").map(Number);
  const day = date ? parseDay(date) : localDay(SITE_TZ, Math.floor(Date.now() / 1000));
  const startOfDayS = h * 3600 + m * 60;
  return { epochMs: (dayStartS(SITE_TZ, day) + startOfDayS) * 1000, startOfDayS, day: dayText(day) };
}

function usage(): string {
  return docUsage(import.meta.url, "meternet start [options]");
}

export async function main(argv: string[]): Promise<number> {
  const args = argsOrStatus(() => parseArgs(argv), "start", usage);
  if (typeof args === "number") return args;
  // the stored (pretokenised) forms, the bytes npm run upload puts in Storage (tools/build/pretokenise.js)
  const bundles = ["build/stored/aggregator.js", "build/stored/meter.js"].map((f) => root + f);
  for (const b of bundles) if (!existsSync(b)) { console.error(`meternet start: ${b} missing: run \`npm run build\` (npm start does)`); return 2; }
  const key = masterKey(args.keyFile, root + "build/dev-key.json");
  if (!args.keyFile) console.error(`WARNING: development master key ${key.path}${key.generated ? " (generated now)" : ""}: for the simulation only; use --key-file for your own.`);
  const devices = new DeviceState(stateDirFor(key.path), key.key, args.newDevices);
  const log = createWriteStream(args.log);
  const { epochMs, startOfDayS, day } = startEpochMs(args.startHHMM, args.date);
  const password = args.password ?? oneTimePassword();
  let auth: object;
  try {
    auth = authConfig(ADMIN_USER, password);
  } catch (e) {
    console.error(`meternet start: --password: ${(e as Error).message}`);
    return 2;
  }
  const withConsole = await consoleDeviceFactory(args.host);
  const net = new SimNetwork({
    device: withConsole.factory,
    meters: args.meters, speed: args.speed, masterKey: key.key,
    aggregatorBundle: readFileSync(bundles[0], "latin1"), meterBundle: readFileSync(bundles[1], "latin1"),
    httpPort: args.port, slcanPort: args.slcanPort, epochMs, startOfDayS, dipsPerSlot: args.dips,
    host: args.host, auth, offlineAfterMisses: args.offlineAfter, deviceState: devices,
    output: (node, text) => log.write(text.replace(/^(?=.)/gm, `${node}: `)),
  });
  let consoles: Consoles | undefined;
  try {
    await net.start();
    consoles = await openConsoles(net, args.consolePort, args.host);
  } catch (e) {
    const msg = (e as Error).message;
    console.error(`meternet start: ${msg}` + (/EADDRINUSE/.test(msg) ? "\n  another program listens there: choose free ports with --port, --slcan-port, --console-port" : ""));
    await net.stop();
    return 1;
  }
  const out = process.stdout;
  const h = args.host;
  out.write(`meternet: ${args.meters} meters + aggregator${net.cogen ? " + co-generator (address " + net.cogen.address + ")" : ""} on a virtual CAN bus at 125 kbit/s, speed x${args.speed}, ${day} from ${args.startHHMM} (CET/CEST)\n`);
  out.write(`  bound to      ${h}${h === "127.0.0.1" || h === "::1" || h === "localhost" ? " (this computer only; --host 0.0.0.0 opens the network)" : " (reachable from the network)"}\n`);
  out.write(`  web page      http://${h}:${net.httpPort}/\n`);
  out.write(`  Control login user "${ADMIN_USER}", password ${args.password === undefined ? password + "   (one-time: generated for this run, shown only here; --password sets your own)" : "as given with --password"}\n`);
  if (net.feed) {
    const p = net.feed.prices;
    out.write(`  prices        ${p.error ? "NOT LOADED: " + p.error : p.points + " quarter hours " + p.from + " .. " + p.to}: ${p.source}\n`);
    const f = net.feed.forecast;
    out.write(`  renewables    ${f.error ? "NOT LOADED: " + f.error : f.points + " quarter hours"}: ${f.source}\n`);
  }
  if (net.slcan) out.write(`  SLCAN         ${h}:${net.slcan.port}   (python-can: can.Bus(interface="slcan", channel="socket://${h}:${net.slcan.port}"))\n`);
  out.write(consoles ? consoles.describe() : `  consoles      not available (${withConsole.why})\n`);
  out.write(`  master key    ${key.path}\n  device output ${args.log}\n`);
  out.write(`  device state  ${devices.dir} (${devices.found}; flash and FRAM kept between runs, --new-devices empties it)\n`);
  if (args.silence) {
    const target = net.nodes.find((n) => n.meter && n.meter.address === args.silence!.address);
    if (!target) { console.error(`meternet start: --silence: no meter ${args.silence.address}`); await net.stop(); return 2; }
    net.silenceAt(target, args.silence.afterS * 1000);
  }
  const faults = args.faults ? new FaultCampaign(net, { seed: args.seed, untilMs: (args.untilS as number) * 1000, everyS: args.faultEveryS, recoveryBoundS: args.faultBoundS }) : undefined;
  if (faults) out.write(`  faults        ${faults.plan.length} planned (seed ${args.seed}, one per ${args.faultEveryS} s, back within ${args.faultBoundS} s); logged in ${args.log}\n`);
  let reachedLimit: () => void = () => {};
  const untilMs = (args.untilS ?? 0) > 0 ? (args.untilS as number) * 1000 : Infinity;
  net.run(untilMs, () => reachedLimit());
  const otaRun: Promise<OtaOutcome[]> | undefined = args.ota.length ? runOtaPlan(net, args.ota, { password, host: h, speed: args.speed, log: (l) => log.write("host: " + l + "\n") }) : undefined;
  let otaDone: OtaOutcome[] | undefined;
  if (otaRun) otaRun.then((r) => { otaDone = r; out.write(r.map((x, i) => `ota update ${i + 1} (${x.what}): ${x.error ? "FAILED: " + x.error : x.switched + " switched, " + x.confirmed + " confirmed, " + x.reverted.length + " reverted"}`).join("\n") + "\n"); });
  const t0 = performance.now();
  const tty = out.isTTY === true && args.duration === 0 && untilMs === Infinity;
  let drawn = 0;
  const draw = () => {
    const lines = statusLines(net);
    if (tty) {
      if (drawn) out.write(`\x1b[${drawn}A`);
      for (const l of lines) out.write(`\x1b[2K${l.slice(0, (out.columns || 200) - 1)}\n`);
      drawn = lines.length;
    } else out.write(lines.join("\n") + "\n");
  };
  const timer = setInterval(draw, tty ? 500 : args.statusEvery * 1000);
  let end: NodeJS.Timeout | undefined;
  const stopped = new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
    if (args.duration > 0) end = setTimeout(resolve, args.duration * 1000);
    reachedLimit = resolve;
  });
  await stopped;
  // stopped by a signal before --duration: the pending timer would keep the process alive
  if (end) clearTimeout(end);
  clearInterval(timer);
  draw();
  const web = await checkWeb(net.httpPort);
  const s = summary(net, (performance.now() - t0) / 1000, web, false, faults, args.maxMissedShare);
  if (otaRun) {
    // an update still running when the run ends is reported as such; one whose requests failed fails the run
    (s as unknown as { ota: unknown }).ota = otaDone || "not finished when the run ended";
    if (otaDone && otaDone.some((x) => x.error)) s.ok = false;
  }
  await net.stop();
  await new Promise<void>((r) => log.end(r));
  out.write(JSON.stringify(s) + "\n");
  return s.ok ? 0 : 1;
}
