/**
 * The upload script for the aggregator's route modules, run in the host runtime as the
 * device would run it from the espruino CLI: every module arrives byte for byte, the
 * device confirms, and the confirmation is not in the script's own text (an echo of
 * the script cannot be taken for it).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { EspruinoRuntime, VirtualClock } from "../runtime/index.ts";
import { routesUploadScript, ROUTES_WRITTEN } from "./upload.ts";
import { builtRouteModules } from "../web/assets.ts";
import { ROUTE_MODULES } from "../../modules/aggregator/pages/routeTable.ts";

test("the route modules' upload script writes build/aggregator into Storage and confirms", async () => {
  const files = builtRouteModules();
  assert.ok(files, "build/aggregator missing: run npm run build");
  assert.deepEqual([...files!.keys()], ROUTE_MODULES);
  const script = routesUploadScript(files!);
  assert.ok(!script.includes(ROUTES_WRITTEN));
  const out: string[] = [];
  const rt = new EspruinoRuntime({ clock: new VirtualClock(0), output: (t) => out.push(t) });
  try {
    rt.execute(script, "routes-upload.js");
    for (const [name, code] of files!) {
      assert.equal(rt.eval(`require("Storage").read(${JSON.stringify(name)})`), code, name);
      assert.equal(typeof rt.eval(`eval(require("Storage").read(${JSON.stringify(name)}))`), "function", name + " evaluates to its route function");
    }
    assert.ok(out.join("").includes(ROUTE_MODULES.length + " " + ROUTES_WRITTEN), out.join(""));
    assert.ok(!out.join("").includes("Uncaught"), out.join(""));
  } finally { await rt.dispose(); }
});
