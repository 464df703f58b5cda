// meternet prices against the aggregator's API in process (host/web/fakeSite.ts: the
// device's handlers and routes on Node): a raw ENTSO-E file parsed here lands as prices,
// a CSV as the forecast; a bad file is refused here with its line; a wrong token by the
// aggregator; nothing raw reaches the device.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "../web/nodeAdapter.ts";
import { makeSite } from "../web/fakeSite.ts";
import { entsoeDoc } from "../../modules/aggregator/testing/entsoeDoc.ts";
import { main } from "./prices.ts";

const NOW = Date.parse("2026-03-29T12:07:00Z") / 1000;
const site = makeSite(NOW);
const bodies: string[] = [];
const { server, port } = await serve((req, res) => {
  req.on("data", (d?: string) => { if (d) bodies.push(d); });
  site.server.handle(req, res);
}, 0);
const dir = mkdtempSync(join(tmpdir(), "meternet-prices-"));
after(() => { server.close(); rmSync(dir, { recursive: true, force: true }); });
const url = `http://127.0.0.1:${port}`;
const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [], err: string[] = [];
  const log = console.log, error = console.error;
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  try {
    return { code: await main(args), out: out.join("\n"), err: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test("an ENTSO-E file is parsed here and the aggregator takes the compact series", async () => {
  const xml = file("a44.xml", entsoeDoc(Array.from({ length: 23 }, (_, i) => `<Point><position>${i + 1}</position><price.amount>${100 + i}</price.amount></Point>`).join("\n"), {}));
  bodies.length = 0;
  const r = await run(["--url", url + "/", "--token", "test-token", xml]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /23 price points, 2026-03-28T23:00Z \.\. 2026-03-29T22:00Z sent to .*\/api\/prices: \{"ok":true,"blocks":\d+\}/);
  assert.equal(bodies.join("")[0], "[", "the compact JSON went over the wire, not the XML");
  assert.equal(site.app.agg.spotMc(NOW), 11300, "13:07 UTC is position 14: 113 EUR/MWh");
});

test("a CSV forecast in local time; --forecast posts to /api/forecast", async () => {
  const csv = file("renew.csv", "start,pct\n2026-03-29T14:00,20\n2026-03-29T15:00,90\n");
  const r = await run(["--url", url, "--token", "test-token", "--forecast", csv]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /2 forecast points, 2026-03-29T12:00Z/, "14:00 CEST is 12:00 UTC");
  assert.equal(site.app.agg.forecast.blocks.length, 1);
});

test("a bad file is refused here with its line; a wrong token by the aggregator; usage errors exit 2", async () => {
  const bad = await run(["--url", url, "--token", "test-token", file("bad.csv", "2026-03-29T00:00Z,10\n2026-03-29T01:00Z,zz\n")]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /bad\.csv line 2: price 'zz' is not a number/);
  const denied = await run(["--url", url, "--token", "wrong", file("ok.csv", "2026-03-29T00:00Z,10\n")]);
  assert.equal(denied.code, 1);
  assert.match(denied.err, /answered 401: .*not taken/);
  assert.equal((await run(["--url", url, file("x.csv", "")])).code, 2, "no token");
  assert.equal((await run(["--bogus"])).code, 2);
});
