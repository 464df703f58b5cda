/**
 * The client side of an OTA update through the aggregator's HTTP API (issue 18,
 * modules/ota/aggregatorOta.ts): log in, upload the meter bundle in base64 pieces to the
 * aggregator's NOR staging, start the update for the chosen meters, then report each
 * meter's state until the aggregator's C says every target is switched or failed, and
 * (watch, the default) then until each switched meter's boot report is final: its trial
 * confirmed, or reverted with the reason (the C asks the meters: phase "watching").
 * The upload's begin carries the bundle's SHA-256: the aggregator hashes the copy on its
 * NOR and refuses one that differs (a piece corrupted on the way) before any manifest goes
 * out (OtaApiError, nothing sent to the meters).
 * Used by `meternet ota` (otaCommand.ts) and by the simulator's end-to-end test.
 */
import { createHash } from "node:crypto";

export interface OtaTarget { a: number; state: string; cause: string | null; have: number; total: number }
export interface OtaStatus { phase: string; available: boolean; counter: number | null; staged: { size: number; written: number } | null; meters: OtaTarget[] }

export interface OtaClientOptions {
  /** The aggregator's base URL, e.g. http://192.168.1.20/ */
  base: string;
  user: string;
  password: string;
  /** Or a machine client's bearer token (agg.json apiToken) instead of the login. */
  token?: string;
  bytes: Uint8Array;
  /** Addresses; absent: every meter the aggregator has. */
  meters?: number[];
  /** otaManifest.h image: 1 the 50 Hz meter (default), 2 the 60 Hz meter. */
  image?: number;
  version?: number;
  /** Waits ms between status polls (the test advances the simulator's clock instead). */
  wait: (ms: number) => Promise<void>;
  /** Runs an HTTP request (default: fetch; the test pumps the simulator's clock meanwhile). */
  request?: (url: string, init: RequestInit) => Promise<Response>;
  log: (line: string) => void;
  /** Give up after this many status polls (default 1800: the C watches a trial for up to 20 min). */
  maxPolls?: number;
  /** false: resolve once every target is switched or failed, without waiting for the trials (default true). */
  watch?: boolean;
}

/** The states after the transfer (the aggregator's C: otaAggLink.h MN_OTA_T_*). */
const SWITCHED = ["switched", "trial", "confirmed", "reverted"];

/** Whether a target's state is final: with watch, its boot report (or a failure); without, the switch. */
export function otaTargetFinal(state: string, watch: boolean): boolean {
  return state === "failed" || state === "confirmed" || state === "reverted" || (!watch && SWITCHED.indexOf(state) >= 0);
}

/** A target as a line's part: "3 reverted (deadline)", "5 failed (no answer)". */
export function otaTargetText(t: OtaTarget): string {
  return `${t.a} ${t.state}${t.cause ? " (" + t.cause + ")" : ""}`;
}

/** One progress line: "chunks: 1 receiving 120/500, 2 verified 500/500" (the HTTP and the SLCAN paths print it). */
export function otaStatusLine(phase: string, meters: OtaTarget[]): string {
  return phase + ": " + meters.map((t) => `${otaTargetText(t)} ${t.have}/${t.total}`).join(", ");
}

/** Thrown with the aggregator's JSON error. */
export class OtaApiError extends Error {}

/** "1-5,9" -> [1, 2, 3, 4, 5, 9]; throws on anything else or outside 1..63. */
export function parseMeters(s: string): number[] {
  const out: number[] = [];
  for (const part of s.split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new Error("--meters must be like 1-64 or 3,5,7-9, not " + JSON.stringify(s));
    const a = Number(m[1]), b = m[2] === undefined ? a : Number(m[2]);
    if (!(a >= 1 && b >= a && b <= 64)) throw new Error("--meters: " + part + " is not within 1..64");
    for (let i = a; i <= Math.min(b, 63); i++) out.push(i);
  }
  return out;
}

/** Runs one update; resolves with the final status (every target final, otaTargetFinal; or the phase "done"). */
export async function otaUpdate(o: OtaClientOptions): Promise<OtaStatus> {
  const req = o.request || ((u: string, i: RequestInit) => fetch(u, i));
  const sha256 = createHash("sha256").update(o.bytes).digest("hex");
  const base = o.base.endsWith("/") ? o.base : o.base + "/";
  const headers: Record<string, string> = { "content-type": "application/json" };
  const call = async (method: string, body?: object): Promise<Record<string, unknown>> => {
    const r = await req(base + "api/ota", { method, headers, body: body ? JSON.stringify(body) : undefined });
    const j = (await r.json().catch(() => ({}))) as Record<string, unknown>;
    if (r.status !== 200 && j.field === "sha256" && body && (body as { do?: string }).do === "chunk") {
      throw new OtaApiError(`the bundle arrived corrupted: the aggregator's copy does not have its SHA-256 (${sha256.slice(0, 16)}...); nothing was sent to the meters, run the update again`);
    }
    if (r.status !== 200) throw new OtaApiError("aggregator: " + r.status + " " + (j.error || JSON.stringify(j)));
    return j;
  };
  if (o.token) headers.authorization = "Bearer " + o.token;
  else {
    const r = await req(base + "api/login", { method: "POST", headers, body: JSON.stringify({ user: o.user, password: o.password }) });
    const j = (await r.json().catch(() => ({}))) as Record<string, unknown>;
    if (r.status !== 200) throw new OtaApiError("login: " + r.status + " " + (j.error || ""));
    const sid = /sid=[^;]+/.exec(r.headers.get("set-cookie") || "");
    headers.cookie = sid ? sid[0] : "";
    headers["x-csrf-token"] = String(j.csrf || "");
  }
  const begun = await call("POST", { do: "begin", size: o.bytes.length, image: o.image || 1, version: o.version, sha256 });
  const piece = Number(begun.piece) || 1024;
  for (let at = 0; at < o.bytes.length; at += piece) {
    await call("POST", { do: "chunk", offset: at, data: Buffer.from(o.bytes.subarray(at, at + piece)).toString("base64") });
  }
  o.log(`ota: ${o.bytes.length} B staged on the aggregator (${Math.ceil(o.bytes.length / piece)} pieces)`);
  const started = await call("POST", { do: "start", meters: o.meters });
  o.log(`ota: update started: security counter ${started.counter}, version ${started.version}, meters ${(started.meters as number[]).join(",")}`);
  let last = "";
  for (let i = 0; i < (o.maxPolls || 1800); i++) {
    await o.wait(1000);
    const s = (await call("GET")) as unknown as OtaStatus;
    const line = otaStatusLine(s.phase, s.meters);
    if (line !== last) o.log("ota: " + line);
    last = line;
    if (s.phase === "done" || (s.meters.length > 0 && s.meters.every((t) => otaTargetFinal(t.state, o.watch !== false)))) return s;
  }
  throw new OtaApiError("no end after " + (o.maxPolls || 1800) + " status polls");
}
