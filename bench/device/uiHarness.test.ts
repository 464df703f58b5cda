// The rig's touchscreen scripts (uiHarness.ts) without an interpreter: the harness cases run in
// a Node context with Espruino's few globals stubbed, so that the call counting main.ts
// subtracts and the two paddings it compares are checked where CI runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runInNewContext } from "node:vm";
import { callsOf, uiScript, type UiCase } from "./uiHarness.ts";

function run(c: UiCase, n: number): { line: string; ctx: Record<string, unknown> } {
  let line = "";
  const ctx: Record<string, unknown> = {
    print: (s: string) => { line += s; },
    quit: () => {},
    process: { memory: () => ({ free: 1000, usage: 0 }) },
  };
  ctx.global = ctx;
  runInNewContext(uiScript(c, n), ctx);
  assert.equal(ctx.result, true);
  return { line, ctx };
}

test("the fake LCD counts its calls, and only in the measured part", () => {
  assert.equal(callsOf(run({ kind: "lcd" }, 7).line), 7);
  assert.equal(callsOf(run({ kind: "loopBase" }, 7).line), 0);
  assert.equal(callsOf(run({ kind: "stepBase" }, 7).line), 0);
  assert.match(run({ kind: "lcd" }, 7).line, /^@@BENCH ui 7 calls 7 free \d+$/);
});

test("both paddings the rig compares give the same text", () => {
  const a = run({ kind: "padLoop" }, 2).ctx.r as string;
  const b = run({ kind: "padSubstr" }, 2).ctx.r as string;
  assert.equal(a, "-" + " ".repeat(17));
  assert.equal(b, a);
});

test("a bench line without a call count is an error, not zero", () => {
  assert.throws(() => callsOf("@@BENCH windows 10 free 3 usage 4"), /no call count/);
});
