/**
 * An ESTIMATE of the JsVars a program uses on Espruino 2v29 (32-bit build, 13-byte
 * JsVars, run from Storage as a board runs it), for process.memory(). It walks what the
 * program keeps alive from the global scope, pending timers and (when the bundle was
 * instrumented, accounting/instrument.ts) the scopes closures keep, and prices every
 * value with Espruino's layout rules (src/jsvar.h, src/jsvar.c, src/jsparse.c), each
 * checked with E.getSizeOf on the real interpreter:
 * - a string: 8 characters in its first JsVar, 9 in each extension JsVar; a name (object
 *   key, variable, parameter) 4 in its first, 9 in each extension;
 * - an object or array: 1, plus per property its name and its value; a name holding an integer in -2048..2047 stores it inline (no value JsVar),
 *   as does an array index holding such an integer or a boolean; undefined costs nothing,
 *   null, booleans, other integers and doubles 1 JsVar;
 * - a typed array: 1 (view) + 1 (ArrayBuffer) + its bytes as a string or, when cheaper,
 *   a flat string (1 + one JsVar per 13 bytes); views on one buffer share it;
 * - a function: 1, plus per parameter a name ("\xFF" + name), its code (a name and one
 *   JsVar: code loaded from Storage stays in flash), its scope (a name, plus the scope's
 *   parameters and locals, shared by the closures of one call; from the second nesting
 *   level on each closure also keeps its own array of the scopes) and its own properties
 *   (a `prototype` with its methods for classes);
 * - a class instance: its properties plus `__proto__` (2);
 * - a pending timer: 9 plus its callback and arguments.
 * BASELINE_VARS (what the interpreter itself holds with no program) and the per-timer
 * and per-listener costs are the only fitted constants; the fit and the check against
 * real-interpreter measurements of our bundles live in accounting/ (jsVarEstimate.test.ts,
 * test/realInterpreter/measuredJsVars.json).
 */
import * as acorn from "acorn";
import type { Realm } from "./realm.ts";

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

/** The scope record a closure keeps: its parameters and locals by name, and the enclosing record. */
export interface ScopeRecord { get: () => Record<string, unknown>; parent: ScopeRecord | null }
export type ScopeOf = (fn: unknown) => ScopeRecord | undefined;

export interface EstimateExtras {
  timers?: { cb: unknown; args: unknown[]; repeat: boolean }[];
  scopeOf?: ScopeOf;
  realm?: Realm;
  /** Built-in classes the program has constructed so far. */
  builtinsUsed?: Set<string>;
}

/**
 * What the interpreter itself holds (root, hidden lists, the names of the built-in objects a
 * program touches: E, Math, process...). FITTED on one point: the prelude alone booted from
 * Storage measures 209 (test/realInterpreter/measuredJsVars.json) and the walk finds 182.
 * Every other calibration point checks the model (accounting/jsVarEstimate.test.ts).
 */
export const BASELINE_VARS = 27;
/** A pending timer: its entry in the timer list (index, object, time, interval, callback names). */
export const TIMER_VARS = 9;
/** Event listeners (obj.on): the "#on<event>" name, plus an array once there are two. */
const LISTENER_NAME_VARS = 2;

/** JsVars of a string value of n characters. */
export function stringVars(n: number): number {
  return n <= 8 ? 1 : 1 + Math.ceil((n - 8) / 9);
}
/** JsVars of a name (key) of n characters, without its value. */
export function nameVars(n: number): number {
  return n <= 4 ? 1 : 1 + Math.ceil((n - 4) / 9);
}
/** JsVars of n bytes of ArrayBuffer data (a plain or flat string, whichever is smaller). */
export function bufferDataVars(n: number): number {
  return Math.min(stringVars(n), 1 + Math.ceil(n / 13));
}
function inlineInt(v: unknown): boolean {
  return typeof v === "number" && Number.isInteger(v) && v >= -2048 && v <= 2047 && !Object.is(v, -0);
}

interface FunctionShape { params: number[]; empty: boolean }
const shapeCache = new Map<string, FunctionShape>();
/** Lengths of a function's parameter names, and whether its body is empty (then Espruino keeps no code and no scope). */
function functionShape(fn: Function): FunctionShape {
  let src: string;
  try { src = Function.prototype.toString.call(fn); } catch { return { params: [], empty: false }; }
  const hit = shapeCache.get(src);
  if (hit) return hit;
  const head = src.slice(0, 300);
  let list = "";
  let bodyAt = -1;
  const arrowSingle = /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(head);
  if (arrowSingle) list = arrowSingle[1];
  else {
    const open = head.indexOf("(");
    const close = head.indexOf(")", open);
    if (open >= 0 && close > open) { list = head.slice(open + 1, close); bodyAt = src.indexOf("{", close); }
  }
  const empty = bodyAt >= 0 && src.endsWith("}") && /^\s*$/.test(src.slice(bodyAt + 1, -1));
  const shape = { params: list.split(",").map((p) => p.trim()).filter((p) => p.length > 0).map((p) => p.length), empty };
  if (shapeCache.size > 5000) shapeCache.clear();
  shapeCache.set(src, shape);
  return shape;
}

const ctxFunctions = new WeakMap<object, Function>();
function contextFunction(realm: Realm | undefined): Function | undefined {
  if (!realm) return undefined;
  let f = ctxFunctions.get(realm.context);
  // the constructor of the realm's Object is the realm's Function (runInContext here would run promise jobs early)
  if (!f) { f = realm.Object.constructor as Function; ctxFunctions.set(realm.context, f); }
  return f;
}

const FUNCTION_OWN_SKIP = new Set(["length", "name", "prototype", "arguments", "caller"]);

/**
 * A built-in class whose prototype the program has used (a method called on an instance)
 * appears in the root scope as a JsVar with its prototype (E.getSizeOf 6, plus the name):
 * measured for Function and Object in every program, and for each typed array class, the
 * ArrayBufferView prototype and Array once instances are in use.
 */
export const BUILTIN_CLASS_VARS = 6;

export function estimateJsVars(roots: Record<string, unknown>, skip: Set<string>, extras: EstimateExtras = {}, breakdown?: Map<string, number>, categories?: Map<string, number>): number {
  const seen = new Set<unknown>();
  const builtins = new Set<string>(["Function", "Object"]);
  for (const b of extras.builtinsUsed || []) {
    builtins.add(b);
    if (/Array$/.test(b) && b !== "Array") builtins.add("ArrayBufferView");
  }
  const seenScopes = new Set<ScopeRecord>();
  const CtxFunction = contextFunction(extras.realm);
  let vars = BASELINE_VARS;
  const stack: unknown[] = [];
  const valueCost = (v: unknown): void => {
    // the value JsVar(s) behind a name: primitives priced here, the rest walked
    if (v === undefined) return;
    if (v === null || typeof v === "boolean" || typeof v === "number") { vars += 1; return; }
    if (typeof v === "string") { vars += stringVars(v.length); return; }
    stack.push(v);
  };
  const property = (name: string, v: unknown): void => {
    if (name.startsWith("__mn")) return;
    vars += nameVars(name.length);
    if (inlineInt(v)) return; // kept in the name itself
    valueCost(v);
  };
  const element = (v: unknown): void => {
    vars += 1; // index name
    if (inlineInt(v) || typeof v === "boolean") return;
    valueCost(v);
  };
  const scope = (rec: ScopeRecord): void => {
    if (seenScopes.has(rec)) return;
    seenScopes.add(rec);
    vars += 1;
    let values: Record<string, unknown> = {};
    try { values = rec.get(); } catch { /* a getter that throws: nothing more */ }
    for (const k of Object.keys(values)) property(k, values[k]);
    if (rec.parent) scope(rec.parent);
  };

  // Each root, then each timer, is walked to the end before the next: what a root reaches
  // first is charged to it in `breakdown` (the heaviest consumers, for whoever must cut RAM).
  const charge = (label: string, start: () => void) => {
    const before = vars;
    start();
    drain();
    if (breakdown) breakdown.set(label, (breakdown.get(label) || 0) + vars - before);
  };
  // `categories`: what kind of value each JsVar belongs to (closure scopes apart)
  let scopeVars = 0;
  const visit = (v: object): string => {
    if (typeof v === "function") {
      if (CtxFunction && !(v instanceof CtxFunction)) return "native"; // a native (host) function: in flash
      vars += 1;
      const shape = functionShape(v as Function);
      for (const n of shape.params) vars += nameVars(n + 1);
      if (!shape.empty) vars += 2; // "\xFFcod" + the code as a flash string (an empty body keeps neither code nor scope)
      const rec = extras.scopeOf && !shape.empty ? extras.scopeOf(v) : undefined;
      if (rec) {
        vars += 1; // "\xFFsco"
        let depth = 0;
        for (let r: ScopeRecord | null = rec; r; r = r.parent) depth++;
        if (depth > 1) vars += 1 + depth; // this closure's own copy of the scope list
        const s0 = vars;
        scope(rec);
        scopeVars += vars - s0;
      }
      for (const k of Object.getOwnPropertyNames(v)) {
        if (FUNCTION_OWN_SKIP.has(k)) continue;
        const d = Object.getOwnPropertyDescriptor(v, k);
        if (d && "value" in d) property(k, d.value);
      }
      const proto = (v as { prototype?: unknown }).prototype;
      if (proto && typeof proto === "object" && Object.getOwnPropertyNames(proto).some((k) => k !== "constructor")) {
        vars += nameVars("prototype".length);
        stack.push(proto);
      }
      return "functions and classes (definitions; code stays in flash)";
    }
    if (ArrayBuffer.isView(v)) {
      vars += 1;
      const cls = Object.prototype.toString.call(v).slice(8, -1);
      if (cls !== "DataView") { builtins.add(cls); builtins.add("ArrayBufferView"); }
      stack.push(v.buffer);
      return "typed arrays and their buffers";
    }
    const tag = Object.prototype.toString.call(v);
    if (tag === "[object ArrayBuffer]" || tag === "[object SharedArrayBuffer]") {
      vars += 1 + bufferDataVars((v as ArrayBuffer).byteLength);
      return "typed arrays and their buffers";
    }
    vars += 1;
    if (Array.isArray(v)) {
      if (v.length) builtins.add("Array");
      for (let i = 0; i < v.length; i++) element(v[i]);
      return "plain arrays (elements, their strings and numbers)";
    }
    const proto = Object.getPrototypeOf(v);
    const plain = proto === null || proto === Object.prototype || (proto && Object.getPrototypeOf(proto) === null);
    if (!plain) {
      vars += nameVars("__proto__".length);
      if (proto && typeof proto.constructor === "function") stack.push(proto.constructor);
    }
    // a prototype object: its methods are non-enumerable (class syntax), Espruino keeps them as properties
    const isProto = typeof (v as { constructor?: unknown }).constructor === "function" && Object.prototype.hasOwnProperty.call(v, "constructor");
    const keys = isProto ? Object.getOwnPropertyNames(v).filter((k) => k !== "constructor") : Object.keys(v);
    for (const k of keys) {
      let d: PropertyDescriptor | undefined;
      try { d = Object.getOwnPropertyDescriptor(v, k); } catch { d = undefined; }
      if (!d) continue;
      if ("value" in d) property(k, d.value);
      else { vars += nameVars(k.length) + 1; if (d.get) stack.push(d.get); if (d.set) stack.push(d.set); }
    }
    const listeners = (v as { __mnOn?: Record<string, unknown[]> }).__mnOn;
    if (listeners && Object.prototype.hasOwnProperty.call(v, "__mnOn")) {
      for (const ev of Object.keys(listeners)) {
        const fns = listeners[ev];
        vars += LISTENER_NAME_VARS + (fns.length > 1 ? 1 + fns.length : 0);
        for (const f of fns) stack.push(f);
      }
    }
    return "objects (properties, their strings and numbers)";
  };
  const drain = () => {
    while (stack.length && vars < 1e7) {
      const v = stack.pop() as object;
      if (seen.has(v)) continue;
      seen.add(v);
      const before = vars;
      const s0 = scopeVars;
      const cat = visit(v);
      if (categories) {
        categories.set(cat, (categories.get(cat) || 0) + vars - before - (scopeVars - s0));
        categories.set("closure scopes (names and values)", (categories.get("closure scopes (names and values)") || 0) + scopeVars - s0);
      }
    }
  };
  for (const k of Object.keys(roots)) {
    if (skip.has(k) || k.startsWith("__mn")) continue;
    charge(k, () => property(k, roots[k]));
  }
  for (const t of extras.timers || []) {
    charge(t.repeat ? "(setInterval)" : "(setTimeout)", () => {
      vars += TIMER_VARS;
      valueCost(t.cb);
      if (t.args.length) { vars += 2; for (const a of t.args) element(a); }
    });
  }
  let builtinVars = 0;
  for (const b of builtins) builtinVars += BUILTIN_CLASS_VARS + nameVars(b.length);
  vars += builtinVars;
  if (breakdown) {
    breakdown.set("(interpreter)", BASELINE_VARS);
    breakdown.set("(built-in classes in use: " + [...builtins].join(" ") + ")", builtinVars);
  }
  return vars;
}
