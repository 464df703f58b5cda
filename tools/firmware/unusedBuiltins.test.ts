// The candidate finder of the blacklist groups: what counts as a bundle naming a built-in.
import { test } from "node:test";
import assert from "node:assert/strict";
import { builtinsOf, bundlesOf, namesIn } from "./unusedBuiltins.ts";

test("a name counts as used as an identifier, a property, a string or a word of a string", () => {
  const used = namesIn('var s = require("Storage"); s.write("a", x); LED1.pwm; var m = "relay open now"; E["toJS"];');
  for (const n of ["require", "Storage", "write", "LED1", "pwm", "open", "relay", "toJS", "E"]) assert.ok(used.has(n), n);
  for (const n of ["read", "pulse", "parse"]) assert.ok(!used.has(n), n);
});

test("the wrapper table's symbol strings give each class its built-ins", () => {
  const c = 'FLASH_STR(jswSymbols_Pin_proto_str, "analog\\0getInfo\\0pwm\\0");\nFLASH_STR(jswSymbols_Pin_str, "");\nFLASH_STR(jswSymbols_Math_str, "E\\0sin\\0");';
  const b = builtinsOf(c);
  assert.deepEqual(b.get("Pin_proto"), ["analog", "getInfo", "pwm"]);
  assert.deepEqual(b.get("Pin"), []);
  assert.deepEqual(b.get("Math"), ["E", "sin"]);
});

test("the meter images are checked against the meter bundle and its touchscreen UI, every image against selftest", () => {
  const m = bundlesOf("meter", "/b").map((f) => f.slice(3));
  assert.deepEqual(m, ["meter.js", "meterUi.js", "selftest.js"]);
  const a = bundlesOf("aggregator", "/nonexistent").map((f) => f.slice("/nonexistent/".length));
  assert.deepEqual(a, ["aggregator.js", "selftest.js"]);
});
