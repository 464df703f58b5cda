/**
 * The resident route table against the route modules: every API route is answered by
 * the module the table names (none falls through to another's default), a module
 * missing from Storage is a clear 500, and each module loads once per request.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeSite } from "../../../host/web/fakeSite.ts";
import { createHandler } from "../../http/server.ts";
import { lazyRoutes, ROUTE_MODULES, type RouteModule } from "./routeTable.ts";
import { readModule } from "./api.ts";
import { billModule } from "./bill.ts";
import { controlModule } from "./actions.ts";
import { sessionModule } from "./session.ts";
import { otaRoutes } from "../../ota/aggregatorOta.ts";
import type { HttpReq, HttpRes } from "../../http/types.ts";

const NOW = Date.parse("2026-03-29T12:07:00Z") / 1000;
const API = [
  "GET /api/session", "POST /api/login", "POST /api/logout", "POST /api/password", "GET /api/state", "GET /api/load",
  "GET /api/prices", "GET /api/decisions", "GET /api/bill", "GET /api/bill.csv", "POST /api/prices", "POST /api/forecast",
  "POST /api/renewable", "POST /api/cogenerator", "POST /api/load", "POST /api/defer", "POST /api/override",
  "GET /api/ota", "POST /api/ota",
];
const OWNER: Record<string, RouteModule> = { "route.read": readModule, "route.bill": billModule, "route.ctl": controlModule, "route.ses": sessionModule,
  "route.ota": otaRoutes({ ota: null, masterKey: () => null, readState: () => undefined, writeState: () => false }) };

test("each API route names a stored module, and that module is the one whose code answers it", () => {
  const site = makeSite(NOW);
  const loads: string[] = [];
  const t = lazyRoutes(site.app, (name) => { loads.push(name); return OWNER[name]; });
  const used = new Set<string>();
  for (const k of API) {
    const r = t(k);
    assert.ok(r, k + " has no route");
    loads.length = 0;
    let name = "";
    try { r!.h({ method: k.split(" ")[0], path: k.split(" ")[1], query: { a: "1" }, body: "{}", headers: { "content-type": "application/json" }, nowS: NOW, session: "", csrf: "", client: "" }); } catch (e) { /* 4xx of a bad body: the module was still loaded */ }
    name = loads[0];
    if (k === "GET /api/session") {
      // the resident answer: no module evaluated for the poll every page makes
      assert.equal(loads.length, 0, k + ": no module load");
      continue;
    }
    assert.equal(loads.length, 1, k + ": one module load per request");
    const want = /ota/.test(k) ? "route.ota" : /session|login|logout|password/.test(k) ? "route.ses" : /bill/.test(k) ? "route.bill" : k.startsWith("GET") ? "route.read" : "route.ctl";
    assert.equal(name, want, k);
    used.add(name);
  }
  assert.deepEqual([...used].sort(), [...ROUTE_MODULES].sort(), "every module serves a route");
  assert.equal(t("GET /api/nothing"), undefined);
});

test("a route module missing from Storage is a 500 that says what to do, and the server keeps serving", async () => {
  const site = makeSite(NOW);
  const h = createHandler({
    routes: lazyRoutes(site.app, (name) => { throw { status: 500, msg: name + " is not in Storage: upload the aggregator again" }; }),
    auth: site.auth, publicRead: true, apiToken: "", nowS: () => NOW,
  });
  for (let i = 0; i < 2; i++) {
    const out: { status?: number; body: string } = { body: "" };
    const req = { method: "GET", url: "/api/state", headers: {}, on: () => {} } as unknown as HttpReq;
    const res = { writeHead: (s: number) => { out.status = s; }, write: (d: string) => { out.body += d; return true; }, end: (d?: string) => { out.body += d || ""; }, on: () => {} } as unknown as HttpRes;
    h.handle(req, res);
    assert.equal(out.status, 500);
    assert.deepEqual(JSON.parse(out.body), { error: "route.read is not in Storage: upload the aggregator again" });
  }
});
