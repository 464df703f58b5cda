import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { countTokens, instrument } from "./instrument.ts";
import { Accounting } from "./accounting.ts";
import { EspruinoRuntime } from "../runtime.ts";
import { VirtualClock } from "../clock.ts";
import { ROOT, runScenario } from "./jsVarHarness.ts";
import { SCENARIOS } from "./scenarios.ts";

function runtime(acc?: Accounting) {
  let out = "";
  const rt = new EspruinoRuntime({ clock: new VirtualClock(0), flashBytes: 262144, output: (t) => { out += t; }, ...(acc ? acc.runtimeOptions() : {}) });
  return { rt, out: () => out };
}

test("counts the tokens of a function body per call and of a loop per iteration", () => {
  const acc = new Accounting();
  const { rt } = runtime(acc);
  const code = "function f(a) { return a + 1; }\nvar s = 0; for (var i = 0; i < 3; i++) { s += f(i); }";
  rt.execute(code);
  const body = countTokens("return a + 1;", 0, 13); // 5
  const loop = countTokens("{ s += f(i); }", 0, 14) + countTokens("i < 3", 0, 5) + countTokens("i++", 0, 3);
  assert.equal(body, 5);
  assert.equal(acc.counters.c, 3);
  assert.equal(acc.counters.t, countTokens(code, 0, code.length) + 3 * body + 3 * loop);
  assert.equal(rt.global.s, 6);
});

test("a closure's scope holds every parameter and body-level local of the call that made it", () => {
  const acc = new Accounting();
  const { rt } = runtime(acc);
  rt.execute("function make(n) { var big = new Float32Array(100); let unused = 'abc'; return function () { return n; }; }\nvar g = make(7);");
  const rec = acc.scopeOf(rt.global.g);
  assert.ok(rec);
  const v = rec.get();
  assert.deepEqual(Object.keys(v).sort(), ["big", "n", "unused"]);
  assert.equal(v.n, 7);
  assert.equal(rec.parent, null);
  // Espruino keeps `big` (a closure holds the whole scope): the estimate counts its 400 bytes
  const withScopes = rt.memory().usage;
  const plain = runtime();
  plain.rt.execute("function make(n) { var big = new Float32Array(100); let unused = 'abc'; return function () { return n; }; }\nvar g = make(7);");
  assert.ok(withScopes - plain.rt.memory().usage >= 34 + 2, "scope priced: " + withScopes + " vs " + plain.rt.memory().usage);
});

test("minified shapes keep working: return{...} with methods, arrow bodies, classes in functions", () => {
  const acc = new Accounting();
  const { rt } = runtime(acc);
  const code = "function m(t){return{get v(){return t},f(){return t+1}}}function k(t){class A{g(){return t}}return new A}const q=(t)=>({a:t});var r=m(2).f()+m(3).v+k(4).g()+q(5).a;";
  const out = instrument(code);
  assert.notEqual(out, code);
  rt.execute(code);
  assert.equal(rt.global.r, 3 + 3 + 4 + 5);
});

test("instrumented bundles behave as they are: the same output from the meter and the selftest", async () => {
  for (const name of ["meter", "selftest"]) {
    const s = SCENARIOS.find((x) => x.name === name)!;
    const instrumented = await runScenario(s);
    // the same scenario without instrumentation: the runtime with no accounting options
    const code = readFileSync(join(ROOT, "build", s.bundle + ".js"), "latin1");
    const plain = runtime();
    plain.rt.eval((await import("./jsVarHarness.ts")).PRELUDE_SHIM);
    for (const [k, v] of Object.entries(s.files)) plain.rt.eval(`require("Storage").write(${JSON.stringify(k)}, ${JSON.stringify(JSON.stringify(v))})`);
    plain.rt.eval(`require("Storage").write(".boot0", ${JSON.stringify(readFileSync(join(ROOT, "test/realInterpreter/prelude.js"), "latin1"))})`);
    plain.rt.eval(`require("Storage").write(".bootcde", ${JSON.stringify(code)})`);
    plain.rt.powerOn();
    (plain.rt.clock as VirtualClock).advance(1 + s.atS[s.atS.length - 1] * 1000);
    const strip = (t: string) => t.replace(/@@MEM.*\n/g, "");
    assert.equal(strip(instrumented.output), strip(plain.out()), name);
    await plain.rt.dispose();
  }
});
