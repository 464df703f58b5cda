// The native hooks' TypeScript declarations, generated (issue 14 item 2) by
// tools/build/genHookTypes.js from the "typescript" fields of the /*JSON{...}*/ blocks of
// boards/STM32F107/jswrap/jswrap_meteradc.c (types/meterAdc.d.ts: MeterADC) and jswrap_can.c
// (types/canController.d.ts: CAN1 over modules/can/secured.ts and controller.ts), and
// jswrap_meterlcd.c (types/meterLcd.d.ts: LCD over modules/ui/displayPort.ts).
// 1. The committed files are what the generator writes now: a block edited without
//    `npm run gen` fails here (and `npm run lint`, which runs genHookTypes --check).
// 2. The declarations agree with what the firmware really exports (the blocks read as
//    Espruino's build reads them, boards/STM32F107/test/checkJsonBlocks.py): a method's
//    name, its number of parameters, whether it returns a value, an event's name. CAN1's
//    methods are declared by the module interfaces it implements, so this still matters.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { FILES, generate, generateFile, jsonBlocks as blocksWithDescriptions, stale } from "./genHookTypes.js";

const root = join(import.meta.dirname, "..", "..");

interface Entry { type: string; class?: string; name?: string; params?: unknown[]; return?: string[] }

/** The JSON blocks of a jswrap file (a block ends at the first newline followed by '}'). */
export function jsonBlocks(text: string): Entry[] {
  const out: Entry[] = [];
  for (const m of text.matchAll(/\/\*JSON([\s\S]*?)\*\//g)) {
    const body = m[1];
    const end = body.indexOf("\n}") + 2;
    out.push(JSON.parse(end >= 2 ? body.slice(0, end) : body) as Entry);
  }
  return out;
}

/** "name/params/returns" for each method, "event name" for each event, of one class. */
function firmwareSide(file: string, cls: string): string[] {
  const blocks = jsonBlocks(readFileSync(join(root, file), "utf8")).filter((b) => b.class === cls);
  const out: string[] = [];
  for (const b of blocks) {
    if (b.type === "method") {
      // a JsVarArray parameter takes all the call's arguments (any arity): "*"
      const params = (b.params || []) as string[][];
      const arity = params.some((p) => p[1] === "JsVarArray") ? "*" : String(params.length);
      out.push(`${b.name}/${arity}/${b.return ? "value" : "void"}`);
    }
    else if (b.type === "event") out.push(`event ${b.name}`);
  }
  return out.sort();
}

/** The same list from the declarations: the members of `typeText` as the device's typecheck sees them. */
function declaredSide(typeText: string): string[] {
  const probe = join(root, "types", "__hookTypesProbe.ts");
  const files = ["types/espruino.d.ts", "types/espruino-lib.d.ts", "types/meterAdc.base.d.ts", "types/meterAdc.d.ts", "types/canController.base.d.ts", "types/canController.d.ts", "types/meterLcd.base.d.ts", "types/meterLcd.d.ts"].map((f) => join(root, f));
  const host = ts.createCompilerHost({});
  const read = host.readFile;
  host.readFile = (f) => (f === probe ? `declare const probe: ${typeText};\nexport {};\n` : read(f));
  host.fileExists = ((exists) => (f: string) => f === probe || exists(f))(host.fileExists);
  const program = ts.createProgram([...files, probe], { noEmit: true, strict: true, target: ts.ScriptTarget.ES2015, moduleResolution: ts.ModuleResolutionKind.Bundler, module: ts.ModuleKind.ESNext, types: [], lib: ["lib.es5.d.ts"] }, host);
  const checker = program.getTypeChecker();
  const sf = program.getSourceFile(probe)!;
  let type: ts.Type | undefined;
  sf.forEachChild((n) => {
    if (ts.isVariableStatement(n)) type = checker.getTypeAtLocation(n.declarationList.declarations[0].name);
  });
  assert.ok(type, "probe type not found");
  const out: string[] = [];
  for (const p of checker.getPropertiesOfType(type!)) {
    const t = checker.getTypeOfSymbol(p);
    const sigs = t.getCallSignatures();
    if (sigs.length === 0) continue;
    if (p.name === "on") {
      for (const s of sigs) {
        const ev = checker.getTypeOfSymbol(s.parameters[0]);
        if (ev.isStringLiteral()) out.push(`event ${ev.value}`);
      }
      continue;
    }
    const s = sigs[0];
    const returns = checker.getReturnTypeOfSignature(s).flags & ts.TypeFlags.Void ? "void" : "value";
    out.push(`${p.name}/${s.parameters.length}/${returns}`);
  }
  return out.sort();
}

test("types/meterAdc.d.ts declares what jswrap_meteradc.c exports (methods, arity, events)", () => {
  assert.deepEqual(declaredSide("MeterADC"), firmwareSide("boards/STM32F107/jswrap/jswrap_meteradc.c", "MeterADC"));
});

test("types/canController.d.ts declares what jswrap_can.c exports on CAN1", () => {
  assert.deepEqual(declaredSide("typeof CAN1"), firmwareSide("boards/STM32F107/jswrap/jswrap_can.c", "BxCAN"));
});

test("types/meterLcd.d.ts declares the methods jswrap_meterlcd.c exports on LCD (its touch events have no blocks)", () => {
  const methods = (xs: string[]) => xs.filter((x) => !x.startsWith("event "));
  const fw = firmwareSide("boards/STM32F107/jswrap/jswrap_meterlcd.c", "MeterLcd");
  assert.ok(fw.includes("rect/*/void") && fw.includes("init/0/value"), fw.join(", "));
  const variadic = new Set(fw.filter((x) => x.includes("/*/")).map((x) => x.split("/")[0]));
  const declared = declaredSide("typeof LCD");
  const asFirmware = methods(declared).map((x) => (variadic.has(x.split("/")[0]) ? x.replace(/\/\d+\//, "/*/") : x));
  assert.deepEqual(asFirmware, fw);
  assert.deepEqual(declared.filter((x) => x.startsWith("event ")), ["event release", "event touch"]);
});

test("the comparison can fail: a method the firmware lacks is found", () => {
  const fw = firmwareSide("boards/STM32F107/jswrap/jswrap_meteradc.c", "MeterADC");
  assert.ok(fw.includes("setSampleRate/1/value") && fw.includes("event window"), fw.join(", "));
  assert.notDeepEqual(declaredSide("MeterADC & { selfDestruct(): void }"), fw);
});

test("types/meterAdc.d.ts, canController.d.ts and meterLcd.d.ts are what genHookTypes.js writes from the blocks (npm run gen)", () => {
  assert.deepEqual(stale(root), []);
  const read = (p: string) => readFileSync(join(root, p), "utf8");
  const files = generate(read) as { path: string; text: string }[];
  assert.deepEqual(files.map((f) => f.path), ["types/meterAdc.d.ts", "types/canController.d.ts", "types/meterLcd.d.ts"]);
  assert.match(files[2].text, /^interface MeterLcd extends MeternetDisplayPort \{\n(?: {2}.*\n)+\}\n\n.*\ndeclare const LCD: MeterLcd;$/m);
  // every block that carries "typescript" shows up in its file, with its description
  const adc = files[0].text;
  assert.match(adc, /^declare class MeterADC \{$/m);
  assert.match(adc, /^ {2}setSampleRate\(rateHz: number\): number;$/m);
  assert.match(adc, /^ {2}\/\*\* Sampling stopped \(a DMA transfer error\); the message says so\. Call start\(\) again\. \*\/\n {2}on\(event: "error"/m);
  assert.match(files[1].text, /^interface BxCanController extends MeternetCanController \{\n {2}counters\(\): BxCanCounters;\n/m);
  // CAN1's OTA methods come from jswrap_ota.c's blocks, optional (each image has one end's)
  assert.match(files[1].text, /^ {2}otaBoot\?\(out: Uint8Array\): number;$/m);
  assert.match(files[1].text, /^ {2}otaSend\?\(master16: Uint8Array, addresses: Uint8Array, manifest: number\[\]\): number;$/m);
  assert.match(files[1].text, /^declare const CAN1: BxCanController;$/m);
});

test("a block edited without regenerating is caught (the staleness check can fail)", () => {
  const spec = FILES[0];
  const c = readFileSync(join(root, spec.src), "utf8");
  const edited = c.replace('"typescript" : "setSampleRate(rateHz: number): number;"', '"typescript" : "setSampleRate(rateHz: number, when: number): number;"');
  assert.notEqual(edited, c, "the setSampleRate block's typescript field was not found");
  const committed = readFileSync(join(root, spec.out), "utf8");
  assert.equal(generateFile(spec, c), committed);
  const regenerated = generateFile(spec, edited) as string;
  assert.notEqual(regenerated, committed);
  assert.match(regenerated, /setSampleRate\(rateHz: number, when: number\): number;/);
  // a description edit is a change too
  const redescribed = c.replace("Stops sampling; queued windows are discarded.", "Stops sampling.");
  assert.notEqual(generateFile(spec, redescribed), committed);
});

test("a member's \"typescript\" without its class's is refused, naming the block", () => {
  const spec = FILES[0];
  const c = readFileSync(join(root, spec.src), "utf8").replace('"typescript" : "declare class MeterADC"', '"typescript" : null');
  assert.throws(() => generateFile(spec, c), /jswrap_meteradc.c: MeterADC\.window has "typescript" but its class block has none/);
  assert.equal((blocksWithDescriptions(c) as unknown[]).length, jsonBlocks(c).length);
});
