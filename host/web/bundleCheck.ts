/**
 * The built aggregator bundle (build/aggregator.js) in the Espruino host runtime:
 * configured through Storage "agg.json", fed readings through the CAN seam
 * (global.onReading), its pages fetched over the runtime's http, one deferrable run
 * planned through the login/CSRF flow. Also prints the JsVar estimate of the state.
 * Prints "N passed, M failed" last (host/web/bundle.suite.sh).
 */
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";
import { EspruinoRuntime, RealClock } from "../runtime/index.ts";
import { estimateJsVars } from "../runtime/memoryEstimate.ts";
import { nodeHash } from "./nodeHash.ts";
import { passwordHash } from "../../modules/http/auth.ts";
import { hex } from "../../modules/http/hmac.ts";
import { siteConfig, fakePowerW } from "./fakeSite.ts";
import type { ApiDecisions, ApiState } from "./apiTypes.ts";

let passed = 0, failed = 0;
async function step(name: string, fn: () => Promise<void> | void) {
  try { await fn(); passed++; console.log("ok   " + name); } catch (e) { failed++; console.log("FAIL " + name + ": " + ((e as Error).stack ?? e)); }
}

const out: string[] = [];
const rt = new EspruinoRuntime({ clock: new RealClock(), output: (t) => out.push(t), mapHttpPort: () => 0 });
const salt = nodeHash.random(16);
const file = {
  port: 80, publicRead: true, apiToken: "bundle-token",
  auth: { user: "admin", saltHex: hex(salt), hashHex: passwordHash(nodeHash, salt, "pw", 16), iterations: 16, sessionS: 600, maxFailures: 5, lockS: 60 },
  site: siteConfig(),
};
try {
  await step("bundle starts from Storage config", async () => {
    rt.eval("require('Storage').write('agg.json', " + JSON.stringify(JSON.stringify(file)) + ")");
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

  await step("pages and API served by the bundle", async () => {
    for (const p of ["/", "/load?a=2", "/bill", "/api/state", "/api/decisions", "/login", "/bill.csv"]) {
      const r = await fetch(base + p);
      assert.equal(r.status, 200, p);
      await r.text();
    }
    const st = (await (await fetch(base + "/api/state")).json()) as ApiState;
    assert.equal(st.meters.length, 4);
    assert.ok(st.meters[1]["1-0:1.7.0"]! > 0);
    const svg = await (await fetch(base + "/load?a=2")).text();
    assert.match(svg, /<path id=profile [^>]*d="M/);
    assert.equal((await fetch(base + "/../x")).status, 404, "fetch normalises; the raw case is in handler.test.ts");
    assert.equal((await fetch(base + "/api/renewable", { method: "POST", headers: { authorization: "Bearer bundle-token", "content-type": "application/json" }, body: "{bad" })).status, 400);
    assert.equal((await fetch(base + "/")).status, 200, "still serving");
  });

  await step("login, plan a deferrable run, logout (bundle)", async () => {
    const r = await fetch(base + "/login", { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "user=admin&password=pw" });
    assert.equal(r.status, 303);
    const cookie = r.headers.get("set-cookie")!.split(";")[0];
    const page = await (await fetch(base + "/control", { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([0-9a-f]{32})"/.exec(page)![1];
    const by = new Date(Date.now() + 20 * 3600e3).toISOString().slice(0, 16) + "Z";
    const d = await fetch(base + "/defer", { method: "POST", redirect: "manual", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: `a=1&dur=60&wh=800&by=${by}&mode=cheapest&csrf=${csrf}` });
    assert.match(decodeURIComponent(d.headers.get("location")!), /Decision #\d+: deferred run planned/);
    const dec = (await (await fetch(base + "/api/decisions")).json()) as ApiDecisions;
    assert.equal(dec.planned.length, 1);
    const o = await fetch(base + "/logout", { method: "POST", redirect: "manual", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: "csrf=" + csrf });
    assert.equal(o.headers.get("location"), "/login");
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
