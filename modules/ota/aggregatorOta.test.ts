// The aggregator's OTA API (aggregatorOta.ts) over the NOR model and a fake sender:
// what it stages where, what it refuses (each a JSON error naming the field), the rising
// security counter, and the status it reports.
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeSite } from "../../host/web/fakeSite.ts";
import { NorModel } from "../../host/runtime/nor.ts";
import { otaRoutes, METER_SLOT_BYTES, NOR_OTA_AT, OTA_MARK, type OtaDevice } from "./aggregatorOta.ts";
import type { AggOtaPort } from "../ports/otaPort.ts";
import type { Ctx, HttpFail, Reply } from "../http/types.ts";

const NOW = Date.parse("2026-06-21T10:00:00Z") / 1000;

class FakeSender implements AggOtaPort {
  sent: unknown[][] = [];
  phase = 0;
  controls: number[] = [];
  send(master: Uint8Array, addresses: Uint8Array, version: number, counter: number, image: number, tag: number, norAddress: number, size: number): number {
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
  const sender = new FakeSender();
  let state: { counter?: number } | undefined;
  const dev: OtaDevice = {
    ota: sender, nor, masterKey: () => new Uint8Array(16).fill(1), readState: () => state, writeState: (s) => { state = s; return true; },
    decode64: (s) => Buffer.from(s, "base64").toString("latin1"),
  };
  const route = otaRoutes(dev);
  const call = (method: string, body?: object, nowS = NOW): Reply => route(site.app, { method, path: "/api/ota", query: {}, body: body ? JSON.stringify(body) : "", headers: { "content-type": "application/json" }, nowS, session: "s", csrf: "c", client: "" } as Ctx, method + " /api/ota");
  const json = (r: Reply) => JSON.parse(r.body!);
  const failOf = (f: () => unknown): HttpFail => { try { f(); } catch (e) { return e as HttpFail; } throw new Error("no failure"); };
  return { site, nor, sender, call, json, failOf, state: () => state };
}

function upload(r: ReturnType<typeof rig>, bytes: Uint8Array, piece = 1000): void {
  assert.equal(r.json(r.call("POST", { do: "begin", size: bytes.length })).ok, true);
  for (let at = 0; at < bytes.length; at += piece) {
    const j = r.json(r.call("POST", { do: "chunk", offset: at, data: Buffer.from(bytes.subarray(at, at + piece)).toString("base64") }));
    assert.equal(j.written, Math.min(bytes.length, at + piece));
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
  const route = otaRoutes({ ota: null, nor: undefined, masterKey: () => null, readState: () => undefined, writeState: () => false });
  const ctx = (method: string, body: string) => ({ method, path: "/api/ota", query: {}, body, headers: { "content-type": "application/json" }, nowS: NOW, session: "s", csrf: "c", client: "" }) as Ctx;
  assert.equal(JSON.parse(route(site.app, ctx("GET", ""), "GET /api/ota").body!).available, false);
  try { route(site.app, ctx("POST", JSON.stringify({ do: "begin", size: 100 })), "POST /api/ota"); assert.fail("no failure"); } catch (e) { assert.equal((e as HttpFail).status, 503); }
});
