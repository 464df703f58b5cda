/**
 * meternet ota: a script update of the meters through an aggregator's HTTP API (issue 18).
 *
 *   meternet ota --aggregator URL --bundle build/stored/meter.js [--meters 1-64]
 *                [--password P | --token T] [--user admin] [--image 1|2] [--version N] [--no-watch]
 *
 * --aggregator URL  the aggregator's web address (a board, or `npm start`'s web page)
 * --bundle F        the meter bundle to send, as Storage holds it: build/stored/meter.js
 *                   (pretokenised; the meter's script slot is sized for it), or a plain one
 * --meters LIST     addresses, e.g. 1-64 or 3,5,7-9 (default: every meter the aggregator has)
 * --password P      the administrator password (or METERNET_PASSWORD); --token T: agg.json's
 *                   apiToken instead of a login
 * --image N         1 the 50 Hz meter firmware (default), 2 the 60 Hz one: a meter refuses
 *                   an image for the other
 * --version N       the version the meters report (default: the security counter)
 * --no-watch        end once every meter switched or failed, without waiting for the trials
 *
 * Uploads the bundle to the aggregator's SPI NOR in 1 KB pieces, starts the broadcast
 * update, prints each meter's state (chunks held, verified, switched, failed with its
 * cause) as it changes, then each switched meter's boot report as the aggregator asks
 * it (trial, then confirmed, or reverted with the reason: crash, unconfirmed, deadline,
 * invalid), and exits 0 when every meter confirmed the new script (--no-watch: switched),
 * 1 otherwise.
 *
 * Without an aggregator, from a gateway with a USB-CAN adapter: `meternet ota --slcan ...`
 * (host/cli/otaSlcan.ts: `meternet ota --slcan x --help` prints its options).
 */
import { argsOrStatus, docUsage } from "./docUsage.ts";
import { readFileSync } from "node:fs";
import { otaUpdate, otaTargetFinal, otaTargetText, parseMeters, type OtaTarget } from "./otaClient.ts";

interface OtaArgs { aggregator: string; bundle: string; meters?: number[]; user: string; password: string; token?: string; image: number; version?: number; watch: boolean }

export function parseOtaArgs(argv: string[], env: Record<string, string | undefined> = process.env): OtaArgs {
  const a: Partial<OtaArgs> = { user: "admin", image: 1, password: env.METERNET_PASSWORD, watch: true };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i], v = argv[i + 1];
    const need = () => { if (v === undefined) throw new Error(f + " needs a value"); i++; return v; };
    switch (f) {
      case "--aggregator": a.aggregator = need(); if (!/^https?:\/\//.test(a.aggregator)) throw new Error("--aggregator needs an http:// URL"); break;
      case "--bundle": a.bundle = need(); break;
      case "--meters": a.meters = parseMeters(need()); break;
      case "--user": a.user = need(); break;
      case "--password": a.password = need(); break;
      case "--token": a.token = need(); break;
      case "--image": a.image = Number(need()); if (a.image !== 1 && a.image !== 2) throw new Error("--image is 1 (50 Hz meter) or 2 (60 Hz meter)"); break;
      case "--version": a.version = Number(need()); if (!(Number.isInteger(a.version) && a.version >= 0)) throw new Error("--version needs a whole number"); break;
      case "--no-watch": a.watch = false; break;
      case "--help": case "-h": throw new Error("help");
      default: throw new Error(`unknown option '${f}'`);
    }
  }
  if (!a.aggregator || !a.bundle) throw new Error("--aggregator URL and --bundle FILE are needed");
  if (!a.token && !a.password) throw new Error("--password P (or METERNET_PASSWORD) or --token T is needed");
  return a as OtaArgs;
}

/** Every meter confirmed (watch) or switched. */
export function otaSucceeded(meters: OtaTarget[], watch: boolean): boolean {
  return meters.length > 0 && meters.every((t) => (watch ? t.state === "confirmed" : t.state !== "failed" && otaTargetFinal(t.state, false)));
}

/** The closing line: all confirmed (switched), or which meters did not and why. */
export function otaSummary(meters: OtaTarget[], watch: boolean): string {
  const want = watch ? "confirmed the new script" : "switched";
  const not = meters.filter((t) => !otaSucceeded([t], watch));
  if (!not.length) return `ota: all ${meters.length} meters ${want}` + (watch ? "" : "; each confirms its trial or reverts on its own (see its console)");
  return `ota: ${not.length} of ${meters.length} meters ${watch ? "did NOT confirm the new script" : "NOT switched"}: ` + not.map(otaTargetText).join(", ");
}

function usage(): string {
  return docUsage(import.meta.url, "meternet ota --aggregator URL --bundle FILE");
}

export async function main(argv: string[]): Promise<number> {
  if (argv.indexOf("--slcan") >= 0) return (await import("./otaSlcan.ts")).main(argv);
  const a = argsOrStatus(() => parseOtaArgs(argv), "ota", usage);
  if (typeof a === "number") return a;
  let bytes: Uint8Array;
  try { bytes = new Uint8Array(readFileSync(a.bundle)); } catch (e) { console.error(`meternet ota: ${a.bundle}: ${(e as Error).message}`); return 2; }
  try {
    const s = await otaUpdate({
      base: a.aggregator, user: a.user, password: a.password, token: a.token, bytes, meters: a.meters, image: a.image, version: a.version,
      wait: (ms) => new Promise((r) => setTimeout(r, ms)), log: (l) => console.log(l), watch: a.watch,
    });
    console.log(otaSummary(s.meters, a.watch));
    return otaSucceeded(s.meters, a.watch) ? 0 : 1;
  } catch (e) {
    console.error(`meternet ota: ${(e as Error).message}`);
    return 1;
  }
}
