/**
 * The aggregator's OTA API (issue 18): the route module route.ota (app/aggregator/routes/
 * ota.ts) evaluated per request, so nothing of it is resident but its route-table entry.
 *
 *   GET  /api/ota                              the staged image and every target's state
 *   POST /api/ota {do: "begin", size, image?, version?, sha256?}   a new upload (sha256: hex, checked over the NOR copy)
 *   POST /api/ota {do: "chunk", offset, data}  data: base64 of at most OTA_PIECE bytes, in order
 *   POST /api/ota {do: "start", meters?}       the update, to these addresses (default: all)
 *   POST /api/ota {do: "cancel"}
 *
 * Staging: the image goes to the aggregator's SPI NOR, its "staged" area at NOR_OTA_AT
 * (tools/firmware/flashMap.ts norAreas("aggregator"), NOR_OTA_BYTES), never to RAM or
 * Storage (the aggregator holds neither a 20 KB string nor a Storage file of it: its
 * Storage is over, issue 16). The client sends it in pieces of at most OTA_PIECE bytes;
 * the C (CAN1.otaStageBegin / otaStageWrite, boards/STM32F107/ota/otaNorImage.c over
 * w25q.c) erases each sector as the pieces reach it, programs them, reads each back and
 * compares, and with the last piece hashes the NOR copy: that SHA-256 is the one the
 * manifests carry, and it must equal the client's when the begin gave one. The sender
 * (otaSend) reads the chunks from the NOR and refuses an image that is not verified
 * there or has changed since, before any manifest goes out. What is checked here: the
 * size against the meter's script slot, each piece's offset and length, that the image
 * is a meter bundle (its text holds OTA_MARK), and that every byte arrived.
 *
 * The security counter (anti-rollback on the meters) is the minute of the start, or the
 * last one + 1 if that is higher (Storage "ota.json"), so it rises across an
 * aggregator's reinstall as long as its clock is right.
 */
import { Ctx, Reply, fail } from "../http/types";
import { intField, jsonBody } from "../http/request";
import { json } from "../http/server";
import type { WebApp } from "../aggregator/pages/webApp";
import { AggOtaPort, OTA_PHASES, OTA_TARGET_STATES, OTA_T_REVERTED, otaCause, revertReason } from "../ports/otaPort";

/** The NOR's "staged" area (flashMap.ts norAreas("aggregator")[0]): 64 KB at 0. */
export const NOR_OTA_AT = 0;
export const NOR_OTA_BYTES = 65536;
/** A meter's script slot (package.json meternet.budgets.storage.meter.bundle): the largest image. */
export const METER_SLOT_BYTES = 22528;
/** Largest piece per request (base64 in JSON: about 1.4 KB of body, some 110 JsVars while parsed). */
export const OTA_PIECE = 1024;
/** Body limit of POST /api/ota. */
export const OTA_BODY = 2048;
/** Text every meter bundle holds (app/meter/main.ts's console lines); absent, the image is not a meter bundle. */
export const OTA_MARK = "meternet meter:";
/** Refusals said in more than one place: each text once in route.ota (the aggregator's Storage is full, issue 16). */
const NO_SENDER = "this firmware has no OTA sender (CAN1.otaSend)";
const RUNNING = "an update is running: cancel it first";

/** What the route needs of the device: null where the device has none. */
export interface OtaDevice {
  ota: AggOtaPort | null;
  /** The network master key (meternet.json masterKeyHex), or null. */
  masterKey: () => Uint8Array | null;
  /** Storage "ota.json" ({counter}: the last security counter used). */
  readState: () => { counter?: number } | undefined;
  writeState: (s: { counter: number }) => boolean;
  /** base64 to a byte string (Espruino's atob). */
  decode64?: (s: string) => string;
}

/** An upload under way, kept on the app object between requests (gone at a restart). */
interface Upload { size: number; written: number; image: number; version: number; marked: boolean; tail: string; counter: number; meters: number; sha: string }

function upload(app: WebApp): Upload | undefined {
  return (app as unknown as { otaUp?: Upload }).otaUp;
}

/** Hex of bytes, and bytes of hex (the digest's form in the API). */
function hex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}
function isHex64(s: unknown): boolean {
  if (typeof s !== "string" || s.length !== 64) return false;
  for (let i = 0; i < 64; i++) if ("0123456789abcdefABCDEF".indexOf(s.charAt(i)) < 0) return false;
  return true;
}
function unhex(s: string): Uint8Array {
  const b = new Uint8Array(s.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(s.substring(2 * i, 2 * i + 2), 16);
  return b;
}

/** An update is on the bus (phases 1..5: manifests, chunks, status, commit, abort). */
function busy(d: OtaDevice): boolean {
  const p = d.ota ? d.ota.targets(new Float64Array(0)) : 0;
  return p > 0 && p < 6;
}

function begin(app: WebApp, d: OtaDevice, f: { [k: string]: unknown }): Reply {
  if (!d.ota) fail(503, NO_SENDER);
  if (busy(d)) fail(409, RUNNING);
  const size = intField(f, "size", 0, 1e7);
  if (size < 1 || size > METER_SLOT_BYTES) fail(422, "size must be 1.." + METER_SLOT_BYTES + " bytes (a meter's script slot)", "size");
  const image = f.image === undefined ? 1 : intField(f, "image", 1, 2);
  const version = f.version === undefined ? 0 : intField(f, "version", 0, 4e9);
  const sha = f.sha256;
  if (sha !== undefined && !isHex64(sha)) fail(422, "sha256 must be 64 hex digits (the image's SHA-256)", "sha256");
  (app as unknown as { otaUp?: Upload }).otaUp = undefined;
  const r = d.ota!.stageBegin(NOR_OTA_AT, NOR_OTA_BYTES, size, sha === undefined ? undefined : unhex(sha as string));
  if (r === -19) fail(503, "no SPI NOR answers on this aggregator: it has nowhere to stage an image");
  if (r === -27) fail(422, "size must fit the NOR's staged area (" + NOR_OTA_BYTES + " bytes at " + NOR_OTA_AT + ") and a meter's slot", "size");
  if (r === -16) fail(409, RUNNING);
  if (r !== 0) fail(503, "CAN1.otaStageBegin refused (" + r + (r === -28 ? ": no memory" : "") + ")");
  (app as unknown as { otaUp?: Upload }).otaUp = { size: size, written: 0, image: image, version: version, marked: false, tail: "", counter: 0, meters: 0, sha: "" };
  return json({ ok: true, size: size, piece: OTA_PIECE });
}

function chunk(app: WebApp, d: OtaDevice, f: { [k: string]: unknown }): Reply {
  const u = upload(app);
  if (!u || !d.ota) fail(409, "no upload begun (do: begin)");
  const at = intField(f, "offset", 0, METER_SLOT_BYTES);
  if (at !== u!.written) fail(409, "offset must be " + u!.written + " (pieces in order)", "offset");
  let s = "";
  try { s = typeof f.data === "string" && d.decode64 ? d.decode64(f.data) : ""; } catch (e) { s = ""; }
  if (!s.length || s.length > OTA_PIECE || at + s.length > u!.size) fail(422, "data must be base64 of 1.." + OTA_PIECE + " bytes within the size", "data");
  const digest = new Uint8Array(32);
  const r = d.ota!.stageWrite(at, s, digest);
  if (r === -74) {
    (app as unknown as { otaUp?: Upload }).otaUp = undefined;
    fail(422, "the image read back from the NOR does not have the sha256 given: upload it again", "sha256");
  }
  if (r < 0) {
    (app as unknown as { otaUp?: Upload }).otaUp = undefined;
    fail(503, "NOR write failed at " + at + " (" + r + "): the staged image is void, upload it again");
  }
  if ((u!.tail + s).indexOf(OTA_MARK) >= 0) u!.marked = true;
  u!.tail = s.slice(-OTA_MARK.length);
  u!.written = r;
  if (r === u!.size) u!.sha = hex(digest);
  return json({ ok: true, written: u!.written, size: u!.size, sha256: u!.sha || undefined });
}

function start(app: WebApp, d: OtaDevice, c: Ctx, f: { [k: string]: unknown }): Reply {
  const u = upload(app);
  if (!d.ota) fail(503, NO_SENDER);
  if (!u || u.written !== u.size) fail(409, u ? "the image is incomplete: " + u.written + " of " + u.size + " bytes" : "no image uploaded");
  if (!u!.marked) fail(422, "not a meter bundle (no \"" + OTA_MARK + "\" in it): build/meter.js or build/stored/meter.js", "data");
  if (busy(d)) fail(409, RUNNING);
  const reg = app.agg.reg;
  let list: number[] = [];
  if (f.meters === undefined) for (let m = 0; m < reg.count; m++) list.push(reg.address[m]);
  else if (Array.isArray(f.meters)) list = f.meters as number[];
  for (let i = 0; i < list.length; i++) if (reg.indexOf(list[i]) < 0 || Math.floor(list[i]) !== list[i]) fail(422, "no meter at address " + list[i], "meters");
  if (!list.length || list.length > 63) fail(422, "meters must list 1..63 addresses of registered meters", "meters");
  const key = d.masterKey();
  if (!key) fail(503, "no master key in meternet.json");
  const st = d.readState();
  const counter = Math.max(Math.floor(c.nowS / 60), st && st.counter ? st.counter + 1 : 1);
  if (!d.writeState({ counter: counter })) fail(503, "could not store the security counter (Storage ota.json)");
  const version = u!.version || counter;
  const r = d.ota!.send(key!, new Uint8Array(list), version, counter, u!.image, counter & 255, NOR_OTA_AT, u!.size);
  if (r === -5 || r === -74) {
    (app as unknown as { otaUp?: Upload }).otaUp = undefined;
    fail(409, r === -5 ? "no verified image on the NOR: upload it again" : "the image on the NOR changed since it was staged: upload it again");
  }
  if (r === -28) fail(503, "no memory for the sender (4 440 B in one block): try again with fewer pages open");
  if (r === -16) fail(409, RUNNING);
  if (r !== 0) fail(503, "CAN1.otaSend refused (" + r + ")");
  u!.counter = counter;
  u!.meters = list.length;
  return json({ ok: true, counter: counter, version: version, meters: list });
}

/** GET /api/ota: {phase, staged, counter, meters: [{a, state, cause, have, total}]}; after the switch a meter's state
 * is its boot report (trial, confirmed, reverted with the reason as cause: the C asks it, phase "watching"). */
function status(app: WebApp, d: OtaDevice): Reply {
  const u = upload(app);
  const n = u ? u.meters : 0;
  const t = new Float64Array(5 * (n || 63));
  const phase = d.ota ? d.ota.targets(t) : 0;
  const meters: object[] = [];
  for (let i = 0; i < t.length && t[i]; i += 5) {
    const c = t[i + 2];
    meters.push({ a: t[i], state: OTA_TARGET_STATES[t[i + 1]] || String(t[i + 1]), cause: c ? (t[i + 1] === OTA_T_REVERTED ? revertReason(c) : otaCause(c)) : null, have: t[i + 3], total: t[i + 4] });
  }
  return json({
    phase: OTA_PHASES[phase] || String(phase), available: !!d.ota, counter: u ? u.counter : null,
    staged: u ? { size: u.size, written: u.written, image: u.image, version: u.version, meterBundle: u.marked, sha256: u.sha || null } : null, meters: meters,
  });
}

/** The route module: GET and POST /api/ota (routeTable.ts). */
export function otaRoutes(d: OtaDevice): (app: WebApp, c: Ctx, k: string) => Reply {
  return function (app: WebApp, c: Ctx, k: string): Reply {
    if (k === "GET /api/ota") return status(app, d);
    const f = jsonBody(c.headers, c.body);
    const what = f.do;
    if (what === "begin") return begin(app, d, f);
    if (what === "chunk") return chunk(app, d, f);
    if (what === "start") return start(app, d, c, f);
    if (what === "cancel") {
      if (d.ota) d.ota.control(2);
      return json({ ok: true });
    }
    return fail(422, "do must be begin, chunk, start or cancel", "do");
  };
}
