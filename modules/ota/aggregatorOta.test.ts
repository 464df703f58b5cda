// The aggregator's OTA API (aggregatorOta.ts) over the NOR model with the board's staging
// C on it (host/native/otaStage.ts: otaNorImage.c over w25q.c) and a fake sender: what it
// stages where, what it refuses (each a JSON error naming the field), the digest read back
// from the NOR, the rising security counter, and the status it reports.
import { createHash } from "node:crypto";
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeSite } from "../../host/web/fakeSite.ts";
import { NorModel } from "../../host/runtime/nor.ts";
import { norStage } from "../../host/native/otaStage.ts";
import { otaRoutes, METER_SLOT_BYTES, NOR_OTA_AT, NOR_OTA_BYTES, OTA_MARK, type OtaDevice } from "./aggregatorOta.ts";
import { norAreas } from "../../tools/firmware/flashMap.ts";
import type { AggOtaPort } from "../ports/otaPort.ts";
import type { Ctx, HttpFail, Reply } from "../http/types.ts";

const NOW = Date.parse("2026-06-21T10:00:00Z") / 1000;

class FakeSender implements AggOtaPort {
  sent: unknown[][] = [];
  phase = 0;
  controls: number[] = [];
  sendCode = 0;
  readonly stage: ReturnType<typeof norStage>;
  areaBytes = NOR_OTA_BYTES;
  constructor(nor: NorModel) { this.stage = norStage(nor); }
  stageBegin(at: number, area: number, size: number, sha?: Uint8Array): number { return this.stage.stageBegin(at, Math.min(area, this.areaBytes), size, sha); }
  stageWrite(offset: number, data: string, sha?: Uint8Array): number { return this.stage.stageWrite(offset, data, sha); }
  send(master: Uint8Array, addresses: Uint8Array, version: number, counter: number, image: number, tag: number, norAddress: number, size: number): number {
    if (this.sendCode) return this.sendCode;
    this.sent.push([Array.from(addresses), version, counter, image, tag, norAddress, size]);
    this.phase = 2;
    return 0;
  }
  targets(out: Float64Array): number {
    const a = this.sent.length ? (this.sent[this.sent.length - 1][0] as number[]) : [];
    a.forEach((addr, i) => { if (out.length >= 5 * i + 5) out.set([addr, i === 0 ? 6 : 3, i === 0 ? 4 : 0, 100 * i, 3400], 5 * i); });
    return this.phase;
  }
  control(what: number): void { this.controls.push(what); }
}

function rig() {
  const site = makeSite(NOW);
  const nor = new NorModel();
  const sender = new FakeSender(nor);
  let state: { counter?: number } | undefined;
  const dev: OtaDevice = {
    ota: sender, masterKey: () => new Uint8Array(16).fill(1), readState: () => state, writeState: (s) => { state = s; return true; },
    decode64: (s) => Buffer.from(s, "base64").toString("latin1"),
  };
  const route = otaRoutes(dev);
  const call = (method: string, body?: object, nowS = NOW): Reply => route(site.app, { method, path: "/api/ota", query: {}, body: body ? JSON.stringify(body) : "", headers: { "content-type": "application/json" }, nowS, session: "s", csrf: "c", client: "" } as Ctx, method + " /api/ota");
  const json = (r: Reply) => JSON.parse(r.body!);
  const failOf = (f: () => unknown): HttpFail => { try { f(); } catch (e) { return e as HttpFail; } throw new Error("no failure"); };
  return { site, nor, sender, call, json, failOf, state: () => state };
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

function upload(r: ReturnType<typeof rig>, bytes: Uint8Array, piece = 1000, sha?: string): void {
  assert.equal(r.json(r.call("POST", { do: "begin", size: bytes.length, sha256: sha })).ok, true);
  for (let at = 0; at < bytes.length; at += piece) {
    const j = r.json(r.call("POST", { do: "chunk", offset: at, data: Buffer.from(bytes.subarray(at, at + piece)).toString("base64") }));
    assert.equal(j.written, Math.min(bytes.length, at + piece));
    assert.equal(j.sha256, at + piece >= bytes.length ? sha256(bytes) : undefined, "the NOR copy's digest with the last piece");
  }
}

const bundle = (n: number) => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + 3) & 0xff;
  b.set(Buffer.from("x('" + OTA_MARK + " sampling')"), n - 40); // the mark near the end, across a 1000-byte piece edge for n = 20036
  return b;
};

test("an upload lands on the NOR's staged area byte for byte, across page edges, and starts an update of every meter", () => {
  const r = rig();
  const img = bundle(20036);
  upload(r, img);
  assert.deepEqual(r.nor.read(NOR_OTA_AT, img.length), img);
  assert.deepEqual(Array.from(r.sender.stage.image.info().subarray(0, 5)), [2, img.length, img.length, 99, 5], "verified; 99 page programs (1000-byte pieces end inside pages: 21 pieces over 79 pages), 5 sectors erased as reached");
  const s = r.json(r.call("POST", { do: "start" }));
  assert.deepEqual(s.meters, [1, 2, 3, 4]);
  assert.equal(s.counter, Math.floor(NOW / 60));
  assert.deepEqual(r.sender.sent[0], [[1, 2, 3, 4], s.counter, s.counter, 1, s.counter & 255, NOR_OTA_AT, img.length]);
  const st = r.json(r.call("GET"));
  assert.equal(st.phase, "chunks");
  assert.deepEqual(st.meters[0], { a: 1, state: "failed", cause: "rollback", have: 0, total: 3400 });
  assert.deepEqual(st.meters[1], { a: 2, state: "receiving", cause: null, have: 100, total: 3400 });
  assert.equal(st.staged.meterBundle, true);
  // a second start in the same minute still gets a higher counter (anti-rollback on the meters)
  r.sender.phase = 6;
  const s2 = r.json(r.call("POST", { do: "start", meters: [2] }));
  assert.equal(s2.counter, s.counter + 1);
  assert.deepEqual(r.sender.sent[1][0], [2]);
  r.call("POST", { do: "cancel" });
  assert.deepEqual(r.sender.controls, [2]);
});

test("bad input is refused with a JSON error naming the field", () => {
  const r = rig();
  assert.deepEqual([r.failOf(() => r.call("POST", { do: "begin", size: METER_SLOT_BYTES + 1 })).status, r.failOf(() => r.call("POST", { do: "begin", size: METER_SLOT_BYTES + 1 })).field], [422, "size"]);
  assert.equal(r.failOf(() => r.call("POST", { do: "chunk", offset: 0, data: "AAAA" })).status, 409, "no upload begun");
  r.call("POST", { do: "begin", size: 3000 });
  assert.equal(r.failOf(() => r.call("POST", { do: "chunk", offset: 1000, data: "AAAA" })).field, "offset", "pieces in order");
  assert.equal(r.failOf(() => r.call("POST", { do: "chunk", offset: 0, data: Buffer.alloc(1025).toString("base64") })).field, "data", "piece over 1 KB");
  assert.equal(r.failOf(() => r.call("POST", { do: "chunk", offset: 0, data: 5 })).field, "data");
  assert.equal(r.failOf(() => r.call("POST", { do: "start" })).status, 409, "incomplete image");
  for (let at = 0; at < 3000; at += 1000) r.call("POST", { do: "chunk", offset: at, data: Buffer.alloc(1000, 0x41).toString("base64") });
  const notBundle = r.failOf(() => r.call("POST", { do: "start" }));
  assert.deepEqual([notBundle.status, notBundle.field], [422, "data"]);
  assert.match(notBundle.msg, /not a meter bundle/);
  assert.equal(r.sender.sent.length, 0);
  assert.equal(r.failOf(() => r.call("POST", { do: "dance" })).field, "do");

  const u = rig();
  upload(u, bundle(5000));
  assert.equal(u.failOf(() => u.call("POST", { do: "start", meters: [9] })).field, "meters", "not a registered meter");
  u.sender.phase = 2;
  assert.equal(u.failOf(() => u.call("POST", { do: "start" })).status, 409, "an update is running");
  assert.equal(u.failOf(() => u.call("POST", { do: "begin", size: 10 })).status, 409, "no new upload under a running update");
});

test("without the sender or the NOR the API says so (Node's server, a board without them)", () => {
  const site = makeSite(NOW);
  const route = otaRoutes({ ota: null, masterKey: () => null, readState: () => undefined, writeState: () => false });
  const ctx = (method: string, body: string) => ({ method, path: "/api/ota", query: {}, body, headers: { "content-type": "application/json" }, nowS: NOW, session: "s", csrf: "c", client: "" }) as Ctx;
  assert.equal(JSON.parse(route(site.app, ctx("GET", ""), "GET /api/ota").body!).available, false);
  try { route(site.app, ctx("POST", JSON.stringify({ do: "begin", size: 100 })), "POST /api/ota"); assert.fail("no failure"); } catch (e) { assert.equal((e as HttpFail).status, 503); }
});

test("the staged area is the flash map's, and the digest and the NOR decide what may be sent", () => {
  const area = norAreas("aggregator").find((a) => a.name === "staged")!;
  assert.deepEqual([area.address, area.bytes], [NOR_OTA_AT, NOR_OTA_BYTES]);
  // the client's digest checked over the NOR copy
  const r = rig();
  const img = bundle(5000);
  upload(r, img, 1024, sha256(img));
  assert.equal(r.json(r.call("GET")).staged.sha256, sha256(img));
  r.call("POST", { do: "begin", size: img.length, sha256: sha256(img.subarray(1)) });
  for (let at = 0; at < 4096; at += 1024) r.call("POST", { do: "chunk", offset: at, data: Buffer.from(img.subarray(at, at + 1024)).toString("base64") });
  const wrong = r.failOf(() => r.call("POST", { do: "chunk", offset: 4096, data: Buffer.from(img.subarray(4096)).toString("base64") }));
  assert.deepEqual([wrong.status, wrong.field], [422, "sha256"]);
  assert.equal(r.failOf(() => r.call("POST", { do: "start" })).status, 409, "nothing to send after a digest that differs");
  assert.equal(r.failOf(() => r.call("POST", { do: "begin", size: 10, sha256: "12" })).field, "sha256");
  // an area too small for the image (a flash map that gave it less)
  const small = rig();
  small.sender.areaBytes = 16384;
  const tooBig = small.failOf(() => small.call("POST", { do: "begin", size: 20000 }));
  assert.deepEqual([tooBig.status, tooBig.field], [422, "size"]);
  assert.match(tooBig.msg, /staged area/);
  // a program the NOR does not hold (a worn cell): read back, refused, nothing to send
  const w = rig();
  w.call("POST", { do: "begin", size: 3000 });
  const program = w.nor.programRaw.bind(w.nor);
  let worn = 1;
  w.nor.programRaw = (a: number, d: Uint8Array) => program(a, worn-- > 0 ? d.map((x) => x & 0xfe) : d);
  const bad = w.failOf(() => w.call("POST", { do: "chunk", offset: 0, data: Buffer.alloc(1000, 0x41).toString("base64") }));
  assert.equal(bad.status, 503);
  assert.match(bad.msg, /NOR write failed at 0/);
  assert.equal(w.failOf(() => w.call("POST", { do: "chunk", offset: 0, data: "QUFB" })).status, 409, "the upload is void: begin again");
  // the sender's own refusals reach the operator with what to do
  const s = rig();
  upload(s, bundle(5000));
  s.sender.sendCode = -74;
  assert.match(s.failOf(() => s.call("POST", { do: "start" })).msg, /changed since it was staged: upload it again/);
  upload(s, bundle(5000));
  s.sender.sendCode = -28;
  const mem = s.failOf(() => s.call("POST", { do: "start" }));
  assert.deepEqual([mem.status, /no memory for the sender \(4 440 B in one block\)/.test(mem.msg)], [503, true]);
});
