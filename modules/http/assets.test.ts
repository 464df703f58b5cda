import { test } from "node:test";
import assert from "node:assert/strict";
import { assetRoute, MANIFEST, type AssetFiles } from "./assets.ts";
import type { Ctx } from "./types.ts";

function files(manifest: string | undefined): AssetFiles {
  const data: { [k: string]: string | undefined } = { [MANIFEST]: manifest, "a.gz": "0123456789" };
  return { read: (n, off, len) => (data[n] === undefined ? undefined : off === undefined ? data[n] : data[n]!.substr(off, len)) };
}
const ctx = { headers: {} } as unknown as Ctx;
const GOOD = JSON.stringify({ "/a.js": ["a.gz", "text/javascript", '"e1"', 10] });

test("a stored file is served; a path the manifest lacks, or no manifest, is no route (404)", () => {
  const r = assetRoute(files(GOOD), "/a.js")!.h(ctx);
  assert.equal(r.status, 200);
  assert.equal(r.chunks!(0), "0123456789");
  assert.equal(assetRoute(files(GOOD), "/b.js"), undefined);
  assert.equal(assetRoute(files(undefined), "/a.js"), undefined);
});

test("a manifest that does not parse (cut by an out-of-memory on Espruino, or damaged) is a 503 to retry, not a 404", () => {
  const route = assetRoute(files(GOOD.slice(0, 30)), "/a.js");
  assert.ok(route, "a route that answers, not 'nothing at /a.js'");
  const r = route.h(ctx);
  assert.equal(r.status, 503);
  assert.equal(r.headers!["Retry-After"], "1");
  assert.match(r.body!, /web\.json unreadable/);
});
