/**
 * The Storage-module wrapper: an ES module's default export becomes the value of the
 * script (what Espruino's eval returns), nothing lands in the global scope, and an
 * entry with other exports or imports left is refused with a message.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import vm from "node:vm";
import { storageModulePlugin } from "./storageModulePlugin.js";

type Render = (this: { error: (m: string) => never }, code: string, chunk: { fileName: string }) => { code: string };
const render = storageModulePlugin().renderChunk as unknown as Render;
const ctx = { error: (m: string): never => { throw new Error(m); } };

test("the default export is the script's value and no name leaks into the global scope", () => {
  const out = render.call(ctx, "const k=3;function a(x){return x+k}export{a as default};", { fileName: "route.t.js" }).code;
  const g = vm.createContext({});
  const f = vm.runInContext(out, g) as (x: number) => number;
  assert.equal(f(2), 5);
  assert.deepEqual(Object.keys(g), []);
});

test("other exports or imports are refused", () => {
  assert.throws(() => render.call(ctx, "export const b=1;function a(){}export{a as default};", { fileName: "x.js" }), /one default function and nothing else/);
  assert.throws(() => render.call(ctx, "import{b}from\"./b\";function a(){}export{a as default};", { fileName: "x.js" }), /nothing else/);
  assert.throws(() => render.call(ctx, "function a(){}", { fileName: "x.js" }), /export one default function/);
});
