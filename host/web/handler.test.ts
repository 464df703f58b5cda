/**
 * The device's request handler on Node's http through the adapter: pages, API,
 * login/session/CSRF, and every kind of bad request getting its 4xx while the server
 * keeps serving. Raw sockets send what fetch() refuses to.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { serve } from "./nodeAdapter.ts";
import { makeSite, PASSWORD } from "./fakeSite.ts";
import { entsoeDoc } from "../../modules/aggregator/testing/entsoeDoc.ts";
import type { ApiBill, ApiDecisions, ApiLoad, ApiResult, ApiState } from "./apiTypes.ts";

const NOW = Date.parse("2026-03-29T12:07:00Z") / 1000;
const site = makeSite(NOW);
const { server, port } = await serve(site.server.handle, 0);
after(() => server.close());
const base = `http://127.0.0.1:${port}`;

function raw(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1", () => s.end(text));
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

async function login(): Promise<{ cookie: string; csrf: string }> {
  const r = await fetch(base + "/login", { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "user=admin&password=" + encodeURIComponent(PASSWORD) });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get("location"), "/control");
  const cookie = r.headers.get("set-cookie")!.split(";")[0];
  assert.match(r.headers.get("set-cookie")!, /HttpOnly; SameSite=Strict/);
  const page = await (await get("/control", { cookie })).text();
  const csrf = /name="csrf" value="([0-9a-f]{32})"/.exec(page)![1];
  return { cookie, csrf };
}
const form = (cookie: string, body: string) => ({ method: "POST", redirect: "manual" as const, headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body });

test("public pages: dashboard, load graph, billing, CSV, API with OBIS names", async () => {
  const d = await (await get("/")).text();
  for (const s of ["Washing machine", "Electric heater", "Fridge", "Rooftop PV", "Renewable availability", "62 %", "running, 4500 W", "Price now"]) assert.ok(d.includes(s), s);
  const g = await (await get("/load?a=4")).text();
  assert.match(g, /<svg id=graph/);
  assert.match(g, /<path id=profile [^>]*d="M\d+ \d+H\d+/);
  const b = await get("/bill?from=2026-03-28&to=2026-03-29");
  assert.equal(b.status, 200);
  assert.ok((await b.text()).includes("Flat 2"));
  const csv = await get("/bill.csv?from=2026-03-28&to=2026-03-29");
  assert.match(csv.headers.get("content-type")!, /text\/csv/);
  assert.match(await csv.text(), /^date,address,load,household,import_kWh,/);
  const st = (await (await get("/api/state")).json()) as ApiState;
  assert.equal(st.meters.length, 4);
  assert.ok(st.meters[3]["1-0:2.7.0"]! > 0, "PV exports at noon");
  assert.equal(st.meters[3]["1-0:1.7.0"], 0);
  assert.ok(st.meters[0]["1-0:1.8.0"]! > 1000);
  const ld = (await (await get("/api/load?a=3")).json()) as ApiLoad;
  assert.equal(ld.profile.powerW.length, 96);
  assert.equal(ld.profile.stepS, 900);
  const bill = (await (await get("/api/bill?from=2026-03-28&to=2026-03-29")).json()) as ApiBill;
  const loads = bill.bills.filter((b) => b.address), households = bill.bills.filter((b) => b.household);
  assert.equal(households.length, 2);
  assert.match(loads[0].importCostEur, /^\d+\.\d{5}$/);
  assert.equal((await get("/api/decisions")).status, 200);
});

test("bad requests get the right 4xx and the server keeps serving", async () => {
  assert.equal(status(await raw("GARBAGE\r\n\r\n")), 400, "malformed request line");
  assert.equal(status(await raw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(5000) + "\r\n\r\n")), 431, "header over Node's limit");
  let many = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (let i = 0; i < 40; i++) many += "X-" + i + ": 1\r\n";
  assert.equal(status(await raw(many + "\r\n")), 431, "too many header fields");
  assert.equal(status(await raw("GET /" + "a".repeat(600) + " HTTP/1.1\r\nHost: x\r\n\r\n")), 414);
  for (const p of ["/../etc/passwd", "/%2e%2e/etc/passwd", "/a\\b", "/%00", "//etc", "/%zz"]) {
    assert.equal(status(await raw("GET " + p + " HTTP/1.1\r\nHost: x\r\n\r\n")), 400, p);
  }
  assert.equal(status(await raw("GET * HTTP/1.1\r\nHost: x\r\n\r\n")), 400);
  assert.equal((await get("/nope")).status, 404);
  assert.equal((await fetch(base + "/", { method: "POST", body: "x" })).status, 405);
  assert.equal((await fetch(base + "/", { method: "PUT", body: "x" })).status, 405);
  assert.equal((await fetch(base + "/", { method: "DELETE" })).status, 405);
  assert.equal(status(await raw("POST /login HTTP/1.1\r\nHost: x\r\n\r\n")), 411);
  assert.equal(status(await raw("POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 99999\r\n\r\n")), 413);
  assert.equal(status(await raw("POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n")), 400);
  const big = await fetch(base + "/api/renewable", { method: "POST", headers: { authorization: "Bearer test-token", "content-type": "application/json" }, body: "x".repeat(3000) });
  assert.equal(big.status, 413);
  const api = (body: string, type = "application/json") => fetch(base + "/api/renewable", { method: "POST", headers: { authorization: "Bearer test-token", "content-type": type }, body });
  assert.equal((await api("{pct:")).status, 400, "bad JSON");
  assert.equal((await api('{"pct":"lots"}')).status, 422, "wrong type");
  assert.equal((await api('{"pct":150}')).status, 422, "out of range");
  assert.equal((await api("[1]")).status, 422, "not an object");
  assert.equal((await api('{"pct":40}', "text/plain")).status, 415);
  assert.equal((await get("/load?a=x")).status, 422);
  assert.equal((await get("/load?a=99")).status, 404);
  assert.equal((await get("/bill?from=2026-02-30x")).status, 422);
  assert.equal((await get("/bill?x=%E0%A4%A")).status, 400);
  const before = site.server.stats.client;
  assert.equal((await get("/")).status, 200, "still serving");
  assert.equal(site.server.stats.client, before);
  assert.ok(site.server.stats.client >= 20);
});

test("machine clients set renewables and co-generator with the bearer token", async () => {
  const post = (p: string, body: unknown, auth = "Bearer test-token") => fetch(base + p, { method: "POST", headers: { authorization: auth, "content-type": "application/json" }, body: JSON.stringify(body) });
  assert.equal((await post("/api/renewable", { pct: 35 }, "Bearer wrong")).status, 401);
  const r = await post("/api/renewable", { pct: 35 });
  assert.deepEqual(await r.json(), { ok: true, msg: "ok" });
  assert.equal((await post("/api/cogenerator", { state: "fault" })).status, 200);
  assert.equal((await post("/api/cogenerator", { state: "exploded" })).status, 422);
  const st = (await (await get("/api/state")).json()) as ApiState;
  assert.equal(st.renewable.pct, 35);
  assert.equal(st.cogenerator.state, "fault");
  const bad = await fetch(base + "/api/prices", { method: "POST", headers: { authorization: "Bearer test-token" }, body: "2026-03-29T00:00Z,10\n2026-03-29T01:00Z,zz\n" });
  assert.equal(bad.status, 422);
  assert.match(await bad.text(), /line 2: price 'zz'/);
  const good = await fetch(base + "/api/prices", { method: "POST", headers: { authorization: "Bearer test-token" }, body: entsoeDoc(Array.from({ length: 23 }, (_, i) => `<Point><position>${i + 1}</position><price.amount>${100 + i}</price.amount></Point>`).join("\n"), {}) });
  assert.equal(good.status, 200);
  assert.equal(((await (await get("/api/state")).json()) as ApiState).price.nowEurMWh, 113, "13:00 UTC is position 14");
  // a renewable forecast makes "greenest" runs pick the sunniest window (15:00-16:00 UTC here)
  const fc = Array.from({ length: 12 }, (_, h) => `2026-03-29T${String(12 + h).padStart(2, "0")}:00Z,${h === 3 ? 90 : 20}`).join("\n");
  assert.equal((await fetch(base + "/api/forecast", { method: "POST", headers: { authorization: "Bearer test-token" }, body: fc })).status, 200);
  const g = await post("/api/defer", { a: 3, dur: 60, wh: 500, by: "2026-03-29T23:00Z", mode: "greenest" });
  assert.match(((await g.json()) as ApiResult).msg, /planned to start 2026-03-29 17:00/, "15:00 UTC is 17:00 CEST");
  assert.equal((await fetch(base + "/api/forecast", { method: "POST", headers: { authorization: "Bearer test-token" }, body: "x,y" })).status, 422);
});

test("login, CSRF on every state-changing form, logout revokes the session", async () => {
  assert.equal((await get("/control")).status, 303);
  assert.equal((await fetch(base + "/api/load", { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1,"do":"disconnect"}' })).status, 401);
  const bad = await fetch(base + "/login", form("", "user=admin&password=wrong"));
  assert.equal(bad.headers.get("location"), "/login?e=1");
  const { cookie, csrf } = await login();
  assert.equal((await fetch(base + "/control", form(cookie, "a=1&do=disconnect"))).status, 403, "no CSRF token");
  assert.equal((await fetch(base + "/control", form(cookie, "a=1&do=disconnect&csrf=" + "0".repeat(32)))).status, 403, "wrong token");
  const ok = await fetch(base + "/control", form(cookie, "a=1&do=disconnect&csrf=" + csrf));
  assert.equal(ok.status, 303);
  assert.match(decodeURIComponent(ok.headers.get("location")!), /Washing machine: disconnect for 4 h/);
  assert.equal(site.sent.at(-1), "1:disconnect");
  const api = await fetch(base + "/api/load", { method: "POST", headers: { cookie, "x-csrf-token": csrf, "content-type": "application/json" }, body: '{"a":1,"do":"auto"}' });
  assert.equal(api.status, 200);
  const plan = await fetch(base + "/defer", form(cookie, "a=1&dur=120&wh=1500&by=2026-03-30T08:00&mode=cheapest&csrf=" + csrf));
  assert.match(decodeURIComponent(plan.headers.get("location")!), /Decision #\d+: deferred run planned to start 2026-03-3\d \d\d:\d\d, expected cost/);
  const late = await fetch(base + "/defer", form(cookie, "a=1&dur=120&wh=1500&by=2026-03-29T14:30&csrf=" + csrf));
  assert.match(decodeURIComponent(late.headers.get("location")!), /Error: the run does not fit/);
  const typ = await fetch(base + "/defer", form(cookie, "a=1&dur=abc&wh=1500&by=2026-03-30T08:00&csrf=" + csrf));
  assert.match(decodeURIComponent(typ.headers.get("location")!), /Error: dur must be a whole number/);
  const page = await (await get("/control", { cookie })).text();
  assert.match(page, /deferred run planned/);
  const dec = (await (await get("/api/decisions")).json()) as ApiDecisions;
  const planned = dec.decisions.find((d) => d.action === "plan")!;
  const ov = await fetch(base + "/override", form(cookie, "id=" + planned.id + "&csrf=" + csrf));
  assert.match(decodeURIComponent(ov.headers.get("location")!), /overridden/);
  assert.ok(((await (await get("/api/decisions")).json()) as ApiDecisions).planned.every((p) => p.address !== 1), "washing machine run cancelled");
  assert.equal((await fetch(base + "/logout", form(cookie, ""))).status, 403, "logout needs CSRF too");
  const out = await fetch(base + "/logout", form(cookie, "csrf=" + csrf));
  assert.equal(out.headers.get("location"), "/login");
  assert.equal((await get("/control", { cookie })).status, 303, "revoked");
});

test("sessions expire; lockout answers 429", async () => {
  const { cookie } = await login();
  site.setNow(NOW + 3601);
  assert.equal((await get("/control", { cookie })).status, 303);
  for (let i = 0; i < 5; i++) await fetch(base + "/login", form("", "user=admin&password=guess" + i));
  const r = await fetch(base + "/login", form("", "user=admin&password=" + encodeURIComponent(PASSWORD)));
  assert.equal(r.status, 429);
  assert.match(await r.text(), /locked/);
  site.setNow(NOW + 3601 + 301);
  await login();
  site.setNow(NOW);
});

test("private reading by configuration", async () => {
  const priv = makeSite(NOW, { publicRead: false });
  const s = await serve(priv.server.handle, 0);
  try {
    const r = await fetch(`http://127.0.0.1:${s.port}/`, { redirect: "manual" });
    assert.equal(r.status, 303);
    assert.equal((await fetch(`http://127.0.0.1:${s.port}/api/state`)).status, 401);
    assert.equal((await fetch(`http://127.0.0.1:${s.port}/login`)).status, 200);
  } finally { s.server.close(); }
});
