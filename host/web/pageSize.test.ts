/**
 * Size of every API answer and stored file and of its largest chunk, the figure that
 * bounds the RAM a reply takes on the device (one chunk exists at a time; Espruino
 * holds about 13 characters per 13-byte JsVar). Worst case: 8 meters, a full decision
 * log, 4 planned runs. Prints the table; fails if a chunk grows past 2 KB.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeSite } from "./fakeSite.ts";
import type { HttpReq, HttpRes } from "../../modules/http/types.ts";
import { schedule } from "../../modules/aggregator/decisionChanges.ts";

const NOW = Date.parse("2026-03-29T12:07:00Z") / 1000;

function render(handle: (q: HttpReq, s: HttpRes) => void, url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; total: number; maxChunk: number; chunks: number }>((resolve) => {
    let status = 0, total = 0, maxChunk = 0, chunks = 0;
    let drain: () => void = () => {};
    const res: HttpRes = {
      writeHead: (s) => { status = s; },
      // like Espruino: write() returns false and "drain" follows once the chunk is sent
      write: (d) => { total += d.length; chunks++; maxChunk = Math.max(maxChunk, d.length); setImmediate(() => drain()); return false; },
      end: (d) => { if (d) { total += d.length; chunks++; maxChunk = Math.max(maxChunk, d.length); } resolve({ status, total, maxChunk, chunks }); },
      on: (ev, cb) => { if (ev === "drain") drain = cb; },
    };
    handle({ method: "GET", url, headers, on: () => {} }, res);
  });
}

test("largest page and chunk sizes (render RAM)", async () => {
  const site = makeSite(NOW);
  const reg = site.agg.reg;
  for (let a = 5; a <= 8; a++) site.agg.reg.add({ address: a, name: "Load number " + a + " (kitchen)", household: "Flat " + a, keyId: a, hasRelay: true, priority: a, maxPriceMc: 1 });
  for (let k = 0; k < 20; k++) site.agg.dec.log(NOW - k * 60, k % reg.count, k % 2, 1 + (k % 6), 12345, 67890);
  for (let a = 5; a <= 8; a++) schedule(site.agg.dec, NOW, a - 1, 3600, 1000, NOW + 86400, false, site.agg.prices, null);
  const tok = site.auth.login("admin", "correct horse", NOW) as string;
  const files = JSON.parse(site.app.files!.read("web.json")!) as Record<string, unknown>;
  const cookie = { cookie: "sid=" + tok };
  const rows: string[] = [];
  let worst = { url: "", total: 0, maxChunk: 0 };
  for (const url of [...Object.keys(files), "/api/session", "/api/state", "/api/decisions", "/api/load?a=1", "/api/prices", "/api/bill", "/api/bill.csv"]) {
    const r = await render(site.server.handle, url, cookie);
    assert.equal(r.status, 200, url);
    rows.push(`${url.padEnd(20)} ${String(r.total).padStart(6)} B in ${String(r.chunks).padStart(3)} chunks, largest ${String(r.maxChunk).padStart(5)} B (~${Math.ceil(r.maxChunk / 13)} JsVars)`);
    if (r.total > worst.total) worst = { url, total: r.total, maxChunk: r.maxChunk };
    assert.ok(r.maxChunk <= 2048, url + " chunk " + r.maxChunk);
  }
  console.log("reply sizes, 8 meters, 16 decisions, 4 planned runs:\n" + rows.join("\n") + `\nlargest page ${worst.url}: ${worst.total} B`);
});
