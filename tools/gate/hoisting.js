/**
 * NO HOISTING on Espruino: a function declaration, class, var, let or const exists only
 * once execution has reached it. This module finds uses that run before that.
 *
 * It simulates execution instead of comparing positions, because minified bundles are
 * full of functions that mention later names but only run later:
 * - Module initialisation: top-level statements in order. A definition takes effect when
 *   its statement is reached. Calling a known function at that time runs its body there
 *   and then (transitively): direct calls, IIFEs `(function(){..})()` / `!function(){..}()`,
 *   `.call`/`.apply`, `new C()` (field initialisers and constructor, `super()` into the
 *   base class), methods of objects and instances whose class is known, getters, and
 *   callbacks handed to synchronous built-ins (forEach, map, `new Promise(executor)` ...).
 *   Each function body is simulated once, at its first call (later calls only see more
 *   definitions). Declarations inside a body are likewise defined only when reached.
 * - Every function NOT run at initialisation is then simulated on its own, with all
 *   outer names taken as defined: only its own later declarations can offend there.
 * Writes count too: on Espruino, `n = 1` before `var n` is reached assigns an outer or
 * global `n` (terser's function inlining produces `return n={..},f(n);var n`).
 * Both branches of an `if` and a loop body once are simulated: a definition in either
 * branch counts, an offending use in either branch is reported.
 * Scopes come from eslint-scope, so shadowing (a parameter named like a later
 * top-level function) is respected.
 */
import { HOISTING, SYNC_CALLBACK_METHODS } from "./rules.js";
import { childKeys, memberName } from "./treeWalk.js";

const SYNC_CALLBACKS = new Set(SYNC_CALLBACK_METHODS);
const FUNCTION_TYPES = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);
/** Bounds the work on one function called with many different function arguments. */
const MAX_RUNS_PER_FUNCTION = 64;
const TRACKED_DEFS = new Set(["FunctionName", "ClassName", "Variable"]);

/**
 * @typedef {{ t: "fn", node: any, cls?: any } | { t: "cls", node: any } |
 *   { t: "inst", cls: any, props: Map<string, Value> } | { t: "obj", props: Map<string, Value> } |
 *   { t: "acc", get: Value | undefined }} Value
 */

/**
 * @param {any} ast Program (acorn, with ranges)
 * @param {import("eslint-scope").ScopeManager} scopeManager
 * @param {any[]} functions every function node of the program
 * @param {Map<any, any>} parents node -> parent node
 * @returns {{ node: any, rule: string, message: string }[]}
 */
export function findHoistingOffences(ast, scopeManager, functions, parents) {
  /** @type {Map<any, any>} Identifier node -> Reference */
  const refOf = new Map();
  for (const scope of scopeManager.scopes) for (const ref of scope.references) refOf.set(ref.identifier, ref);
  const found = [];
  const reported = new Set();
  /** @type {Map<any, Value | undefined>} Variable -> value */
  const values = new Map();
  /** @type {Map<any, Value | undefined>} class node -> value of its `extends` */
  const supers = new Map();
  /** @type {WeakMap<object, string>} */
  const valueIds = new WeakMap();
  let valueCount = 0;

  const initRun = simulate(ast, null);
  for (const fn of functions) {
    if (!initRun.invoked.has(fn)) simulate(fn, fn);
  }
  return found;

  /**
   * @param {any} root Program or a function node
   * @param {any} deferredFn null for module initialisation, else the function run on its own
   */
  function simulate(root, deferredFn) {
    const defined = new Set();
    /** @type {Map<any, Set<string>>} function node -> argument signatures simulated */
    const invoked = new Map();
    const active = new Set();
    const constructed = new Set();
    const returns = new Map();
    const via = [];
    /** @type {{ thisVal: Value | undefined, cls: any, ret: Value | undefined }} */
    let frame = { thisVal: undefined, cls: null, ret: undefined };

    if (deferredFn) invoke({ t: "fn", node: deferredFn }, [], undefined);
    else ev(root);
    return { invoked };

    function valueId(v) {
      if (!v || typeof v !== "object") return "";
      if (v.t === "fn" || v.t === "cls") return v.t + v.node.range[0];
      let id = valueIds.get(v);
      if (id === undefined) valueIds.set(v, (id = "o" + ++valueCount));
      return id;
    }

    function inRoot(node) {
      return node.range[0] >= root.range[0] && node.range[1] <= root.range[1];
    }

    function tracked(variable) {
      const def = variable.defs[0];
      if (!def || !TRACKED_DEFS.has(def.type)) return false;
      if (variable.scope.type === "class" || variable.scope.type === "function-expression-name") return false;
      // Run on its own, a function sees every outer name defined; its own name (declared
      // in the outer scope) included. Only bindings of scopes inside it are tracked.
      const block = variable.scope.block;
      return !deferredFn || (block.range[0] >= deferredFn.range[0] && block.range[1] <= deferredFn.range[1]);
    }

    function define(node) {
      for (const v of scopeManager.getDeclaredVariables(node)) defined.add(v);
    }

    function check(ref) {
      const v = ref.resolved;
      if (!v || !tracked(v) || defined.has(v) || reported.has(ref.identifier)) return;
      reported.add(ref.identifier);
      const def = v.defs[0];
      const kind = def.type === "FunctionName" ? "function" : def.type === "ClassName" ? "class" :
        (def.parent && def.parent.kind) || "var";
      const where = deferredFn ? ` when ${label(deferredFn, parents)} runs` : " at initialisation";
      const chain = via.length > 0 ? ` (via ${via.join(" > ")})` : "";
      found.push({ node: ref.identifier, rule: HOISTING.id,
        message: `\`${v.name}\` (${kind}, line ${def.name.loc.start.line}) ${HOISTING.reason.replace("used", "used" + where + chain)}: ${HOISTING.instead}` });
    }

    /** @returns {Value | undefined} */
    function valueOf(variable) {
      if (values.has(variable)) return values.get(variable);
      const def = variable.defs[0];
      if (!def) return undefined;
      if (def.type === "FunctionName") return { t: "fn", node: def.node };
      if (def.type === "ClassName") return { t: "cls", node: def.node };
      if (def.type === "Variable" && def.node.init && def.node.id.type === "Identifier") {
        const init = def.node.init;
        if (FUNCTION_TYPES.has(init.type)) return { t: "fn", node: init };
        if (init.type === "ClassExpression") return { t: "cls", node: init };
      }
      return undefined;
    }

    function setValue(idNode, value) {
      const ref = refOf.get(idNode);
      const variable = ref ? ref.resolved : scopeManager.getDeclaredVariables(idNode)[0];
      if (variable) values.set(variable, value);
    }

    /** Simulates a call of `fnVal`; returns what its body returned (first call only). */
    function invoke(fnVal, args, thisVal) {
      const node = fnVal.node;
      if (!inRoot(node) || active.has(node)) return undefined;
      // A body is simulated again only for new function/object arguments (suite.check(name,
      // body) called with many bodies); plain values change nothing that is checked here.
      const sig = args.map(valueId).join(",") + "|" + valueId(thisVal);
      let sigs = invoked.get(node);
      if (!sigs) invoked.set(node, (sigs = new Set()));
      if (sigs.has(sig) || sigs.size >= MAX_RUNS_PER_FUNCTION) return returns.get(node);
      sigs.add(sig);
      active.add(node);
      node.params.forEach((p, i) => {
        if (p.type === "Identifier") for (const v of scopeManager.getDeclaredVariables(node)) {
          if (v.name === p.name && v.defs[0] && v.defs[0].type === "Parameter") values.set(v, args[i]);
        }
      });
      const saved = frame;
      frame = { thisVal: node.type === "ArrowFunctionExpression" ? saved.thisVal : thisVal,
        cls: node.type === "ArrowFunctionExpression" ? saved.cls : fnVal.cls || null, ret: undefined };
      if (node !== deferredFn) via.push(label(node, parents));
      if (node.body.type === "BlockStatement") ev(node.body);
      else frame.ret = ev(node.body);
      if (node !== deferredFn) via.pop();
      const ret = frame.ret;
      frame = saved;
      active.delete(node);
      if (ret || !returns.has(node)) returns.set(node, ret);
      return ret;
    }

    /** Simulates `new cls(...)` (or the `super(...)` part of one) on instance `inst`. */
    function construct(clsVal, args, inst) {
      const cls = clsVal.node;
      const self = inst || { t: "inst", cls, props: new Map() };
      if (!inRoot(cls)) return self;
      if (!constructed.has(cls)) { // field initialisers take no arguments: once is enough
        constructed.add(cls);
        const saved = frame;
        frame = { thisVal: self, cls, ret: undefined };
        via.push(`new ${label(cls, parents)}`);
        for (const m of cls.body.body) {
          if (m.type === "PropertyDefinition" && !m.static && m.value) ev(m.value);
        }
        via.pop();
        frame = saved;
      }
      const ctor = cls.body.body.find((m) => m.type === "MethodDefinition" && m.kind === "constructor");
      if (ctor) invoke({ t: "fn", node: ctor.value, cls }, args, self);
      else {
        const sup = supers.get(cls);
        if (sup && sup.t === "cls") construct(sup, args, self);
      }
      return self;
    }

    function classMember(cls, name, isStatic, holder) {
      for (let c = cls; c; ) {
        for (const m of c.body.body) {
          if (m.type !== "MethodDefinition" || m.static !== isStatic || memberName(m) !== name) continue;
          if (m.kind === "method") return { t: "fn", node: m.value, cls: c };
          if (m.kind === "get") return invoke({ t: "fn", node: m.value, cls: c }, [], holder);
        }
        const sup = supers.get(c);
        c = sup && sup.t === "cls" ? sup.node : null;
      }
      return undefined;
    }

    /** @returns {Value | undefined} */
    function member(objVal, name) {
      if (!objVal || name === undefined) return undefined;
      if (objVal.t === "obj" || objVal.t === "inst") {
        const own = objVal.props.get(name);
        if (own && own.t === "acc") return own.get ? invoke(own.get, [], objVal) : undefined;
        if (own) return own;
        if (objVal.t === "inst" && objVal.cls) return classMember(objVal.cls, name, false, objVal);
      }
      if (objVal.t === "cls") return classMember(objVal.node, name, true, objVal);
      return undefined;
    }

    function evAll(list) {
      return list.map((n) => (n ? ev(n) : undefined));
    }

    function evClass(node) {
      supers.set(node, node.superClass ? ev(node.superClass) : undefined);
      /** @type {Value} */
      const clsVal = { t: "cls", node };
      const saved = frame;
      frame = { thisVal: clsVal, cls: node, ret: undefined };
      for (const m of node.body.body) {
        if (m.computed) ev(m.key);
        if (m.type === "PropertyDefinition" && m.static && m.value) ev(m.value);
        if (m.type === "StaticBlock") for (const s of m.body) ev(s);
      }
      frame = saved;
      if (node.type === "ClassDeclaration") define(node);
      return clsVal;
    }

    function evCall(node) {
      const callee = node.callee;
      let fnVal;
      let thisVal;
      let objVal;
      let name;
      if (callee.type === "MemberExpression") {
        objVal = ev(callee.object);
        if (callee.computed) ev(callee.property);
        name = memberName(callee);
        fnVal = member(objVal, name);
        thisVal = objVal;
      } else if (callee.type !== "Super") {
        fnVal = ev(callee);
      }
      const args = evAll(node.arguments);
      if (callee.type === "Super") {
        const sup = frame.cls ? supers.get(frame.cls) : undefined;
        if (sup && sup.t === "cls") construct(sup, args, frame.thisVal);
        return undefined;
      }
      if (fnVal && fnVal.t === "fn") return invoke(fnVal, args, thisVal);
      if (objVal && objVal.t === "fn" && (name === "call" || name === "apply")) {
        return invoke(objVal, name === "call" ? args.slice(1) : [], args[0]);
      }
      if (!fnVal && name !== undefined && SYNC_CALLBACKS.has(name)) {
        for (const a of args) if (a && a.t === "fn") invoke(a, [], undefined);
      }
      return undefined;
    }

    function evNew(node) {
      const c = ev(node.callee);
      const args = evAll(node.arguments);
      if (c && c.t === "cls") return construct(c, args, null);
      const inst = { t: "inst", cls: null, props: new Map() };
      if (c && c.t === "fn") invoke(c, args, inst);
      else if (node.callee.type === "Identifier" && node.callee.name === "Promise" && args[0] && args[0].t === "fn") {
        invoke(args[0], [], undefined);
      }
      return inst;
    }

    function evObject(node) {
      const props = new Map();
      for (const p of node.properties) {
        if (p.type !== "Property") { ev(p); continue; }
        if (p.computed) ev(p.key);
        const v = ev(p.value);
        const name = memberName(p);
        if (name === undefined) continue;
        if (p.kind === "get") props.set(name, { t: "acc", get: v });
        else if (p.kind === "init") props.set(name, v);
      }
      return { t: "obj", props };
    }

    function evAssign(node) {
      const value = ev(node.right);
      const left = node.left;
      if (left.type === "Identifier") {
        ev(left);
        if (node.operator === "=") setValue(left, value);
      } else if (left.type === "MemberExpression") {
        const o = ev(left.object);
        if (left.computed) ev(left.property);
        const name = memberName(left);
        if (o && (o.t === "obj" || o.t === "inst") && name !== undefined && node.operator === "=") o.props.set(name, value);
      } else {
        ev(left);
      }
      return value;
    }

    /** Evaluates `node` in execution order; returns its abstract value when known. */
    function ev(node) {
      switch (node.type) {
        case "Identifier": {
          const ref = refOf.get(node);
          if (!ref) return undefined;
          check(ref);
          return ref.resolved ? valueOf(ref.resolved) : undefined;
        }
        case "FunctionDeclaration":
          define(node);
          return undefined;
        case "FunctionExpression":
        case "ArrowFunctionExpression":
          return { t: "fn", node };
        case "ClassDeclaration":
        case "ClassExpression":
          return evClass(node);
        case "VariableDeclaration":
          for (const d of node.declarations) {
            const value = d.init ? ev(d.init) : undefined;
            define(d);
            if (d.id.type !== "Identifier") ev(d.id);
            if (d.id.type === "Identifier" && d.init) setValue(d.id, value);
          }
          return undefined;
        case "ForInStatement":
        case "ForOfStatement":
          ev(node.right);
          if (node.left.type === "VariableDeclaration") define(node.left.declarations[0]);
          else ev(node.left);
          ev(node.body);
          return undefined;
        case "MemberExpression": {
          const o = ev(node.object);
          if (node.computed) ev(node.property);
          return member(o, memberName(node));
        }
        case "ThisExpression":
          return frame.thisVal;
        case "CallExpression":
          return evCall(node);
        case "NewExpression":
          return evNew(node);
        case "AssignmentExpression":
          return evAssign(node);
        case "ObjectExpression":
          return evObject(node);
        case "SequenceExpression": {
          const all = evAll(node.expressions);
          return all[all.length - 1];
        }
        case "ConditionalExpression": {
          ev(node.test);
          const a = ev(node.consequent);
          const b = ev(node.alternate);
          return a || b;
        }
        case "LogicalExpression": {
          const a = ev(node.left);
          const b = ev(node.right);
          return b || a;
        }
        case "UnaryExpression":
          // typeof of a not-yet-defined name gives "undefined" on Espruino; it does not throw.
          if (node.operator === "typeof" && node.argument.type === "Identifier") return undefined;
          ev(node.argument);
          return undefined;
        case "ReturnStatement": {
          const v = node.argument ? ev(node.argument) : undefined;
          if (v) frame.ret = v;
          return undefined;
        }
        case "LabeledStatement":
          return ev(node.body);
        case "BreakStatement":
        case "ContinueStatement":
        case "Literal":
          return undefined;
        default: {
          for (const key of childKeys(node)) {
            const child = node[key];
            if (Array.isArray(child)) {
              for (const c of child) if (c && typeof c.type === "string") ev(c);
            } else if (child && typeof child.type === "string") {
              ev(child);
            }
          }
          return undefined;
        }
      }
    }
  }
}

/**
 * A readable name for a function or class node of a (possibly minified) bundle:
 * its own name, the variable, property or method it is assigned to, else its position.
 * @param {any} node @param {Map<any, any>} parents
 */
function label(node, parents) {
  if (node.id && node.id.name) return `${node.id.name}()`;
  const parent = parents.get(node);
  if (parent && parent.type === "VariableDeclarator" && parent.id.type === "Identifier") return `${parent.id.name}()`;
  if (parent && (parent.type === "Property" || parent.type === "MethodDefinition") && memberName(parent) !== undefined) {
    const cls = parent.type === "MethodDefinition" ? parents.get(parents.get(parent)) : null;
    const owner = cls && cls.id ? cls.id.name + "." : "";
    return `${owner}${memberName(parent)}()`;
  }
  return `function at line ${node.loc.start.line}:${node.loc.start.column + 1}`;
}
