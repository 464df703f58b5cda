/**
 * The built aggregator bundle (build/aggregator.js) in the Espruino host runtime:
 * configured through Storage "agg.json", the web app's files (build/web) in its
 * Storage as `npm run upload` puts them, fed readings through the CAN seam
 * (global.onReading). The API contract: every GET route answers the same JSON shape
 * as the handler on Node (handler.test.ts checks the values there), HEAD, 405 with
 * Allow, JSON errors; the app's files as stored; one deferrable run planned through
 * the login/CSRF flow. Also prints the JsVar estimate of the state.
 * Prints "N passed, M failed" last (host/web/bundle.suite.sh).
 */
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";
import { EspruinoRuntime, RealClock } from "../runtime/index.ts";
import { chipStorageBytes } from "../runtime/flashArea.ts";
import { estimateJsVars } from "../runtime/memoryEstimate.ts";
import { nodeHash } from "./nodeHash.ts";
import { passwordHash } from "../../modules/http/auth.ts";
import { hex } from "../../modules/http/hmac.ts";
import { siteConfig, fakePowerW } from "./fakeSite.ts";
import { loadAppOntoDevice, builtAssets } from "./assets.ts";
import { loadSiteOntoDevice, siteUpload } from "../cli/uploadMeters.ts";
import { NorModel, norSpi } from "../runtime/nor.ts";
import { FramModel } from "../runtime/fram.ts";
import { framSpi } from "../runtime/framSpi.ts";
import { AGG_FRAM_BYTES, AGG_FRAM_CS } from "../../modules/aggregator/stateOnFram.ts";
import { NOR_CS } from "../../modules/ports/device/norPins.ts";
import { serve } from "./nodeAdapter.ts";
import { makeSite } from "./fakeSite.ts";
import type { ApiDecisions, ApiState } from "./apiTypes.ts";

/** Same shape, where a quantity the bundle does not know yet (null) may stand for a number, text or a list (quality: [flags, since]). */
function assertSameShape(a: unknown, b: unknown, where: string): void {
  if (a === "null" || b === "null") { const o = a === "null" ? b : a; assert.ok(a === b || ["number", "string"].includes(o as string) || Array.isArray(o), where + ": " + a + " vs " + b); return; }
  if (Array.isArray(a) && Array.isArray(b)) { if (a.length && b.length) assertSameShape(a[0], b[0], where + "[0]"); return; }
  if (a && typeof a === "object" && b && typeof b === "object") {
    assert.deepEqual(Object.keys(a), Object.keys(b), where);
    for (const k of Object.keys(a)) assertSameShape((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], where + "." + k);
    return;
  }
  assert.equal(a, b, where);
}

/** The JSON shape of a value: types of leaves, keys of objects, the first element of arrays. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).sort().map(([k, x]) => [k, shape(x)]));
  return v === null ? "null" : typeof v;
}

let passed = 0, failed = 0;
async function step(name: string, fn: () => Promise<void> | void) {
  try { await fn(); passed++; console.log("ok   " + name); } catch (e) { failed++; console.log("FAIL " + name + ": " + ((e as Error).stack ?? e)); }
}

const out: string[] = [];
// the aggregator chip's Storage (flash map), as the simulator gives it: route modules and the app's files
// and its SPI NOR (the web app's files, the history) on SPI1, its FRAM (the saved state) beside it
const nor = new NorModel();
const fram = new FramModel(AGG_FRAM_BYTES);
const rt = new EspruinoRuntime({ clock: new RealClock(), output: (t) => out.push(t), mapHttpPort: () => 0, flashBytes: chipStorageBytes("aggregator"), globals: () => ({ SPI1: framSpi(fram, AGG_FRAM_CS, norSpi(nor, { cs: NOR_CS })) }) });
const salt = nodeHash.random(16);
const file = {
  port: 80, publicRead: true, apiToken: "bundle-token",
  auth: { user: "admin", saltHex: hex(salt), hashHex: passwordHash(nodeHash, salt, "pw", 16), iterations: 16, sessionS: 600, maxFailures: 5, lockS: 60 },
  site: siteConfig(),
};
try {
  await step("bundle starts from Storage config", async () => {
    // agg.json without the meters, the meter list on the NOR: what `npm run upload` writes (uploadMeters.ts)
    loadSiteOntoDevice(rt, siteUpload(file, []));
    assert.ok(loadAppOntoDevice(rt) > 5000, "build/web missing: run npm run build");
    rt.execute(readFileSync(new URL("../../build/aggregator.js", import.meta.url), "utf8"), "aggregator.js");
    assert.ok(out.some((l) => l.includes("web on port 80")), out.join("\n"));
    assert.ok(!out.some((l) => l.includes("Uncaught")), out.join("\n"));
  });
  const port = await rt.http.boundPort(80);
  const base = `http://127.0.0.1:${port}`;

  await step("readings through the CAN seam", () => {
    const now = Math.floor(Date.now() / 1000);
    const c = [0, 0, 0, 0, 0];
    for (let t = now - 3 * 3600; t <= now; t += 60) {
      for (let a = 1; a <= 4; a++) {
        const p = fakePowerW(a, t);
        if (p > 0) c[a] += Math.round(p * 1000 / 60);
        const ok = rt.eval(`onReading({address:${a},timeS:${t},powerW:${p},importmWh:${c[a]},exportmWh:0,voltageV:230})`);
        assert.equal(ok, true);
      }
    }
    assert.equal(rt.eval("onReading({address:99,timeS:1,powerW:1,importmWh:1,exportmWh:0})"), false, "unknown meter rejected");
  });

  await step("the stored app: gzip as stored, ETag, 304, HEAD", async () => {
    const r = await fetch(base + "/");
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("content-encoding"), "gzip");
    const html = await r.text();
    assert.match(html, /<!DOCTYPE html>/);
    const js = /src="(\/a\.[0-9a-f]{8}\.js)"/.exec(html)![1];
    const stored = builtAssets()!.get(js.slice(1) + ".gz")!;
    const h = await fetch(base + js, { method: "HEAD" });
    assert.equal(h.headers.get("content-length"), String(stored.length));
    assert.equal(h.headers.get("cache-control"), "public, max-age=31536000, immutable");
    const g = await fetch(base + js);
    assert.ok((await g.text()).length > stored.length);
    assert.equal((await fetch(base + "/", { headers: { "if-none-match": r.headers.get("etag")! } })).status, 304);
  });

  await step("API contract: the bundle's answers have the Node handler's shapes", async () => {
    const ref = makeSite(Math.floor(Date.now() / 1000));
    const node = await serve(ref.server.handle, 0);
    try {
      for (const p of ["/api/session", "/api/state", "/api/load?a=2", "/api/decisions", "/api/bill", "/api/prices"]) {
        const a = await fetch(base + p), b = await fetch(`http://127.0.0.1:${node.port}` + p);
        assert.equal(a.status, 200, p);
        assert.equal(a.headers.get("content-type"), b.headers.get("content-type"), p);
        const ja = (await a.json()) as object, jb = (await b.json()) as object;
        if (p === "/api/prices") { assert.deepEqual(ja, { blocks: [] }, "no prices imported on the bundle yet"); continue; }
        if (p === "/api/decisions") { assert.deepEqual(Object.keys(ja).sort(), Object.keys(jb).sort()); continue; }
        assertSameShape(shape(ja), shape(jb), p);
      }
    } finally { node.server.close(); }
    const st = (await (await fetch(base + "/api/state")).json()) as ApiState;
    assert.equal(st.meters.length, 4);
    assert.ok(st.meters[1]["1-0:1.7.0"]! > 0);
    assert.equal(st.meters[1].offline, false);
    assert.equal((await fetch(base + "/api/state", { method: "HEAD" })).status, 200);
    const put = await fetch(base + "/api/state", { method: "PUT", body: "x" });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("allow"), "GET, HEAD");
    assert.deepEqual(await (await fetch(base + "/api/load?a=0x2")).json(), { error: "a must be a whole number in 0..63", field: "a" });
    assert.equal((await fetch(base + "/api/bill?from=2026-02-31")).status, 422);
    assert.equal((await fetch(base + "/../x")).status, 404, "fetch normalises; the raw case is in handler.test.ts");
    assert.equal((await fetch(base + "/api/renewable", { method: "POST", headers: { authorization: "Bearer bundle-token", "content-type": "application/json" }, body: "{bad" })).status, 400);
    assert.equal((await fetch(base + "/api/state")).status, 200, "still serving");
  });

  await step("login, plan a deferrable run, logout (bundle)", async () => {
    const r = await fetch(base + "/api/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ user: "admin", password: "pw" }) });
    assert.equal(r.status, 200);
    const cookie = r.headers.get("set-cookie")!.split(";")[0];
    const { csrf } = (await r.json()) as { csrf: string };
    const by = new Date(Date.now() + 20 * 3600e3).toISOString().slice(0, 16) + "Z";
    const post = (p: string, body: unknown) => fetch(base + p, { method: "POST", headers: { cookie, "x-csrf-token": csrf, "content-type": "application/json" }, body: JSON.stringify(body) });
    const d = await post("/api/defer", { a: 1, dur: 60, wh: 800, by, mode: "cheapest" });
    assert.equal(d.status, 200);
    assert.ok(((await d.json()) as { id: number }).id > 0);
    const dec = (await (await fetch(base + "/api/decisions")).json()) as ApiDecisions;
    assert.equal(dec.planned.length, 1);
    assert.equal(dec.decisions[0].reason, "plan");
    assert.equal((await post("/api/logout", {})).status, 200);
    assert.equal((await post("/api/load", { a: 1, do: "auto" })).status, 401, "logged out");
  });

  await step("a guesser is slowed, the owner's browser still logs in (device token; the bundle has no client address)", async () => {
    const login = (password: string, device?: string) => fetch(base + "/api/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ user: "admin", password, device }) });
    const first = await login("pw");
    assert.equal(first.status, 200);
    const device = ((await first.json()) as { device: string }).device;
    assert.match(device, /^[0-9a-f]{16}\.[0-9a-f]{32}$/);
    for (let i = 0; i < 6; i++) await login("guess" + i);
    const g = await login("pw");
    assert.equal(g.status, 429, "the guesser's own entry waits, even with the right password");
    assert.ok(+g.headers.get("retry-after")! >= 1);
    assert.equal((await login("pw", device.slice(0, 17) + "0".repeat(32))).status, 429, "a forged token shares the guesser's entry");
    const o = await login("pw", device);
    assert.equal(o.status, 200, "the owner's browser, with its token, is not locked out");
    assert.equal(((await o.json()) as { device: string }).device, device, "the token is kept");
  });

  await step("memory estimate of the aggregator's data", () => {
    // process.memory()'s estimate prices every reachable function's source as RAM, as
    // if the code were uploaded to RAM; from Storage (.bootcde) Espruino keeps function
    // code in flash, so the data estimate is the figure that matters there.
    const m = rt.memory();
    const data = estimateJsVars({ agg: rt.global.agg }, new Set()) - 63;
    console.log(`JsVars: whole program incl. code in RAM ~${m.usage} of ${m.total}; aggregator data (8 meters, prices, log, sessions) ~${data}`);
    assert.ok(data > 300 && data < 1500, "data in its budget: " + data);
  });
} finally {
  await rt.dispose();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
