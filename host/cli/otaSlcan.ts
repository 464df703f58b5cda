/**
 * meternet ota --slcan: a script update of the meters from a gateway with a USB-CAN adapter (issue 18).
 *
 *   meternet ota --slcan socket://HOST:PORT|/dev/ttyACM0 --bundle build/stored/meter.js
 *                --meters 1-64 --key-file KEY.json [--counter N] [--image 1|2] [--version N]
 *                [--bitrate 125000] [--no-watch]
 *
 * --slcan A         the adapter: a serial device (CANable, USBtin: /dev/ttyACM0) or
 *                   socket://HOST:PORT (ser2net in front of one, or the virtual bus's endpoint)
 * --bundle F        the meter bundle to send, as Storage holds it (build/stored/meter.js)
 * --meters LIST     addresses, e.g. 1-64 or 3,5,7-9 (needed: no aggregator to ask)
 * --key-file F      JSON {"masterKeyHex": "<32 hex digits>"}: the network's master key (the
 *                   simulator's is build/dev-key.json); each meter's key is derived from it
 * --counter N       the security counter; a meter refuses one not above its stored one.
 *                   Default: the minute of now since 1970, as the aggregator picks it, so it
 *                   is above every counter an aggregator or this command used before
 * --image N         1 the 50 Hz meter firmware (default), 2 the 60 Hz one
 * --version N       the version the meters report (default: the security counter)
 * --bitrate B       the bus's bit rate (default 125000)
 * --no-watch        end once every meter switched or failed, without waiting for the trials
 *
 * Runs the aggregator's OTA sender C (the meterOta addon's OtaAgg) here, over the adapter:
 * one broadcast copy, repairs, per-meter manifests (CMAC under each meter's key), the
 * switch, then (watch) each meter's boot report. Stop the aggregator's own polling meanwhile
 * or not: the OTA runs in the bulk class, below every poll. Prints each meter's state as it
 * changes and exits 0 when every meter confirmed (--no-watch: switched), 1 otherwise.
 * Ctrl-C cancels: every meter not yet switched is told to drop the transfer.
 */
import { readFileSync } from "node:fs";
import { CAN_OK } from "../../modules/can/controller.ts";
import type { CanFrame } from "../../modules/can/frame.ts";
import { OTA_PHASES, OTA_TARGET_STATES, OTA_T_REVERTED, otaCause, revertReason } from "../../modules/ports/otaPort.ts";
import { otaSenderPump, TICK_MS } from "../canbus/otaAttach.ts";
import { SlcanClientController, type ByteLink } from "../canbus/slcanClient.ts";
import { serialLink, tcpLink } from "../canbus/slcanLinks.ts";
import { otaAddon, type NativeOtaAgg } from "../native/ota.ts";
import { readKeyFile } from "../sim/keyFile.ts";
import { argsOrStatus, docUsage } from "./docUsage.ts";
import { otaSucceeded, otaSummary } from "./ota.ts";
import { otaStatusLine, otaTargetFinal, parseMeters, type OtaTarget } from "./otaClient.ts";

export interface OtaSlcanArgs { slcan: string; bundle: string; meters: number[]; keyFile: string; counter?: number; image: number; version?: number; bitrate: number; watch: boolean }

export function parseOtaSlcanArgs(argv: string[]): OtaSlcanArgs {
  const a: Partial<OtaSlcanArgs> = { image: 1, bitrate: 125000, watch: true };
  const whole = (f: string, v: string): number => {
    const n = Number(v);
    if (!(Number.isInteger(n) && n >= 0)) throw new Error(f + " needs a whole number, not " + JSON.stringify(v));
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i], v = argv[i + 1];
    const need = () => { if (v === undefined) throw new Error(f + " needs a value"); i++; return v; };
    switch (f) {
      case "--slcan": a.slcan = need(); break;
      case "--bundle": a.bundle = need(); break;
      case "--meters": a.meters = parseMeters(need()); break;
      case "--key-file": a.keyFile = need(); break;
      case "--counter": a.counter = whole(f, need()); if (a.counter < 1 || a.counter > 0xffffffff) throw new Error("--counter is 1..4294967295"); break;
      case "--image": a.image = Number(need()); if (a.image !== 1 && a.image !== 2) throw new Error("--image is 1 (50 Hz meter) or 2 (60 Hz meter)"); break;
      case "--version": a.version = whole(f, need()); break;
      case "--bitrate": a.bitrate = whole(f, need()); break;
      case "--no-watch": a.watch = false; break;
      case "--help": case "-h": throw new Error("help");
      default: throw new Error(`unknown option '${f}'`);
    }
  }
  if (!a.slcan || !a.bundle) throw new Error("--slcan ADAPTER and --bundle FILE are needed");
  if (!a.meters) throw new Error("--meters LIST is needed over SLCAN (e.g. 1-64): there is no aggregator to ask which meters exist");
  if (!a.keyFile) throw new Error("--key-file F is needed over SLCAN: the network's master key (JSON {\"masterKeyHex\": \"<32 hex digits>\"}; the simulator's is build/dev-key.json)");
  return a as OtaSlcanArgs;
}

/** The default security counter: the minute since 1970, as the aggregator's start picks it (modules/ota/aggregatorOta.ts). */
export function defaultCounter(nowMs: number): number {
  return Math.floor(nowMs / 60000);
}

/** Opens the adapter named by --slcan: socket://HOST:PORT or a serial device. */
export function openSlcan(spec: string): Promise<ByteLink> {
  const m = /^socket:\/\/([^:/]+):(\d+)$/.exec(spec);
  if (m) return tcpLink(m[1], Number(m[2])).catch((e: Error) => { throw new Error("cannot reach the SLCAN adapter at " + spec + " (" + e.message + "): is ser2net or the endpoint running?"); });
  if (spec.indexOf("://") >= 0) throw new Error("--slcan takes socket://HOST:PORT or a serial device such as /dev/ttyACM0, not " + spec);
  return serialLink(spec);
}

/** The C's targets as the HTTP API gives them (modules/ota/aggregatorOta.ts status). */
export function otaTargets(native: NativeOtaAgg): OtaTarget[] {
  const t = native.targets();
  const out: OtaTarget[] = [];
  for (let i = 0; i + 4 < t.length && t[i]; i += 5) {
    const c = t[i + 2];
    out.push({ a: t[i], state: OTA_TARGET_STATES[t[i + 1]] || String(t[i + 1]), cause: c ? (t[i + 1] === OTA_T_REVERTED ? revertReason(c) : otaCause(c)) : null, have: t[i + 3], total: t[i + 4] });
  }
  return out;
}

export interface OtaSlcanRun {
  link: ByteLink;
  bitrate: number;
  bytes: Uint8Array;
  masterKey: Uint8Array;
  meters: number[];
  image: number;
  counter: number;
  version: number;
  watch: boolean;
  log: (line: string) => void;
  /** Give up after this long (default 25 min: the C watches a trial for up to 20). */
  maxMs?: number;
  /** Aborted: the update is cancelled (the C aborts every target not switched: its meters drop the transfer). */
  signal?: AbortSignal;
}

/**
 * One update over an SLCAN adapter, on the wall clock; resolves with every target's final
 * state. The adapter's acknowledgement of a frame stands for bxCAN's "transmitted" (the
 * lanes' refill): the adapter answers frames in order, so each answer, fed to the controller
 * one line at a time, is the oldest awaiting frame's; a refused frame is sent again.
 */
export function otaOverSlcan(o: OtaSlcanRun): Promise<OtaTarget[]> {
  const t0 = Date.now();
  const nowMs = () => Date.now() - t0;
  const awaiting: CanFrame[] = []; // our frames the adapter has not answered yet, oldest first
  let acked = 0, refused = 0;
  let afterLine = () => {};
  // One line at a time to the controller, so each answer (ack or BEL) is paired with its frame.
  const link: ByteLink = {
    write: (s) => o.link.write(s),
    close: () => o.link.close(),
    onData: (cb) => o.link.onData((s) => {
      let from = 0;
      for (let i = 0; i < s.length; i++) {
        const ch = s.charCodeAt(i);
        if (ch === 13 || ch === 7) { cb(s.substring(from, i + 1)); from = i + 1; afterLine(); }
      }
      if (from < s.length) cb(s.substring(from));
    }),
  };
  const can = new SlcanClientController(link);
  if (can.start(o.bitrate) !== CAN_OK) return Promise.reject(new Error("the adapter has no setting for " + o.bitrate + " bit/s (SLCAN S0..S8: 10k..1M)"));
  can.addFilter({ mode: "mask", extended: false, id: 0x740, mask: 0x7c0, fifo: 1 }); // FN_OTA_ANSWER from every meter
  const native = new (otaAddon().OtaAgg)(o.bytes, o.masterKey, new Uint8Array(o.meters), { version: o.version, counter: o.counter, image: o.image, tag: o.counter & 255 }, true, nowMs());
  const transmit = (f: CanFrame): number => {
    const r = can.send(f);
    if (r === CAN_OK) awaiting.push(f);
    return r;
  };
  const pump = otaSenderPump(native, transmit, nowMs);
  let closed = false;
  // The adapter refused a frame (BEL: its queue is full, the bus is slower than USB): the
  // same frame again about one frame time later, its lane held meanwhile, so the sender
  // runs at the bus's pace and no chunk is lost to the adapter.
  const retry = (f: CanFrame) => setTimeout(() => {
    if (closed) return;
    if (transmit(f) !== CAN_OK) retry(f);
  }, 1);
  afterLine = () => {
    const ok = can.counters().txFrames, bad = can.txRefused;
    if (ok === acked && bad === refused) return;
    const f = awaiting.shift();
    if (ok > acked) { acked = ok; if (f) pump.sent(f.id); } else { refused = bad; if (f) retry(f); }
  };
  can.onFrame((f) => { pump.answer(f); });
  o.log(`ota: ${o.bytes.length} B to meters ${o.meters.join(",")} over SLCAN: security counter ${o.counter}, version ${o.version}`);
  return new Promise((resolve, reject) => {
    let last = "";
    const tick = setInterval(pump.work, TICK_MS);
    const finish = (err: Error | null, meters: OtaTarget[]) => {
      closed = true;
      clearInterval(tick);
      clearInterval(report);
      const c = native.counters();
      o.log(`ota: adapter: ${acked} frames acknowledged, ${refused} refused and sent again; ${c[0]} chunk frames in ${c[1]} rounds, ${c[3]} timeouts`);
      if (err) native.cancel();
      can.close();
      if (err) reject(err);
      else resolve(meters);
    };
    const report = setInterval(() => {
      const meters = otaTargets(native);
      const phase = OTA_PHASES[native.phase()] || String(native.phase());
      const line = otaStatusLine(phase, meters);
      if (line !== last) o.log("ota: " + line);
      last = line;
      if (phase === "done" || (meters.length > 0 && meters.every((t) => otaTargetFinal(t.state, o.watch)))) finish(null, meters);
      else if (nowMs() > (o.maxMs || 25 * 60000)) finish(new Error("no end after " + Math.round(nowMs() / 1000) + " s: " + line), meters);
    }, 1000);
    pump.work();
    if (o.signal) o.signal.addEventListener("abort", () => { if (!closed) native.cancel(); }, { once: true });
  });
}

function usage(): string {
  return docUsage(import.meta.url, "meternet ota --slcan ADAPTER --bundle FILE --meters LIST --key-file F");
}

export async function main(argv: string[]): Promise<number> {
  const a = argsOrStatus(() => parseOtaSlcanArgs(argv), "ota", usage);
  if (typeof a === "number") return a;
  let bytes: Uint8Array, key: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(a.bundle));
    key = readKeyFile(a.keyFile);
  } catch (e) {
    console.error(`meternet ota: ${(e as Error).message}`);
    return 2;
  }
  const counter = a.counter !== undefined ? a.counter : defaultCounter(Date.now());
  try {
    const link = await openSlcan(a.slcan);
    const ac = new AbortController();
    process.once("SIGINT", () => {
      console.log("ota: cancelling: the meters are told to drop the transfer (Ctrl-C again quits at once)");
      ac.abort();
    });
    const meters = await otaOverSlcan({
      link, bitrate: a.bitrate, bytes, masterKey: key, meters: a.meters, image: a.image, counter, version: a.version !== undefined ? a.version : counter, watch: a.watch,
      log: (l) => console.log(l), signal: ac.signal,
    });
    console.log(otaSummary(meters, a.watch));
    return otaSucceeded(meters, a.watch) ? 0 : 1;
  } catch (e) {
    console.error(`meternet ota: ${(e as Error).message}`);
    return 1;
  }
}
