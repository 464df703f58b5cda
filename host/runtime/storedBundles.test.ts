/**
 * The host runtime runs the stored (pretokenised) bundles, build/stored/ (the bytes
 * npm run upload puts in Storage), exactly as the plain ones: same console output and
 * the same JsVar estimate at each snapshot of the real-interpreter scenarios, booted from
 * Storage (.bootcde) as on a board. A tokeniser or untokeniser bug shows up here.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runScenario, ROOT } from "./accounting/jsVarHarness.ts";
import { SCENARIOS } from "./accounting/scenarios.ts";
import { runBundle } from "./runBundle.ts";
import { isPretokenised, tokenise } from "../../tools/build/pretokenise.js";
import { EspruinoRuntime } from "./runtime.ts";
import { VirtualClock } from "./clock.ts";
import { UiRun } from "../ui/uiJsVars.ts";

const stored = (b: string) => readFileSync(join(ROOT, "build/stored", b + ".js"), "latin1");
const built = existsSync(join(ROOT, "build/stored/meter.js"));

for (const name of ["meter", "aggregator8", "selftest"]) {
  test(`scenario ${name}: the stored bundle boots from Storage with the plain bundle's output and JsVars`, { skip: !built && "npm run build first", timeout: 120000 }, async () => {
    const s = SCENARIOS.find((x) => x.name === name)!;
    const code = stored(s.bundle!);
    assert.ok(isPretokenised(code), "build/stored holds the pretokenised form");
    const plain = await runScenario(s);
    const tok = await runScenario(s, { code });
    assert.ok(plain.output.length > 40, plain.output);
    assert.equal(tok.output, plain.output);
    assert.deepEqual(tok.snapshots.map((x) => x.usage), plain.snapshots.map((x) => x.usage));
  });
}

test("the stored selftest bundle passes as the plain one does", { skip: !built && "npm run build first" }, async () => {
  const out: Record<string, string> = { plain: "", stored: "" };
  const r: Record<string, unknown> = {};
  for (const k of ["plain", "stored"]) {
    const code = k === "plain" ? readFileSync(join(ROOT, "build/selftest.js"), "utf8") : stored("selftest");
    const res = await runBundle({ code, runtime: { output: (t) => { out[k] += t; } } });
    assert.equal(res.passed, true, out[k]);
    r[k] = res.result;
  }
  assert.deepEqual(r.stored, r.plain);
  assert.equal(out.stored, out.plain);
  assert.match(out.plain, /\d+ passed, 0 failed/);
});

test("the stored meter UI file runs its screens with the plain one's JsVars", { skip: !built && "npm run build first" }, async () => {
  const per: Record<string, number[]> = {};
  for (const k of ["plain", "stored"]) {
    // the resident UI and its screen modules, each in the same form
    const u = k === "plain" ? UiRun.start(readFileSync(join(ROOT, "build/meterUi.js"), "utf8"), join(ROOT, "build/meterUi")) : UiRun.start(stored("meterUi"), join(ROOT, "build/stored/meterUi"));
    try {
      per[k] = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => u.screen(i));
    } finally { await u.dispose(); }
  }
  assert.deepEqual(per.stored, per.plain);
  assert.ok(per.plain.every((n) => n > 0), per.plain.join(" "));
});

test("execute(), eval() and the program's eval() decode stored code; a byte that is no token is an uncaught SyntaxError", async () => {
  let out = "";
  const rt = new EspruinoRuntime({ clock: new VirtualClock(0), output: (t) => { out += t; } });
  try {
    assert.equal(rt.execute(tokenise("var a=-5,s='\\x00\\xff';function f(x){return x*2}"), "stored.js"), true, out);
    assert.equal(rt.eval(tokenise("f(a)+s.length")), -8);
    // a route module as the aggregator loads it: eval() of the stored text read from Storage
    rt.eval(`require("Storage").write("m", ${JSON.stringify(tokenise("(function(){return function(q){return q===undefined?'none':typeof q}})()"))})`);
    assert.equal(rt.eval(`global.eval(require("Storage").read("m"))(1)`), "number");
    assert.equal(rt.eval(`(function(){try{eval("1+\\xc9")}catch(e){return e instanceof SyntaxError}})()`), true);
    assert.equal(rt.execute("var b=1\xc9;", "bad.js"), false);
    assert.match(out, /Uncaught SyntaxError: untokenise: byte 0xc9/);
  } finally { await rt.dispose(); }
});
