/**
 * The upload script for the web app's files, run in the host runtime as the device
 * would run it from the espruino CLI: every file arrives byte for byte, an older
 * build's files are erased, other files are kept, and the stored app is served.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { EspruinoRuntime, VirtualClock } from "../runtime/index.ts";
import { webUploadScript } from "./upload.ts";
import { builtAssets } from "../web/assets.ts";
import { parseArgs } from "./upload.ts";

test("the web upload script writes build/web into Storage and erases an older build", async () => {
  const files = builtAssets();
  assert.ok(files, "build/web missing: run npm run build");
  const out: string[] = [];
  const rt = new EspruinoRuntime({ clock: new VirtualClock(0), output: (t) => out.push(t) });
  try {
    rt.eval(`require("Storage").write("a.00000000.js.gz", "old build"); require("Storage").write("agg.json", "{}")`);
    rt.execute(webUploadScript(files!), "web-upload.js");
    for (const [name, data] of files!) assert.equal(rt.eval(`require("Storage").read(${JSON.stringify(name)})`), data, name);
    assert.equal(rt.eval(`require("Storage").read("a.00000000.js.gz")`), undefined, "older build erased");
    assert.equal(rt.eval(`require("Storage").read("agg.json")`), "{}", "configuration kept");
    assert.match(out.join(""), /web app: 3 files/);
    assert.ok(!out.join("").includes("Uncaught"), out.join(""));
  } finally { await rt.dispose(); }
  assert.equal(parseArgs(["--port", "tcp://127.0.0.1:1", "--role", "aggregator"]).web, true);
  assert.equal(parseArgs(["--port", "tcp://127.0.0.1:1", "--role", "aggregator", "--no-web"]).web, false);
});
