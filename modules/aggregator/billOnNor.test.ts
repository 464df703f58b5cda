// GET /api/bill with the history on the NOR (issue 16): a bill reads each day of its period
// once, in small pieces into the store's scratch, and builds the lazy archive once, however
// many rows (meters and households) it streams. On 2v29 at 64 meters the per-row reads made
// the route rebuild the archive per chunk and read every day 80 times.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Aggregator, AggConfig } from "./aggregator.ts";
import { config, memStorage } from "./testing/fixtures.ts";
import { norHistory } from "./historyOnNor.ts";
import { lazyHistory } from "./lazyHistory.ts";
import { apiBill, apiBillCsv } from "./pages/bill.ts";
import { WebApp } from "./pages/webApp.ts";
import { bill, billAll, billOf } from "./billing.ts";
import { parseDay } from "./localTime.ts";
import { crc32 } from "../persist/crc32.ts";
import { READ_PIECE_BYTES } from "../persist/norSlots.ts";
import { NorModel } from "../../host/runtime/nor.ts";
import { Ctx } from "../http/types.ts";

const N = 64;
const utc = (s: string) => Date.parse(s) / 1000;

function site(): AggConfig {
  const c = config();
  c.maxMeters = N;
  c.meters = [];
  for (let k = 0; k < N; k++) c.meters.push({ address: k, name: "load " + k, household: "house " + (k >> 2), keyId: 1, hasRelay: false, priority: 5 });
  return c;
}

/** 64 meters, 10 local days from 2026-07-01 on a NOR whose reads are recorded; each deferred drop runs when `tasks()` is called. */
function setup() {
  const nor = new NorModel();
  const reads: number[] = [];
  const read = nor.read.bind(nor);
  nor.read = (addr: number, n: number) => { reads.push(n); return read(addr, n); };
  const pending: (() => void)[] = [];
  let builds = 0;
  const hist = lazyHistory(() => { builds++; return norHistory(nor, crc32); }, (f) => pending.push(f));
  const a = new Aggregator(site(), memStorage(), { sendCommand: () => 0 }, hist);
  const t0 = utc("2026-06-30T22:00Z"); // local midnight
  for (let t = t0; t <= t0 + 10 * 86400; t += 900) {
    for (let m = 0; m < N; m++) a.onReading({ address: m, timeS: t, powerW: 100 * m, importmWh: (t - t0) * (m + 1), exportmWh: (t - t0) * (m & 1) });
    a.tick(t + 1);
    pending.splice(0).forEach((f) => f());
  }
  return { a, nor, reads, pending, builds: () => builds, t0 };
}

const ctx = (query: { [k: string]: string }, nowS: number): Ctx => ({ method: "GET", path: "/api/bill", query, body: "", headers: {}, nowS, session: "", csrf: "", client: "" });

test("bill on the NOR: each day of the period read once, in pieces, one archive build, whatever the rows (64 meters, 16 households)", () => {
  const s = setup();
  const app = { agg: s.a } as unknown as WebApp;
  const q = { from: "2026-07-01", to: "2026-07-09" }; // 9 closed days, all on the NOR
  const r = apiBill(app, ctx(q, s.t0 + 10 * 86400 + 60));
  s.reads.length = 0;
  const b0 = s.builds();
  let body = "";
  // each chunk its own task, as on Espruino (a chunk per "drain"): the history is let go between them
  for (let i = 0, c: string | null; (c = r.chunks!(i)) !== null; i++) {
    body += c;
    s.pending.splice(0).forEach((f) => f());
  }
  const rows = JSON.parse(body).bills;
  assert.equal(rows.length, N + 16);
  assert.equal(s.builds() - b0, 1, "the archive is built once for the bill, not per row or chunk");
  const payload = s.reads.filter((n) => n > 20).reduce((x, n) => x + n, 0); // headers are 20 B, CRCs 4
  assert.equal(payload, 9 * 24 * N, "each day's record read once (24 B a meter), not once per row");
  assert.ok(Math.max(...s.reads) <= READ_PIECE_BYTES, "no NOR read over " + READ_PIECE_BYTES + " B: largest " + Math.max(...s.reads));
  // and the figures are the ledger's: meter 5 imports 6 mWh a second; a reading at an
  // interval's start counts in that interval, so the period's first 900 s fall on the day before
  const mWh = (m: number) => (m + 1) * (9 * 86400 - 900);
  assert.equal(rows[5]["1-0:1.8.0"], (mWh(5) / 1e6).toFixed(6));
  const all = billAll(s.a.store, s.a.reg, parseDay(q.from), parseDay(q.to));
  const house3 = billOf(all, s.a.reg, (m) => m >> 2 === 3);
  assert.deepEqual([...house3], [...bill(s.a.store, s.a.reg, (m) => m >> 2 === 3, parseDay(q.from), parseDay(q.to))]);
  assert.equal(rows[N + 3]["1-0:1.8.0"], ((mWh(12) + mWh(13) + mWh(14) + mWh(15)) / 1e6).toFixed(6));
  assert.equal(rows[N + 3].household, "house 3");
});

test("bill on the NOR: the CSV reads each day once too (one day a chunk), in pieces", () => {
  const s = setup();
  const app = { agg: s.a } as unknown as WebApp;
  const r = apiBillCsv(app, ctx({ from: "2026-07-01", to: "2026-07-09" }, s.t0 + 10 * 86400 + 60));
  s.reads.length = 0;
  let lines = 0;
  for (let i = 0, c: string | null; (c = r.chunks!(i)) !== null; i++) {
    lines += c.split("\r\n").length - 1;
    s.pending.splice(0).forEach((f) => f());
  }
  assert.equal(lines, 1 + 9 * N);
  assert.equal(s.reads.filter((n) => n > 20).reduce((x, n) => x + n, 0), 9 * 24 * N);
  assert.ok(Math.max(...s.reads) <= READ_PIECE_BYTES);
});
