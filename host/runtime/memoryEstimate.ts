/**
 * An ESTIMATE of the JsVars the program's data would take on Espruino, for
 * process.memory(). Node cannot count JsVars; this walks what the program reached
 * from the global scope and prices it with costs measured on a 13-byte-JsVar build
 * (../shared/notes/espruino.md): a property costs about 2 vars (name + value), an
 * array element about 2, a string or typed array about one var per 13-16 bytes,
 * a function about 6 vars plus one per 12 characters of its source. Calibration
 * (2v29, fixed 3600 x 13-byte vars): empty program 63 measured / 63 estimated;
 * build/selftest.js (10 checks) about 406 measured / 369 estimated. Good to spot a
 * 10x problem, not to budget the last 100 vars: measure on the device for that.
 */
import * as acorn from "acorn";

/** Names a script declares at top level (its `let`/`const`/`class` are not global properties). */
export function topLevelNames(code: string): string[] {
  let program: acorn.Program;
  try {
    program = acorn.parse(code, { ecmaVersion: "latest", sourceType: "script" });
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const node of program.body) {
    if (node.type === "VariableDeclaration") {
      for (const d of node.declarations) if (d.id.type === "Identifier") names.push(d.id.name);
    } else if ((node.type === "FunctionDeclaration" || node.type === "ClassDeclaration") && node.id) {
      names.push(node.id.name);
    }
  }
  return names;
}

const BASELINE_VARS = 63; // measured: an empty program on the 3600-var build

export function estimateJsVars(roots: Record<string, unknown>, skip: Set<string>): number {
  const seen = new Set<unknown>();
  let vars = BASELINE_VARS;
  const stack: unknown[] = [];
  for (const k of Object.keys(roots)) {
    if (skip.has(k)) continue;
    vars += 2;
    stack.push(roots[k]);
  }
  while (stack.length && vars < 1e7) {
    const v = stack.pop();
    if (v === null || v === undefined || typeof v === "number" || typeof v === "boolean") continue;
    if (typeof v === "string") { vars += Math.ceil(v.length / 13); continue; }
    if (seen.has(v)) continue;
    seen.add(v);
    if (typeof v === "function") { vars += 6 + Math.ceil(Function.prototype.toString.call(v).length / 12); continue; }
    if (ArrayBuffer.isView(v)) { vars += 2 + Math.ceil(v.byteLength / 16.5); continue; }
    if (Object.prototype.toString.call(v) === "[object ArrayBuffer]") { vars += 1 + Math.ceil((v as ArrayBuffer).byteLength / 16.5); continue; }
    vars += 1;
    for (const k of Object.keys(v as object)) {
      vars += 2;
      let child: unknown;
      try { child = (v as Record<string, unknown>)[k]; } catch { continue; }
      stack.push(child);
    }
  }
  return vars;
}
