/**
 * The upload script for the web app's files (host/cli/uploadWebNor.ts), run in the host
 * runtime as the device runs it from the espruino CLI, with the aggregator's W25Q model on
 * SPI1: every sector lands as the image says and the device's asset store serves every
 * file; the app's older Storage files are erased and other files kept; run again, it
 * keeps every sector (no erase); a cut run leaves no directory (503 naming the upload),
 * and the next run writes only what is missing; a damaged sector is found and rewritten.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { EspruinoRuntime, VirtualClock } from "../runtime/index.ts";
import { NorModel, norSpi } from "../runtime/nor.ts";
import { norWebImage, norWebScript, WEB_WRITTEN } from "./uploadWebNor.ts";
import { builtAssets } from "../web/assets.ts";
import { parseArgs } from "./upload.ts";
import { norAssets, NOR_ASSETS_BASE } from "../../modules/http/assetsOnNor.ts";
import { assetRoute, MANIFEST } from "../../modules/http/assets.ts";
import { crc32 } from "../../modules/persist/crc32.ts";
import { NOR_CS } from "../../modules/ports/device/norPins.ts";
import { NOR_SECTOR_BYTES } from "../../modules/ports/nor.ts";
import type { Ctx } from "../../modules/http/types.ts";

const str = (b: Uint8Array) => Buffer.from(b).toString("latin1");

function device(nor: NorModel, out: string[]): EspruinoRuntime {
  return new EspruinoRuntime({ clock: new VirtualClock(0), output: (t) => out.push(t), globals: () => ({ SPI1: norSpi(nor, { cs: NOR_CS }) }) });
}

function sectorsErased(nor: NorModel): number {
  return nor.erases.reduce((a, b) => a + b, 0);
}

test("the web upload script writes build/web onto the NOR, keeps what is there, survives a cut", async () => {
  const files = builtAssets();
  assert.ok(files, "build/web missing: run npm run build");
  const img = norWebImage(files!);
  const script = norWebScript(files!);
  assert.ok(!script.includes(WEB_WRITTEN), "the confirmation is not in the script's text");
  const nor = new NorModel();
  const out: string[] = [];
  const rt = device(nor, out);
  try {
    rt.eval(`require("Storage").write("a.00000000.js.gz", "old build"); require("Storage").write("web.json", "{}"); require("Storage").write("agg.json", "{}")`);
    rt.execute(script, "web-upload.js");
    const said = out.join("");
    assert.ok(!said.includes("Uncaught"), said);
    assert.match(said, new RegExp((files!.size - 1) + " " + WEB_WRITTEN + " \\(" + img.sectors.length + " sectors written, 0 kept\\)"));
    for (const s of img.sectors) assert.deepEqual(nor.bytes.subarray(s.address, s.address + s.bytes.length), s.bytes, "sector at " + s.address);
    assert.equal(rt.eval(`require("Storage").read("a.00000000.js.gz")`), undefined, "the app's older Storage files erased");
    assert.equal(rt.eval(`require("Storage").read("web.json")`), undefined);
    assert.equal(rt.eval(`require("Storage").read("agg.json")`), "{}", "configuration kept");
    // the device's store serves every built file as built
    const store = norAssets(nor, crc32, str);
    const web = JSON.parse(files!.get(MANIFEST)!) as Record<string, [string, string, string, number]>;
    for (const [path, e] of Object.entries(web)) {
      const r = assetRoute(store, path)!.h({ headers: {} } as unknown as Ctx);
      let body = "";
      for (let i = 0, c = r.chunks!(0); c !== null; c = r.chunks!(++i)) body += c;
      assert.equal(body, files!.get(e[0]), path);
    }
    // run again (the same build): every sector kept, nothing erased
    const erases = sectorsErased(nor);
    out.length = 0;
    rt.execute(script, "web-upload.js");
    assert.match(out.join(""), new RegExp("\\(0 sectors written, " + img.sectors.length + " kept\\)"));
    assert.equal(sectorsErased(nor), erases, "no erase when everything is there");
  } finally { await rt.dispose(); }
});

test("a cut upload leaves no directory (503 naming the upload); run again it writes only what is missing", async () => {
  const files = builtAssets()!;
  const img = norWebImage(files);
  const lines = norWebScript(files).split("\n");
  const nor = new NorModel();
  // an older app on the NOR: its script differs in its first and last data sectors
  const web = JSON.parse(files.get(MANIFEST)!) as Record<string, [string, string, string]>;
  const entry = web[Object.keys(web).find((p) => p.endsWith(".js"))!];
  const js = entry[0], old = files.get(js)!;
  const other = new Map(files);
  other.set(js, "X" + old.slice(1, -1) + "Y");
  entry[2] = '"0ld"'; // another build, another ETag: another directory
  other.set(MANIFEST, JSON.stringify(web));
  let rt = device(nor, []);
  rt.execute(norWebScript(other), "older.js");
  await rt.dispose();
  assert.ok(assetRoute(norAssets(nor, crc32, str), "/"), "the older app is served");
  // the data sectors where the older app differs (where its script begins and where it ends;
  // which sectors those are depends on the build's sizes, so they are computed, not assumed)
  const olderImg = norWebImage(other);
  const differs = img.sectors.filter((s) => s.address !== NOR_ASSETS_BASE && Buffer.compare(Buffer.from(s.bytes), Buffer.from(olderImg.sectors.find((o) => o.address === s.address)!.bytes)) !== 0).map((s) => s.address);
  assert.equal(differs.length, 2, "the older app differs in two data sectors: " + differs.join(", "));
  // cut after the first data sector's read-back
  const cut = lines.findIndex((l) => l.startsWith("webNor.v("));
  rt = device(nor, []);
  rt.execute(lines.slice(0, cut + 1).join("\n"), "cut.js");
  await rt.dispose();
  const r = assetRoute(norAssets(nor, crc32, str), "/")!.h({ headers: {} } as unknown as Ctx);
  assert.equal(r.status, 503);
  assert.match(r.body!, /web app on the NOR missing: npm run upload -- --role aggregator/);
  const before = Array.from(nor.erases);
  const out: string[] = [];
  rt = device(nor, out);
  rt.execute(lines.join("\n"), "again.js");
  await rt.dispose();
  assert.ok(!out.join("").includes("Uncaught"), out.join(""));
  const rewritten = img.sectors.filter((s) => nor.erases[s.address / NOR_SECTOR_BYTES] > before[s.address / NOR_SECTOR_BYTES]).map((s) => s.address);
  // the cut run's sector (the first that differed) kept; the other one and the (erased) directory written
  assert.deepEqual(rewritten, [NOR_ASSETS_BASE, differs[1]]);
  for (const s of img.sectors) assert.deepEqual(nor.bytes.subarray(s.address, s.address + s.bytes.length), s.bytes);
  // a damaged sector (a bit the NOR lost) is found by its CRC and rewritten alone
  nor.program(img.sectors[2].address + 100, Uint8Array.of(0));
  const before2 = Array.from(nor.erases);
  rt = device(nor, []);
  rt.execute(lines.join("\n"), "repair.js");
  await rt.dispose();
  assert.deepEqual(img.sectors.filter((s) => nor.erases[s.address / NOR_SECTOR_BYTES] > before2[s.address / NOR_SECTOR_BYTES]).map((s) => s.address), [img.sectors[2].address]);
  assert.equal(parseArgs(["--port", "tcp://127.0.0.1:1", "--role", "aggregator"]).web, true);
  assert.equal(parseArgs(["--port", "tcp://127.0.0.1:1", "--role", "aggregator", "--no-web"]).web, false);
});

test("a NOR that does not answer: the script stops with an error, the upload fails", async () => {
  const out: string[] = [];
  const rt = new EspruinoRuntime({ clock: new VirtualClock(0), output: (t) => out.push(t) }); // SPI1 with nothing on it
  try {
    rt.execute(norWebScript(builtAssets()!), "web-upload.js");
    assert.match(out.join(""), /Uncaught/);
    assert.ok(!out.join("").includes(WEB_WRITTEN));
  } finally { await rt.dispose(); }
});
