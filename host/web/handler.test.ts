/**
 * The device's request handler on Node's http through the adapter: the JSON API's
 * contract, the stored app's files (gzip, ETag, caching), login/session/CSRF, the
 * per-client lockout, the first-run password, and every kind of bad request getting
 * its 4xx as JSON while the server keeps serving. Raw sockets send what fetch() refuses to.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { gunzipSync } from "node:zlib";
import { serve } from "./nodeAdapter.ts";
import { makeSite, PASSWORD } from "./fakeSite.ts";
import { entsoe15 } from "./priceFiles.ts";
import { parsePriceFile } from "../../modules/web/priceFile.ts";
import { entsoeDoc } from "../../modules/aggregator/testing/entsoeDoc.ts";
import type { HttpReq, HttpRes } from "../../modules/http/types.ts";
import type { ApiBill, ApiDecisions, ApiLoad, ApiPrices, ApiProblem, ApiResult, ApiSession, ApiState } from "./apiTypes.ts";

const NOW = Date.parse("2026-03-29T12:07:00Z") / 1000;
const site = makeSite(NOW);
const { server, port } = await serve(site.server.handle, 0);
after(() => server.close());
const base = `http://127.0.0.1:${port}`;

function raw(text: string, p = port): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(p, "127.0.0.1", () => s.end(text));
    let out = "";
    s.setEncoding("latin1");
    s.on("data", (d) => (out += d));
    s.on("end", () => resolve(out));
    s.on("error", reject);
    setTimeout(() => { s.destroy(); resolve(out); }, 2000);
  });
}
const status = (r: string) => +r.split(" ")[1];
const get = (p: string, h: Record<string, string> = {}) => fetch(base + p, { headers: h, redirect: "manual" });
const postJson = (p: string, body: unknown, h: Record<string, string> = {}) => fetch(base + p, { method: "POST", headers: { "content-type": "application/json", ...h }, body: typeof body === "string" ? body : JSON.stringify(body) });
const bearer = { authorization: "Bearer test-token" };
async function problem(r: Response, st: number, field?: string): Promise<ApiProblem> {
  assert.equal(r.status, st, r.url);
  assert.match(r.headers.get("content-type")!, /^application\/json/);
  const p = (await r.json()) as ApiProblem;
  assert.equal(typeof p.error, "string");
  assert.equal(p.field, field);
  return p;
}

async function login(): Promise<{ cookie: string; csrf: string }> {
  const r = await postJson("/api/login", { user: "admin", password: PASSWORD });
  assert.equal(r.status, 200);
  assert.match(r.headers.get("set-cookie")!, /^sid=[^;]+; HttpOnly; SameSite=Strict; Path=\/; Max-Age=3600$/);
  const cookie = r.headers.get("set-cookie")!.split(";")[0];
  const { csrf } = (await r.json()) as { csrf: string };
  assert.match(csrf, /^[0-9a-f]{32}$/);
  return { cookie, csrf };
}

test("the stored app: gzip as stored, ETag, 304, long caching of hashed files, CSP without inline", async () => {
  const r = await fetch(base + "/", { headers: { "accept-encoding": "identity" } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("content-encoding"), "gzip", "sent as stored, whatever the client asked");
  assert.equal(r.headers.get("cache-control"), "no-cache");
  const html = await r.text();
  assert.match(html, /<meta name="viewport" content="width=device-width/);
  const js = /src="(\/a\.[0-9a-f]{8}\.js)"/.exec(html)![1], css = /href="(\/s\.[0-9a-f]{8}\.css)"/.exec(html)![1];
  const etag = r.headers.get("etag")!;
  assert.match(etag, /^"[0-9a-f]{8}"$/);
  assert.equal((await get("/", { "if-none-match": etag })).status, 304);
  for (const p of [js, css]) {
    const a = await get(p);
    assert.equal(a.status, 200);
    assert.equal(a.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.ok((await a.text()).length > 500);
  }
  const csp = r.headers.get("content-security-policy")!;
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  // the bytes on the wire are the stored gzip file: HEAD gives its length, a raw GET its bytes
  const head = await fetch(base + js, { method: "HEAD" });
  const stored = site.app.files!.read(js.slice(1) + ".gz")!;
  assert.equal(head.headers.get("content-length"), String(stored.length));
  assert.equal((await head.text()), "");
  const wire = await raw(`GET ${js} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  const body = Buffer.from(wire.slice(wire.indexOf("\r\n\r\n") + 4), "latin1");
  assert.ok(gunzipSync(body).toString().length > stored.length, "gzip on the wire");
});

test("reading API: state, load, prices, bill, CSV, decisions with OBIS names", async () => {
  const st = (await (await get("/api/state")).json()) as ApiState;
  assert.deepEqual(st.tz, { stdOffsetS: 3600, euDst: true });
  assert.equal(st.meters.length, 4);
  assert.equal(st.renewable.pct, 62);
  assert.equal(st.cogenerator.state, "running");
  assert.equal(typeof st.price.nowEurMWh, "number");
  assert.equal(st.price.nextS, NOW - (NOW % 3600) + 3600, "hourly prices: the next interval is the next hour");
  assert.ok(st.meters[3]["1-0:2.7.0"]! > 0, "PV exports at noon");
  assert.equal(st.meters[3]["1-0:1.7.0"], 0);
  assert.equal(st.meters[0].offline, false);
  const sum = st.meters.reduce((a, m) => a + (m["1-0:1.7.0"] ?? 0) - (m["1-0:2.7.0"] ?? 0), 0);
  assert.equal(st.siteW, Math.round(sum), "site power = imports - exports");
  const ld = (await (await get("/api/load?a=3")).json()) as ApiLoad;
  assert.equal(ld.powerW.length, 96);
  assert.equal(ld.priceEurMWh.length, 96);
  assert.equal(ld.stepS, 900);
  assert.equal(ld.startS, (Math.floor(NOW / 900) - 96) * 900);
  assert.equal(ld.days.length, 7);
  assert.equal(ld.days[6].day, "2026-03-29");
  assert.equal(ld.days[6].hours, 23, "the spring DST day has 23 hours");
  assert.ok(ld.days[5].importWh > 0);
  const pr = (await (await get("/api/prices")).json()) as ApiPrices;
  assert.equal(pr.blocks.length, 3);
  assert.equal(pr.blocks.find((b) => b.startS === Date.parse("2026-03-28T23:00Z") / 1000)!.eurMWh.length, 23);
  const bill = (await (await get("/api/bill?from=2026-03-28&to=2026-03-29")).json()) as ApiBill;
  assert.equal(bill.from, "2026-03-28");
  assert.equal(bill.minorUnits, 2);
  assert.equal(bill.currency, "EUR");
  assert.equal(bill.bills.filter((b) => b.household).length, 2);
  assert.match(bill.bills[0].importCostEur, /^\d+\.\d{5}$/);
  const csv = await get("/api/bill.csv?from=2026-03-28&to=2026-03-29");
  assert.match(csv.headers.get("content-type")!, /text\/csv/);
  assert.match(await csv.text(), /^date,address,load,household,import_kWh,/);
  const dec = (await (await get("/api/decisions")).json()) as ApiDecisions;
  assert.ok(Array.isArray(dec.planned) && Array.isArray(dec.decisions));
  for (const d of dec.decisions) assert.ok(["price", "renewables", "limit", "ok", "manual", "plan", "start", "override", "cancel", "auto"].includes(d.reason), d.reason);
});

test("HEAD for every GET route; 405 names the allowed methods", async () => {
  for (const p of ["/", "/api/session", "/api/state", "/api/load?a=1", "/api/prices", "/api/decisions", "/api/bill", "/api/bill.csv"]) {
    const g = await get(p), h = await fetch(base + p, { method: "HEAD" });
    await g.arrayBuffer();
    assert.equal(h.status, g.status, p);
    assert.equal(h.headers.get("content-type"), g.headers.get("content-type"), p);
    assert.equal(await h.text(), "", p);
  }
  const allow = async (m: string, p: string, want: string) => {
    const r = await fetch(base + p, { method: m, body: m === "GET" || m === "HEAD" ? undefined : "{}" });
    await problem(r, 405);
    assert.equal(r.headers.get("allow"), want, m + " " + p);
  };
  await allow("PUT", "/", "GET, HEAD");
  await allow("DELETE", "/api/state", "GET, HEAD");
  await allow("POST", "/api/state", "GET, HEAD");
  await allow("GET", "/api/login", "POST");
  await allow("PATCH", "/api/load", "GET, HEAD, POST");
  await problem(await get("/nope"), 404);
  await problem(await fetch(base + "/nope", { method: "PUT", body: "x" }), 404);
});

test("strict numbers and dates: hex, spaces, exponents, impossible dates refused with the field", async () => {
  for (const a of ["0x1", "%201e0%20", "1e0", "1.0", "+1", "", "1x"]) await problem(await get("/api/load?a=" + a), 422, "a");
  await problem(await get("/api/load?a=42"), 404, "a");
  await problem(await get("/api/load?a=64"), 422, "a"); // past the CAN identifier plan (0..63)
  await problem(await get("/api/bill?from=2026-02-31"), 422, "from");
  await problem(await get("/api/bill?from=2026-02-30x"), 422, "from");
  await problem(await get("/api/bill?to=2026-13-01"), 422, "to");
  await problem(await get("/api/bill?from=2026-03-29&to=2026-03-28"), 422, "from");
  assert.equal((await get("/api/bill?from=2024-02-29&to=2024-02-29")).status, 200, "a leap day exists");
  await problem(await postJson("/api/renewable", { pct: "0x10" }, bearer), 422, "pct");
  await problem(await postJson("/api/renewable", { pct: " 1e1 " }, bearer), 422, "pct");
  await problem(await postJson("/api/renewable", { pct: 10.5 }, bearer), 422, "pct");
  await problem(await postJson("/api/defer", { a: 1, dur: 60, wh: 500, by: "2026-02-31T10:00" }, bearer), 422, "by");
  await problem(await postJson("/api/defer", { a: 1, dur: 60, wh: 500, by: "2026-03-30T08:00", mode: "fastest" }, bearer), 422, "mode");
  await problem(await postJson("/api/load", { a: 4, do: "disconnect" }, bearer), 422, "a");
  await problem(await postJson("/api/load", { a: 1, do: "explode" }, bearer), 422, "do");
});

test("bad requests get their 4xx as JSON and the server keeps serving", async () => {
  assert.equal(status(await raw("GARBAGE\r\n\r\n")), 400, "malformed request line");
  assert.equal(status(await raw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(5000) + "\r\n\r\n")), 431, "header over Node's limit");
  let many = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (let i = 0; i < 40; i++) many += "X-" + i + ": 1\r\n";
  assert.equal(status(await raw(many + "\r\n")), 431, "too many header fields");
  assert.equal(status(await raw("GET /" + "a".repeat(600) + " HTTP/1.1\r\nHost: x\r\n\r\n")), 414);
  for (const p of ["/../etc/passwd", "/%2e%2e/etc/passwd", "/a\\b", "/%00", "//etc", "/%zz"]) {
    const r = await raw("GET " + p + " HTTP/1.1\r\nHost: x\r\n\r\n");
    assert.equal(status(r), 400, p);
    assert.match(r, /\{"error":"/);
  }
  assert.equal(status(await raw("GET * HTTP/1.1\r\nHost: x\r\n\r\n")), 400);
  assert.equal(status(await raw("POST /api/login HTTP/1.1\r\nHost: x\r\n\r\n")), 411);
  assert.equal(status(await raw("POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: 99999\r\n\r\n")), 413);
  assert.equal(status(await raw("POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n")), 400);
  // request smuggling: both framings, or chunked alone, never reach a route
  assert.equal(status(await raw("POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")), 400);
  assert.equal(status(await raw("POST /api/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")), 411);
  await problem(await postJson("/api/renewable", "x".repeat(3000), bearer), 413);
  await problem(await postJson("/api/renewable", "{pct:", bearer), 400);
  await problem(await postJson("/api/renewable", "[1]", bearer), 422);
  await problem(await fetch(base + "/api/renewable", { method: "POST", headers: { ...bearer, "content-type": "text/plain" }, body: '{"pct":40}' }), 415);
  await problem(await get("/api/bill?x=%E0%A4%A"), 400);
  const before = site.server.stats.client;
  assert.equal((await get("/api/state")).status, 200, "still serving");
  assert.equal(site.server.stats.client, before);
  assert.ok(site.server.stats.client >= 20);
});

test("a slow client holding a half-sent request does not stop others", async () => {
  const slow = net.connect(port, "127.0.0.1");
  await new Promise((r) => slow.on("connect", r));
  slow.write("POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"user\":");
  const t0 = Date.now();
  assert.equal((await get("/api/state")).status, 200);
  assert.ok(Date.now() - t0 < 1000);
  slow.destroy();
});

test("machine clients: renewables, co-generator, prices and forecast with the bearer token", async () => {
  assert.equal((await postJson("/api/renewable", { pct: 35 }, { authorization: "Bearer wrong" })).status, 401);
  assert.deepEqual(await (await postJson("/api/renewable", { pct: 35 }, bearer)).json(), { ok: true });
  assert.equal((await postJson("/api/cogenerator", { state: "fault" }, bearer)).status, 200);
  await problem(await postJson("/api/cogenerator", { state: "exploded" }, bearer), 422, "state");
  const st = (await (await get("/api/state")).json()) as ApiState;
  assert.equal(st.renewable.pct, 35);
  assert.equal(st.cogenerator.state, "fault");
  // a raw file is parsed off the device (the web app, modules/web/priceFile.ts): refused with where to parse it
  const xml = entsoeDoc(Array.from({ length: 23 }, (_, i) => `<Point><position>${i + 1}</position><price.amount>${100 + i}</price.amount></Point>`).join("\n"), {});
  for (const raw of [xml, "2026-03-29T00:00Z,10\n2026-03-29T01:00Z,11\n"]) {
    for (const route of ["/api/prices", "/api/forecast"]) {
      const r = await fetch(base + route, { method: "POST", headers: bearer, body: raw });
      assert.match((await problem(r, 415, "data")).error, /not parsed on the device: open it on the web app's Prices page, or send it with `meternet prices --url URL --token T FILE`/);
    }
  }
  const compact = (text: string) => { const p = parsePriceFile(text, { stdOffsetS: 3600, euDst: true }); assert.ok("blocks" in p); return JSON.stringify(p.blocks); };
  const bad = await fetch(base + "/api/prices", { method: "POST", headers: bearer, body: '{"start":"2026-03-29T00:00Z","prices":[10,"zz"]}' });
  assert.match((await problem(bad, 422, "data")).error, /prices rejected, old prices kept: line 0: block 1: prices\[1\] is not a number/);
  const good = await fetch(base + "/api/prices", { method: "POST", headers: bearer, body: compact(xml) });
  assert.equal(good.status, 200);
  assert.equal(((await (await get("/api/state")).json()) as ApiState).price.nowEurMWh, 113, "13:00 UTC is position 14");
  const fc = Array.from({ length: 12 }, (_, h) => `2026-03-29T${String(12 + h).padStart(2, "0")}:00Z,${h === 3 ? 90 : 20}`).join("\n");
  assert.equal((await fetch(base + "/api/forecast", { method: "POST", headers: bearer, body: compact(fc) })).status, 200);
  const g = (await (await postJson("/api/defer", { a: 3, dur: 60, wh: 500, by: "2026-03-29T23:00Z", mode: "greenest" }, bearer)).json()) as ApiResult;
  assert.equal(g.startS, Date.parse("2026-03-29T15:00Z") / 1000, "the sunniest hour");
  await problem(await fetch(base + "/api/forecast", { method: "POST", headers: bearer, body: '{"start":"x","prices":[1]}' }), 422, "data");
});

test("two days of 15-minute prices, DST day included, as the app posts them", async () => {
  const f = entsoe15("2026-10-25", 2);
  assert.deepEqual(f.points, [100, 96]);
  const p = parsePriceFile(f.xml, { stdOffsetS: 3600, euDst: true });
  assert.ok("blocks" in p);
  const body = JSON.stringify(p.blocks);
  assert.ok(body.length < 2000, "compact: " + body.length + " B");
  const r = await fetch(base + "/api/prices", { method: "POST", headers: { ...bearer, "content-type": "application/json" }, body });
  assert.equal(r.status, 200);
  const pr = (await (await get("/api/prices")).json()) as ApiPrices;
  const dst = pr.blocks.find((b) => b.startS === Date.parse("2026-10-24T22:00Z") / 1000)!;
  assert.equal(dst.stepS, 900);
  assert.equal(dst.eurMWh.length, 100);
  assert.equal(dst.eurMWh[5], Math.round((80 + 40 * Math.sin(5 / 15)) * 100) / 100);
});

test("login, CSRF on every state change, session, logout revokes", async () => {
  await problem(await postJson("/api/load", { a: 1, do: "disconnect" }), 401);
  await problem(await postJson("/api/login", { user: "admin", password: "wrong" }), 401, "password");
  await problem(await postJson("/api/login", { user: "admin" }), 422, "password");
  const { cookie, csrf } = await login();
  const s = (await (await get("/api/session", { cookie })).json()) as ApiSession;
  assert.deepEqual(s, { loggedIn: true, user: "admin", csrf, firstRun: false, publicRead: true });
  await problem(await postJson("/api/load", { a: 1, do: "disconnect" }, { cookie }), 403);
  await problem(await postJson("/api/load", { a: 1, do: "disconnect" }, { cookie, "x-csrf-token": "0".repeat(32) }), 403);
  const ok = await postJson("/api/load", { a: 1, do: "disconnect" }, { cookie, "x-csrf-token": csrf });
  assert.equal(ok.status, 200);
  assert.equal(((await ok.json()) as ApiResult).untilS, NOW + 4 * 3600);
  assert.equal(site.sent.at(-1), "1:disconnect");
  assert.equal((await postJson("/api/load", { a: 1, do: "auto" }, { cookie, "x-csrf-token": csrf })).status, 200);
  const plan = (await (await postJson("/api/defer", { a: 1, dur: 120, wh: 1500, by: "2026-03-30T08:00", mode: "cheapest" }, { cookie, "x-csrf-token": csrf })).json()) as ApiResult;
  assert.ok((plan.id as number) > 0 && (plan.startS as number) > NOW);
  assert.match(plan.costEur as string, /^\d+\.\d{5}$/);
  await problem(await postJson("/api/defer", { a: 1, dur: 120, wh: 1500, by: "2026-03-29T14:30" }, { cookie, "x-csrf-token": csrf }), 422, "by");
  const dec = (await (await get("/api/decisions")).json()) as ApiDecisions;
  const planned = dec.decisions.find((d) => d.action === "plan")!;
  assert.equal(planned.reason, "plan");
  assert.equal(planned.v, plan.startS);
  assert.equal((await postJson("/api/override", { id: planned.id }, { cookie, "x-csrf-token": csrf })).status, 200);
  assert.ok(((await (await get("/api/decisions")).json()) as ApiDecisions).planned.every((p) => p.address !== 1), "washing machine run cancelled");
  await problem(await postJson("/api/logout", {}, { cookie }), 403);
  const out = await postJson("/api/logout", {}, { cookie, "x-csrf-token": csrf });
  assert.match(out.headers.get("set-cookie")!, /^sid=; .*Max-Age=0/);
  await problem(await postJson("/api/load", { a: 1, do: "auto" }, { cookie, "x-csrf-token": csrf }), 401);
});

/** A login through the handler with a chosen client address (Node's adapter passes the socket's). */
function loginFrom(handle: (q: HttpReq, s: HttpRes) => void, remote: string, password: string): Promise<{ status: number; headers: Record<string, string> }> {
  return new Promise((resolve) => {
    const body = JSON.stringify({ user: "admin", password });
    let st = 0, hd: Record<string, string> = {};
    const on: Record<string, (d?: string) => void> = {};
    handle({ method: "POST", url: "/api/login", remote, headers: { "content-type": "application/json", "content-length": String(body.length) }, on: (ev, cb) => { on[ev] = cb; } }, {
      writeHead: (s, h) => { st = s; hd = h ?? {}; }, write: () => true, end: () => resolve({ status: st, headers: hd }), on: () => {},
    });
    on.data!(body);
  });
}

test("lockout per client address with a growing delay; the owner elsewhere still logs in", async () => {
  const s = makeSite(NOW, { iterations: 4 });
  let now = NOW;
  s.setNow(now);
  for (let i = 0; i < 4; i++) assert.equal((await loginFrom(s.server.handle, "10.0.0.66", "guess" + i)).status, 401);
  assert.equal((await loginFrom(s.server.handle, "10.0.0.66", "guess4")).status, 401, "5th failure: now a 1 s delay");
  let r = await loginFrom(s.server.handle, "10.0.0.66", PASSWORD);
  assert.equal(r.status, 429, "locked even with the right password");
  assert.equal(r.headers["Retry-After"], "1");
  assert.equal((await loginFrom(s.server.handle, "10.0.0.7", PASSWORD)).status, 200, "another client is not locked out");
  const waits: number[] = [];
  for (let i = 0; i < 4; i++) {
    now += 400; s.setNow(now);
    assert.equal((await loginFrom(s.server.handle, "10.0.0.66", "more" + i)).status, 401);
    waits.push(s.auth.waitS("10.0.0.66", now));
  }
  assert.deepEqual(waits, [2, 4, 8, 16], "the delay doubles");
  for (let i = 0; i < 10; i++) { now += 400; s.setNow(now); await loginFrom(s.server.handle, "10.0.0.66", "x" + i); }
  assert.equal(s.auth.waitS("10.0.0.66", now), 300, "capped at lockS");
  now += 300; s.setNow(now);
  assert.equal((await loginFrom(s.server.handle, "10.0.0.66", PASSWORD)).status, 200, "the delay ends");
});

test("first run: the password is set once by anyone, then only by a session", async () => {
  const fresh = makeSite(NOW, { noPassword: true });
  const srv = await serve(fresh.server.handle, 0);
  try {
    const b = `http://127.0.0.1:${srv.port}`;
    const pj = (p: string, body: unknown, h: Record<string, string> = {}) => fetch(b + p, { method: "POST", headers: { "content-type": "application/json", ...h }, body: JSON.stringify(body) });
    assert.equal(((await (await fetch(b + "/api/session")).json()) as ApiSession).firstRun, true);
    assert.match((await problem(await pj("/api/login", { user: "", password: "" }), 401, "password")).error, /no password is set/);
    await problem(await pj("/api/password", { password: "short" }), 422, "password");
    assert.equal((await pj("/api/password", { user: "owner", password: "long enough" })).status, 200);
    assert.equal(fresh.saved.length, 1, "stored");
    assert.equal((fresh.saved[0] as { user: string }).user, "owner");
    assert.equal(((await (await fetch(b + "/api/session")).json()) as ApiSession).firstRun, false);
    await problem(await pj("/api/password", { password: "taken over!" }), 401);
    const li = await pj("/api/login", { user: "owner", password: "long enough" });
    const cookie = li.headers.get("set-cookie")!.split(";")[0];
    const { csrf } = (await li.json()) as { csrf: string };
    await problem(await pj("/api/password", { password: "changed pass" }, { cookie }), 403);
    assert.equal((await pj("/api/password", { password: "changed pass" }, { cookie, "x-csrf-token": csrf })).status, 200);
    assert.equal((await pj("/api/login", { user: "owner", password: "changed pass" })).status, 200);
  } finally { srv.server.close(); }
});

test("reading needs a login unless public read is configured; the app itself is public", async () => {
  const priv = makeSite(NOW, { publicRead: false });
  const s = await serve(priv.server.handle, 0);
  try {
    const b = `http://127.0.0.1:${s.port}`;
    for (const p of ["/api/state", "/api/load?a=1", "/api/prices", "/api/decisions", "/api/bill", "/api/bill.csv"]) await problem(await fetch(b + p), 401);
    assert.equal((await fetch(b + "/")).status, 200);
    assert.equal(((await (await fetch(b + "/api/session")).json()) as ApiSession).publicRead, false);
  } finally { s.server.close(); }
});

test("streamed replies in flight are capped (maxStreams): the next gets 503 + Retry-After, a finished one frees its place", async () => {
  const { createHandler } = await import("../../modules/http/server.ts");
  const s = makeSite(NOW);
  const h = createHandler({ routes: (await import("../../modules/aggregator/pages/routes.ts")).routes(s.app), auth: s.auth, publicRead: true, apiToken: "", nowS: () => NOW, maxStreams: 1 });
  const open = () => {
    let status = 0, drain = () => {}, close = () => {};
    const headers: Record<string, string> = {};
    const res: HttpRes = { writeHead: (st, hd) => { status = st; Object.assign(headers, hd); }, write: () => false, end: () => {}, on: (ev, cb) => { if (ev === "drain") drain = cb; else close = cb; } };
    h.handle({ method: "GET", url: "/api/state", headers: {}, on: () => {} }, res);
    return { status: () => status, headers, drain: () => drain(), close: () => close() };
  };
  const a = open();
  assert.equal(a.status(), 200);
  const b = open();
  assert.equal(b.status(), 503);
  assert.equal(b.headers["Retry-After"], "1");
  for (let i = 0; i < 50; i++) a.drain(); // the first reply runs to its end
  assert.equal(open().status(), 200, "its place is free again");
  const c = open();
  assert.equal(c.status(), 503);
});
