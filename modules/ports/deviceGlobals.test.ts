// The device composition layer (issue 14 item 4): in modules/, only modules/ports/device
// (one file per port) and modules/link/espruinoLink.ts's imports of it may touch an
// Espruino global. This test reads every device source of modules/ and fails on a free
// use of one anywhere else, so a new direct use cannot slip in.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

const ROOT = join(import.meta.dirname, "..", "..");
/** Espruino's globals that are hardware or interpreter, not plain JavaScript (types/espruino.d.ts, the hooks' .d.ts). */
const DEVICE_GLOBALS = ["CAN1", "I2C1", "MeterADC", "LCD", "E", "print", "global", "digitalWrite", "digitalRead", "getTime", "require", "load", "save", "reset", "process"];
/** Where they are allowed: the device ports; outside modules/: app/ (entry points) is checked by its own rule below. */
const ALLOWED_DIR = "modules/ports/device/";
/** Not device code: host-only tests and suites, and the browser app. */
const SKIP = [/\.test\.ts$/, /\.kat\.ts$/, /\.check\.ts$/, /^modules\/ports\/contracts\//, /^modules\/web\//, /\/testing\//];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** Identifiers of `names` used as free variables (not a property, not a declaration, not a type) in the file. */
export function freeUses(file: string, text: string, names: string[]): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const declared = new Set<string>();
  // `declare const print: ...` names the global itself: not a local declaration
  const ambient = (n: ts.Node): boolean => ts.isVariableDeclaration(n) && ts.isVariableStatement(n.parent.parent) && !!n.parent.parent.modifiers?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword);
  const visitDecl = (n: ts.Node): void => {
    if (ambient(n)) return;
    if ((ts.isVariableDeclaration(n) || ts.isFunctionDeclaration(n) || ts.isParameter(n) || ts.isClassDeclaration(n) || ts.isImportSpecifier(n)) && n.name && ts.isIdentifier(n.name)) declared.add(n.name.text);
    ts.forEachChild(n, visitDecl);
  };
  visitDecl(sf);
  const visit = (n: ts.Node): void => {
    if (ts.isTypeNode(n) || ts.isImportDeclaration(n)) return;
    if (ts.isIdentifier(n) && names.includes(n.text) && !declared.has(n.text)) {
      const p = n.parent;
      const named = p as ts.Node & { name?: ts.Node };
      const isPropertyName = named.name === n && (ts.isPropertyAccessExpression(p) || ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isMethodSignature(p) ||
        ts.isPropertyDeclaration(p) || ts.isPropertySignature(p) || ts.isGetAccessor(p) || ts.isSetAccessor(p) || ts.isEnumMember(p) || ts.isVariableDeclaration(p));
      if (!isPropertyName) found.push(n.text + " (line " + (sf.getLineAndCharacterOfPosition(n.getStart()).line + 1) + ")");
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

test("no module outside modules/ports/device touches an Espruino global", () => {
  const problems: string[] = [];
  let checked = 0;
  for (const f of sources(join(ROOT, "modules"))) {
    const rel = relative(ROOT, f).split("\\").join("/");
    if (rel.startsWith(ALLOWED_DIR) || SKIP.some((re) => re.test(rel))) continue;
    checked++;
    for (const u of freeUses(rel, readFileSync(f, "utf8"), DEVICE_GLOBALS)) problems.push(rel + ": " + u);
  }
  assert.ok(checked > 50, "device sources checked: " + checked);
  assert.deepEqual(problems, [], "use the port in modules/ports/device instead");
});

/** Every entry point's source: app/meter, app/meterUi, app/aggregator (main.ts and its route modules). */
function entryPoints(): string[] {
  return ["app/meter", "app/meterUi", "app/aggregator"].flatMap((d) => sources(join(ROOT, d))).map((f) => relative(ROOT, f).split("\\").join("/"));
}

test("the entry points are wiring only: app/meter, app/meterUi and app/aggregator name no Espruino global either", () => {
  const files = entryPoints();
  assert.ok(files.includes("app/aggregator/main.ts") && files.includes("app/meter/main.ts"), files.join(" "));
  for (const rel of files) assert.deepEqual(freeUses(rel, readFileSync(join(ROOT, rel), "utf8"), DEVICE_GLOBALS), [], rel);
});

test("the aggregator's entry point before its device ports (issue 14 item 4) fails the scan", () => {
  // the lines of the old app/aggregator/main.ts that touched Storage, print, global, eval, http and the collector
  const old = [
    'const storage = require("Storage");',
    "agg.logLine = print;",
    "global.onReading = onReading;",
    "const loadRoutes = (name) => (global.eval)(storage.read(name));",
    "const collect = () => { setTimeout(() => { gcDue = false; process.memory(); }, 0); };",
    'require("http").createServer(server.handle).listen(file.port || 80);',
  ].join("\n");
  assert.deepEqual(freeUses("old.ts", old, DEVICE_GLOBALS), ["require (line 1)", "print (line 2)", "global (line 3)", "global (line 4)", "process (line 5)", "require (line 6)"]);
});

test("the scan finds a direct use and ignores properties, declarations and types", () => {
  assert.deepEqual(freeUses("x.ts", "export function f(): void { CAN1.start(125000); print('x'); }", DEVICE_GLOBALS), ["CAN1 (line 1)", "print (line 1)"]);
  assert.deepEqual(freeUses("x.ts", "const o = { print: 1 }; o.print; class K { E = 2; getTime(): number { return 1; } }\nlet a: MeterADC | null = null;\ninterface A { load(r: number): number; global: number }", DEVICE_GLOBALS), []);
  assert.deepEqual(freeUses("x.ts", "export function g(print: (s: string) => void): void { print('ok'); }", DEVICE_GLOBALS), []);
  assert.deepEqual(freeUses("x.ts", "const s = require(\"Storage\");", DEVICE_GLOBALS), ["require (line 1)"]);
  // what espruinoLink.ts did before the device ports: declaring the global does not make it a port
  assert.deepEqual(freeUses("x.ts", "declare const print: (t: string) => void;\nprint('x');", DEVICE_GLOBALS), ["print (line 2)"]);
});
