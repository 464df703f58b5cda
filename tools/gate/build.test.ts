// Our own compile path (rollup.config.js: TypeScript ES2015 + terser) must produce
// gate-clean bundles. tools/gate/checkBuild.js builds in memory (build/ untouched) and
// runs the gate; it runs in a plain node child because terser's worker threads can
// hang under this test's tsx loader on Node 20.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

test("npm run build's bundles pass the gate", () => {
  const run = spawnSync(process.execPath, [join(here, "checkBuild.js")], {
    encoding: "utf8", timeout: 240_000, env: { ...process.env, NODE_OPTIONS: "" },
  });
  assert.equal(run.error, undefined, String(run.error));
  const lines = run.stdout.trim().split("\n");
  for (const role of ["meter", "aggregator", "selftest"]) {
    assert.ok(lines.some((l) => l.startsWith(`build/${role}.js: `)), `no build/${role}.js in:\n${run.stdout}${run.stderr}`);
  }
  // a role's Storage modules are files in build/<role>/ (build/aggregator/route.read.js)
  assert.deepEqual(lines.filter((l) => !/^build\/(\w+\/)?[\w.]+\.js: \d+ bytes, 0 offence\(s\), gate \d+ ms$/.test(l)), [], run.stderr);
  assert.equal(run.status, 0, run.stderr);
});
