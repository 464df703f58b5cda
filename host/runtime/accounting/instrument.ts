/**
 * Rewrites a bundle so that the host runtime can account for it as Espruino would,
 * without changing what it does:
 *
 * - WORK (costCounter.ts): every function body adds, when it runs, the number of tokens
 *   of its source text (Espruino keeps a function as source text and lexes its body
 *   again on every call, skipped branches included) and counts one call; every loop
 *   iteration adds the tokens of its test, update and body (Espruino seeks back and lexes
 *   them again). The counts go to the global `__mnC` ({t: tokens, c: calls}).
 * - SCOPES (memoryEstimate.ts): a closure on Espruino keeps the whole scope of the call
 *   that created it (every parameter and body-level local, not only the ones it uses, as
 *   V8 does). Each function that creates functions gets, at body start,
 *   `var __mnS<depth> = __mn.sc(getter, parent)` where the getter returns its parameters
 *   and body-level locals by name; each function or class it creates is registered with
 *   `__mn.fn(f, scope)` / `__mn.obj(o, scope)` / `__mn.cls(C, scope)` (identity functions
 *   for the program: they return their first argument).
 *
 * Token counts come from the ORIGINAL text (what Espruino lexes), never from the rewrite.
 * Names beginning with __mn are reserved for this; the estimate skips them.
 */
import * as acorn from "acorn";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a walk over every ESTree node type
type Node = { type: string; start: number; end: number; [key: string]: any };

interface Edit { pos: number; text: string; order: number; close: boolean }

export interface InstrumentOptions {
  /** Add the work counters (default true). */
  cost?: boolean;
  /** Expose closure scopes (default true). */
  scopes?: boolean;
}

/** Built-in classes Espruino materializes in the root scope once a program uses them (memoryEstimate.ts). */
export const BUILTIN_CLASSES = new Set(["Array", "Object", "String", "Number", "Boolean", "Function", "Error", "TypeError", "RegExp", "Date", "Promise", "ArrayBuffer", "DataView",
  "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float32Array", "Float64Array"]);

const FUNCTION_TYPES = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);
const LOOP_TYPES = new Set(["ForStatement", "WhileStatement", "DoWhileStatement", "ForInStatement", "ForOfStatement"]);

/** Number of tokens acorn finds in source[start, end) (Espruino's lexer splits the same way). */
export function countTokens(source: string, start: number, end: number): number {
  let n = 0;
  try {
    for (const _ of acorn.tokenizer(source.slice(start, end), { ecmaVersion: "latest" })) n++;
  } catch {
    // a slice that does not tokenize alone (a template middle): approximate by words
    n = source.slice(start, end).split(/\b/).filter((w) => w.trim()).length;
  }
  return n;
}

function isFunction(n: unknown): boolean {
  return !!n && typeof n === "object" && FUNCTION_TYPES.has((n as Node).type);
}

/** Names a function's scope holds on Espruino: parameters, body-level var/let/const/function/class, vars anywhere. */
function scopeNames(fn: Node): string[] {
  const names = new Set<string>();
  for (const p of fn.params as Node[]) if (p.type === "Identifier") names.add(p.name as string);
  const body = fn.body as Node;
  if (body.type !== "BlockStatement") return [...names];
  const visit = (n: Node, bodyLevel: boolean) => {
    if (!n || typeof n !== "object") return;
    if (n.type === "VariableDeclaration") {
      if (n.kind === "var" || bodyLevel) for (const d of n.declarations as Node[]) if ((d.id as Node).type === "Identifier") names.add((d.id as Node).name as string);
    } else if ((n.type === "FunctionDeclaration" || n.type === "ClassDeclaration") && bodyLevel && n.id) {
      names.add((n.id as Node).name as string);
    }
    if (isFunction(n) || n.type === "ClassDeclaration" || n.type === "ClassExpression") return;
    for (const key of Object.keys(n)) {
      const v = n[key];
      if (Array.isArray(v)) for (const c of v) { if (c && typeof c.type === "string") visit(c, false); }
      else if (v && typeof v === "object" && typeof (v as Node).type === "string") visit(v as Node, false);
    }
  };
  for (const s of body.body as Node[]) {
    if (s.type === "VariableDeclaration" || s.type === "FunctionDeclaration" || s.type === "ClassDeclaration") visit(s, true);
    else visit(s, false);
  }
  return [...names];
}

function getterText(names: string[]): string {
  const parts = names.map((n) => "try{__mnR." + n + "=" + n + "}catch(__mnE){}");
  return "function(){var __mnR={};" + parts.join("") + "return __mnR}";
}

/** Does `n` create a function or class while its enclosing function runs (not inside a nested function)? */
function createsFunctions(body: Node): boolean {
  let found = false;
  const visit = (n: Node) => {
    if (found || !n || typeof n !== "object") return;
    if (isFunction(n) || n.type === "ClassDeclaration" || n.type === "ClassExpression" || (n.type === "Property" && (n.method || n.kind !== "init"))) { found = true; return; }
    for (const key of Object.keys(n)) {
      const v = n[key];
      if (Array.isArray(v)) for (const c of v) { if (c && typeof c.type === "string") visit(c); }
      else if (v && typeof v === "object" && typeof (v as Node).type === "string") visit(v as Node);
    }
  };
  visit(body);
  return found;
}

export function instrument(code: string, opts: InstrumentOptions = {}): string {
  const cost = opts.cost !== false;
  const scopes = opts.scopes !== false;
  let program: Node;
  try {
    program = acorn.parse(code, { ecmaVersion: "latest", sourceType: "script" }) as unknown as Node;
  } catch {
    return code; // let the runtime report the syntax error on the original text
  }
  const edits: Edit[] = [];
  let order = 0;
  // At one position closings go first, the innermost (added last) first; then openings, outermost first.
  const add = (pos: number, text: string, close = false) => edits.push({ pos, text, order: order++, close });

  // `scope` = the name of the scope variable of the enclosing function (null at top level), depth its depth.
  const walk = (n: Node, scope: string | null, depth: number) => {
    if (!n || typeof n !== "object") return;
    if (isFunction(n)) { fn(n, scope, depth); return; }
    if (n.type === "ClassDeclaration" || n.type === "ClassExpression") {
      if (scope && n.type === "ClassExpression") { add(n.start, "__mn.cls("); add(n.end, "," + scope + ")", true); }
      for (const m of ((n.body as Node).body as Node[])) {
        if (m.key) walk(m.key as Node, scope, depth);
        if (m.value) {
          if (isFunction(m.value)) fn(m.value as Node, scope, depth, true);
          else walk(m.value as Node, scope, depth);
        }
      }
      if (n.superClass) walk(n.superClass as Node, scope, depth);
      return;
    }
    if (n.type === "ObjectExpression" && scope && (n.properties as Node[]).some((p) => p.type === "Property" && (p.method || p.kind !== "init"))) {
      add(n.start, "__mn.obj("); add(n.end, "," + scope + ")", true);
      for (const p of n.properties as Node[]) {
        if (p.type === "Property" && (p.method || p.kind !== "init")) { walk(p.key as Node, scope, depth); fn(p.value as Node, scope, depth, true); }
        else walk(p, scope, depth);
      }
      return;
    }
    if (cost && LOOP_TYPES.has(n.type)) loop(n);
    if (scopes && n.type === "NewExpression" && (n.callee as Node).type === "Identifier" && BUILTIN_CLASSES.has((n.callee as Node).name as string)) {
      add((n.callee as Node).start, "(__mn.use(" + JSON.stringify((n.callee as Node).name) + "),");
      add((n.callee as Node).end, ")", true);
    }
    for (const key of Object.keys(n)) {
      const v = n[key];
      if (Array.isArray(v)) for (const c of v) { if (c && typeof c.type === "string") walk(c, scope, depth); }
      else if (v && typeof v === "object" && typeof (v as Node).type === "string") walk(v as Node, scope, depth);
    }
  };

  const loop = (n: Node) => {
    const body = n.body as Node;
    let tokens = countTokens(code, body.start, body.end);
    if (n.test) tokens += countTokens(code, (n.test as Node).start, (n.test as Node).end);
    if (n.update) tokens += countTokens(code, (n.update as Node).start, (n.update as Node).end);
    if (body.type === "BlockStatement") add(body.start + 1, "__mnC.t+=" + tokens + ";");
    else { add(body.start, "{__mnC.t+=" + tokens + ";"); add(body.end, "}", true); }
  };

  // bare: a method or accessor (registered by its class or object, not wrapped itself)
  const fn = (f: Node, scope: string | null, depth: number, bare = false) => {
    const body = f.body as Node;
    const isDecl = f.type === "FunctionDeclaration";
    if (scope && !bare && !isDecl) { add(f.start, "__mn.fn("); add(f.end, "," + scope + ")", true); }
    const own = scopes && createsFunctions(body) ? "__mnS" + (depth + 1) : null;
    let head = "";
    if (cost) head += "__mnC.t+=" + countTokens(code, body.type === "BlockStatement" ? body.start + 1 : body.start, body.type === "BlockStatement" ? body.end - 1 : body.end) + ";__mnC.c++;";
    if (own) {
      head += "var " + own + "=__mn.sc(" + getterText(scopeNames(f)) + "," + (scope || "null") + ");";
      if (body.type === "BlockStatement") {
        for (const s of body.body as Node[]) if (s.type === "FunctionDeclaration" && s.id) head += "__mn.fn(" + ((s.id as Node).name as string) + "," + own + ");";
      }
    }
    if (head) {
      if (body.type === "BlockStatement") add(body.start + 1, head);
      else {
        // arrow with an expression body: `=> expr` becomes `=> {head; return (expr)}`, parentheses of expr included
        const arrowAt = code.lastIndexOf("=>", body.start);
        add(arrowAt + 2, "{" + head + "return ");
        add(f.end, "}", true);
      }
    }
    if (body.type === "BlockStatement") {
      for (const s of body.body as Node[]) {
        walk(s, own || scope, own ? depth + 1 : depth);
        if (own && s.type === "ClassDeclaration" && s.id) add(s.end, ";__mn.cls(" + ((s.id as Node).name as string) + "," + own + ");");
      }
    } else walk(body, own || scope, own ? depth + 1 : depth);
    // function declarations in nested blocks: register where the block starts
    if (own && body.type === "BlockStatement") registerBlockDeclarations(body, own);
  };

  const registerBlockDeclarations = (body: Node, own: string) => {
    const visit = (n: Node, top: boolean) => {
      if (!n || typeof n !== "object" || isFunction(n) || n.type === "ClassDeclaration" || n.type === "ClassExpression") return;
      if (n.type === "BlockStatement" && !top) {
        for (const s of n.body as Node[]) if (s.type === "FunctionDeclaration" && s.id) add(n.start + 1, "__mn.fn(" + ((s.id as Node).name as string) + "," + own + ");");
      }
      for (const key of Object.keys(n)) {
        const v = n[key];
        if (Array.isArray(v)) for (const c of v) { if (c && typeof c.type === "string") visit(c, false); }
        else if (v && typeof v === "object" && typeof (v as Node).type === "string") visit(v as Node, false);
      }
    };
    visit(body, true);
  };

  walk(program, null, 0);
  if (cost) add(0, "__mnC.t+=" + countTokens(code, 0, code.length) + ";");
  edits.sort((a, b) => a.pos - b.pos || (a.close === b.close ? (a.close ? b.order - a.order : a.order - b.order) : a.close ? -1 : 1));
  let out = "";
  let at = 0;
  for (const e of edits) {
    out += code.slice(at, e.pos);
    // `return{...}` or `return function` minified: keep the keyword apart from an inserted name
    if (/[\w$]$/.test(out) && /^[\w$]/.test(e.text)) out += " ";
    out += e.text;
    at = e.pos;
  }
  return out + code.slice(at);
}
