// eslint.config.js stops Espruino-unsafe constructs in the device sources, with the
// gate's own wording from tools/gate/rules.js; and the device sources lint clean.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { SYNTAX_RULES, MISSING_GLOBALS, MISSING_STATICS, MISSING_METHODS, HOISTING, FOR_LET_CAPTURE } from "./rules.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const eslint = new ESLint({ cwd: root });

async function lint(code: string, file = "modules/lintProbe.ts") {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result.messages.map((m) => ({ rule: m.ruleId, line: m.line, message: m.message }));
}

const instead = (id: string) => SYNTAX_RULES.find((r) => r.id === id)!.instead;

/** [gate rule id, snippet, ESLint rule, text the message must contain] */
const cases: [string, string, string, string][] = [
  ["destructuring", "const o = { a: 1 };\nconst { a } = o;\nprint(a);", "no-restricted-syntax", instead("destructuring")],
  ["destructuring (parameter)", "export function f([x]: number[]): number { return x; }", "no-restricted-syntax", instead("destructuring")],
  ["spread", "const a = [1];\nprint([0, ...a]);", "no-restricted-syntax", instead("spread")],
  ["rest", "export function f(...xs: number[]): number { return xs.length; }", "no-restricted-syntax", instead("rest")],
  ["default-params", "export function f(x = 1): number { return x; }", "no-restricted-syntax", instead("default-params")],
  ["default-params (parameter property)", "export class C { constructor(private x = 1) {} }", "no-restricted-syntax", instead("default-params")],
  ["async-await", "export async function f(): Promise<number> { return 1; }", "no-restricted-syntax", instead("async-await")],
  ["generators", "export function* g(): Generator<number> { yield 1; }", "no-restricted-syntax", instead("generators")],
  ["optional-chaining", "export function f(o?: { a: number }): number | undefined { return o?.a; }", "no-restricted-syntax", instead("optional-chaining")],
  ["computed-keys", "const k = 'a';\nexport const o = { [k]: 1 };", "no-restricted-syntax", instead("computed-keys")],
  ["labels", "outer: for (let i = 0; i < 2; i++) { break outer; }", "no-restricted-syntax", instead("labels")],
  ["private-fields", "export class C { #x = 1; get x(): number { return this.#x; } }", "no-restricted-syntax", instead("private-fields")],
  ["tagged-templates", "function tag(s: TemplateStringsArray): number { return s.length; }\nprint(tag`a`);", "no-restricted-syntax", instead("tagged-templates")],
  ["bigint", "export const big = 10n;", "no-restricted-syntax", instead("bigint")],
  ["class-extends-error", "export class FrameError extends TypeError {}", "no-restricted-syntax", instead("class-extends-error")],
  ["builtin-prototype", "export const s = Array.prototype.slice;", "no-restricted-syntax", instead("builtin-prototype")],
  ["missing-global", "export const m = new Map<string, number>();", "no-restricted-globals", MISSING_GLOBALS.Map],
  ["missing-method (static)", "export const t = Math.trunc(1.5);", "no-restricted-properties", MISSING_STATICS.Math.trunc],
  ["missing-method (instance)", "export const s = 'volts'.substr(1);", "no-restricted-properties", MISSING_METHODS.substr],
  ["hoisting (function)", "main();\nfunction main(): void {}", "espruino/no-use-before-define", HOISTING.instead],
  ["hoisting (class)", "export const m = new Meter();\nclass Meter {}", "espruino/no-use-before-define", HOISTING.instead],
  ["for-let-capture", "const fns: (() => number)[] = [];\nfor (let i = 0; i < 3; i++) fns.push(() => i);", "espruino/no-for-let-capture", FOR_LET_CAPTURE.instead],
];

for (const [what, code, rule, text] of cases) {
  test(`ESLint flags ${what} in device sources`, async () => {
    const messages = await lint(code);
    assert.ok(messages.some((m) => m.rule === rule && m.message.includes(text)),
      `expected ${rule} with "${text}", got ${JSON.stringify(messages)}`);
    assert.ok(messages.every((m) => m.rule === rule), JSON.stringify(messages));
  });
}

test("ESLint accepts what TypeScript lowers or Espruino runs", async () => {
  const ok = "export const x = 2 ** 3;\n" +
    "export class Meter { static count = 0; private v = 1; get volts(): number { return this.v; } }\n" +
    "export function f(xs: number[], o: { a?: number }): number {\n" +
    "  let t = 0;\n  for (const x of xs) t += x;\n  for (let i = 0; i < xs.length; i++) t += xs[i] + xs.map((x) => x * i).length;\n" +
    "  return t + (o.a ?? 0) + [].slice.call(xs).length + Object.assign({}, o).a! + `${t}`.length;\n}\n" +
    "function helper(): number { return 1; }\nexport const later = (): number => helper();\n";
  assert.deepEqual(await lint(ok), []);
});

test("host code, tools and tests are not linted as device code", async () => {
  for (const file of ["host/runtime.ts", "tools/gate/index.js", "bench/x.ts", "modules/can/frame.test.ts"]) {
    assert.equal(await eslint.isPathIgnored(join(root, file)), true, file);
  }
  assert.equal(await eslint.isPathIgnored(join(root, "modules/can/frame.ts")), false);
});

test("the device sources (app, modules, test/selftest) lint clean", async () => {
  const results = await eslint.lintFiles(["app", "modules", "test/selftest"]);
  assert.ok(results.length > 0);
  const problems = results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line}:${m.column}: ${m.ruleId}: ${m.message}`));
  assert.deepEqual(problems, []);
});
