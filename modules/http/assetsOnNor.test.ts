// The web app's files on the aggregator's SPI NOR (assetsOnNor.ts) through the server's
// asset route (assets.ts), on the host NOR model: every built file served byte for byte in
// 512-byte chunks; and the attacker's and the accident's cases: no directory, a damaged
// one, an entry pointing outside the assets area (the staged update, the history, beyond),
// an entry longer than what is stored, a path the directory lacks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { assetRoute, MANIFEST, type AssetFiles } from "./assets.ts";
import { norAssets, NOR_ASSETS_BASE, NOR_ASSETS_BYTES, NOR_ASSETS_DATA, NOR_DIR_HEADER } from "./assetsOnNor.ts";
import { NorModel } from "../../host/runtime/nor.ts";
import { crc32 } from "../persist/crc32.ts";
import { norWebImage, writeNorWebImage } from "../../host/cli/uploadWebNor.ts";
import type { Ctx, Reply } from "./types.ts";

const ctx = { headers: {} } as unknown as Ctx;
const str = (b: Uint8Array) => Buffer.from(b).toString("latin1");

/** A small app: index, a script of 3 chunks and a bit, a style sheet. */
function app(): Map<string, string> {
  const js = Array.from({ length: 1700 }, (_, i) => String.fromCharCode((i * 7 + 3) & 255)).join("");
  const web = { "/": ["index.html.gz", "text/html", '"i1"', 5], "/a.js": ["a.js.gz", "text/javascript", '"a1"', js.length], "/s.css": ["s.css.gz", "text/css", '"s1"', 3] };
  return new Map([[MANIFEST, JSON.stringify(web)], ["index.html.gz", "\x1f\x8b<h>"], ["a.js.gz", js], ["s.css.gz", "\x00\xff\x01"]]);
}

function stored(files = app()): { nor: NorModel; store: AssetFiles } {
  const nor = new NorModel();
  writeNorWebImage(nor, norWebImage(files));
  return { nor, store: norAssets(nor, crc32, str) };
}

function body(r: Reply): string {
  let s = "";
  for (let i = 0; ; i++) {
    const c = r.chunks!(i);
    if (c === null) return s;
    assert.ok(c.length <= 512, "a chunk of at most 512 bytes");
    s += c;
  }
}

/** Rewrites the directory sector with this manifest text (a valid header and CRC). */
function rewriteDirectory(nor: NorModel, manifest: string): void {
  const text = Buffer.from(manifest, "latin1");
  const d = new Uint8Array(NOR_DIR_HEADER + text.length);
  d.set(Buffer.from("MNW1"));
  new DataView(d.buffer).setUint32(4, text.length, true);
  new DataView(d.buffer).setUint32(8, crc32(text), true);
  d.set(text, NOR_DIR_HEADER);
  nor.erase(NOR_ASSETS_BASE);
  for (let o = 0; o < d.length; o += 256) nor.program(NOR_ASSETS_BASE + o, d.subarray(o, o + 256));
}

test("every file is served from the NOR as built, in 512-byte chunks, with its ETag and 304", () => {
  const files = app();
  const { store } = stored(files);
  const web = JSON.parse(files.get(MANIFEST)!);
  for (const path of Object.keys(web)) {
    const r = assetRoute(store, path)!.h(ctx);
    assert.equal(r.status, 200, path);
    assert.equal(r.headers!["Content-Length"], String(web[path][3]));
    // the files lie back to back: a body that ends at its entry's length never carries the next file
    assert.equal(body(r), files.get(web[path][0]), path);
    assert.equal(assetRoute(store, path)!.h({ headers: { "if-none-match": web[path][2] } } as unknown as Ctx).status, 304);
  }
  assert.equal(assetRoute(store, "/b.js"), undefined, "a path the directory lacks: 404");
  assert.equal(assetRoute(store, "/web.json"), undefined, "the directory itself is no path");
  const dir = JSON.parse(store.read(MANIFEST)!);
  assert.equal(dir["/"][0], NOR_ASSETS_DATA, "the first file right after the directory's sector");
});

test("no directory (never uploaded, or an upload cut before its end): 503 naming the upload", () => {
  const nor = new NorModel();
  const r = assetRoute(norAssets(nor, crc32, str), "/")!.h(ctx);
  assert.equal(r.status, 503);
  assert.deepEqual(JSON.parse(r.body!), { error: "web app on the NOR missing: npm run upload -- --role aggregator" });
});

test("a damaged directory (a flipped bit, a cut length, another mark) is a 503 naming the upload, never a wrong file", () => {
  for (const [at, bits, why] of [[NOR_ASSETS_BASE + NOR_DIR_HEADER + 5, 0xfe, "CRC"], [NOR_ASSETS_BASE + 4, 0x00, "length"], [NOR_ASSETS_BASE, 0x00, "mark"]] as const) {
    const { nor, store } = stored();
    nor.program(at, Uint8Array.of(bits)); // clears bits only, as a NOR fault would
    const r = assetRoute(store, "/a.js")!.h(ctx);
    assert.equal(r.status, 503, why);
    assert.match(JSON.parse(r.body!).error, new RegExp("damaged \\(" + why + "\\): npm run upload -- --role aggregator"));
  }
});

test("an entry pointing outside the assets area, or longer than what is stored, is refused before any byte", () => {
  const { nor } = stored();
  const store = norAssets(nor, crc32, str);
  const end = NOR_ASSETS_BASE + NOR_ASSETS_BYTES;
  const cases: [string, unknown[]][] = [
    ["the staged update at 0", [0, "text/html", '"x"', 100]],
    ["the directory itself", [NOR_ASSETS_BASE, "text/html", '"x"', 100]],
    ["the history at 0x30000", [0x30000, "text/html", '"x"', 100]],
    ["running off the area's end", [end - 10, "text/html", '"x"', 100]],
    ["a negative address", [-4096, "text/html", '"x"', 100]],
    ["no number", ["web.json", "text/html", '"x"', 100]],
    ["a length of no bytes", [NOR_ASSETS_DATA, "text/html", '"x"', 0]],
    ["a fractional length", [NOR_ASSETS_DATA, "text/html", '"x"', 2.5]],
  ];
  for (const [what, e] of cases) {
    rewriteDirectory(nor, JSON.stringify({ "/": e }));
    const r = assetRoute(store, "/")!.h(ctx);
    assert.equal(r.status, 503, what);
    assert.match(JSON.parse(r.body!).error, /\/ cut short \(npm run upload\)/, what);
  }
  // the store's own bounds, whatever a directory says
  assert.equal(store.read(String(NOR_ASSETS_DATA), -1, 10), undefined, "a negative offset");
  assert.equal(store.read(String(NOR_ASSETS_DATA), 0, 0), undefined, "no length");
  assert.equal(store.read(String(end - 4), 0, 8), undefined, "across the area's end");
});

test("the built app fits the assets area: image sizes against the 128 KB", () => {
  const img = norWebImage(app());
  assert.equal(img.sectors[0].address, NOR_ASSETS_BASE);
  assert.ok(img.sectors.slice(1).every((s, i) => s.address === NOR_ASSETS_DATA + i * 4096));
  const big = app();
  big.set("a.js.gz", "x".repeat(NOR_ASSETS_BYTES));
  const web = JSON.parse(big.get(MANIFEST)!);
  web["/a.js"][3] = NOR_ASSETS_BYTES;
  big.set(MANIFEST, JSON.stringify(web));
  assert.throws(() => norWebImage(big), /the NOR's assets area holds 126976 B/);
});
