/**
 * The Espruino compatibility rules: one list, read by the bundle gate
 * (tools/gate/index.js, on every emitted bundle) and by eslint.config.js (on the
 * device sources, so the editor shows the same rule before anything is built).
 *
 * Every rule records what Espruino 2v29 was observed to do (Linux build, full feature
 * set; see ../shared/notes/espruino.md), the one-line reason the gate prints, and what
 * to write instead. Add a rule here, with a fixture in tools/gate/fixtures/reject/<id>.js;
 * both checkers pick it up.
 *
 * Syntax rules are esquery selectors (the selector language of ESLint's
 * no-restricted-syntax), matched on the acorn tree of the bundle and on the
 * typescript-eslint tree of the sources: one selector, two checkers, no drift.
 *
 * @typedef {object} SyntaxRule
 * @property {string} id          rule id printed by the gate and in fixture names
 * @property {string[]} selectors esquery selectors of the offending nodes
 * @property {string} observed    what Espruino 2v29 does with it
 * @property {string} reason      one line: what is wrong
 * @property {string} instead     one line: what to write instead
 * @property {boolean} [sourceAllowed] true when TypeScript (target ES2015) lowers it, so
 *   sources may use it and only the bundle is checked
 */

/** Error constructors that cannot be subclassed: `super()` fails inside them. */
export const ERROR_CLASSES = ["Error", "EvalError", "RangeError", "ReferenceError", "SyntaxError",
  "TypeError", "URIError", "InternalError", "AggregateError"];

/** Built-in constructors whose `.prototype.x` reads as undefined on Espruino. */
export const BUILTIN_CONSTRUCTORS = ["Array", "ArrayBuffer", "Boolean", "DataView", "Date", "Error",
  "Float32Array", "Float64Array", "Function", "Int8Array", "Int16Array", "Int32Array", "Number",
  "Object", "Promise", "RegExp", "String", "Uint8Array", "Uint8ClampedArray", "Uint16Array",
  "Uint32Array"];

const re = (names) => `/^(${names.join("|")})$/`;

/** @type {SyntaxRule[]} */
export const SYNTAX_RULES = [
  {
    id: "destructuring",
    selectors: ["ObjectPattern", "ArrayPattern"],
    observed: "ReferenceError (declarations, parameters, assignment, catch, for-of heads)",
    reason: "destructuring is not supported by Espruino",
    instead: "read each member into its own variable: const a = o.a, b = arr[1]",
  },
  {
    id: "spread",
    selectors: ["SpreadElement"],
    observed: "SyntaxError (array, call, new and object spread)",
    reason: "spread `...x` is not supported by Espruino",
    instead: "use concat/slice, fn.apply(null, args) or Object.assign({}, o)",
  },
  {
    id: "rest",
    selectors: ["RestElement"],
    observed: "SyntaxError (rest parameters and rest elements)",
    reason: "rest `...args` is not supported by Espruino",
    instead: "pass an array, or read `arguments` with [].slice.call(arguments, n)",
  },
  {
    id: "default-params",
    selectors: [":function > AssignmentPattern", "TSParameterProperty > AssignmentPattern"],
    observed: "SyntaxError",
    reason: "default parameter values are not supported by Espruino",
    instead: "make it optional and set it in the body: if (x === undefined) x = 1",
  },
  {
    id: "async-await",
    selectors: [":function[async=true]", "AwaitExpression", "ForOfStatement[await=true]"],
    observed: "error at parse or call (and TypeScript lowers it to generators)",
    reason: "async/await is not supported by Espruino",
    instead: "chain Promises with .then(), or use callbacks",
  },
  {
    id: "generators",
    selectors: [":function[generator=true]", "YieldExpression"],
    observed: "error at parse or call",
    reason: "generators/yield are not supported by Espruino",
    instead: "return an array, or keep the iteration state in an object",
  },
  {
    id: "optional-chaining",
    selectors: ["ChainExpression"],
    observed: "SyntaxError",
    reason: "optional chaining `?.` is not supported by Espruino",
    instead: "test explicitly: o && o.x, or o !== undefined ? o.x : undefined",
  },
  {
    id: "exponent",
    selectors: ["BinaryExpression[operator='**']", "AssignmentExpression[operator='**=']"],
    observed: "SyntaxError",
    reason: "exponent operator `**` is not supported by Espruino",
    instead: "use Math.pow(a, b)",
    // TypeScript with target ES2015 emits Math.pow for `**`: sources may use it.
    sourceAllowed: true,
  },
  {
    id: "computed-keys",
    selectors: ["ObjectExpression > Property[computed=true]", "MethodDefinition[computed=true]",
      "PropertyDefinition[computed=true]"],
    observed: "SyntaxError for {[k]: v}",
    reason: "computed keys `{[k]: v}` are not supported by Espruino",
    instead: "create the object, then assign: const o = {}; o[k] = v",
  },
  {
    id: "labels",
    selectors: ["LabeledStatement"],
    observed: "labelled break/continue fail",
    reason: "labelled statements are not supported by Espruino",
    instead: "use a flag variable, or move the loops into a function and return",
  },
  {
    id: "private-fields",
    selectors: ["PrivateIdentifier"],
    observed: "SyntaxError (and TypeScript lowers #x to a WeakMap, also missing)",
    reason: "private `#fields` are not supported by Espruino",
    instead: "use a TypeScript `private` member",
  },
  {
    id: "tagged-templates",
    selectors: ["TaggedTemplateExpression"],
    observed: "not supported",
    reason: "tagged templates tag`...` are not supported by Espruino",
    instead: "call the function with a plain template literal: tag(`...`)",
  },
  {
    id: "bigint",
    selectors: ["Literal[bigint]"],
    observed: "SyntaxError",
    reason: "BigInt literals are not supported by Espruino",
    instead: "use numbers (exact to 2^53) or split into two 32-bit halves",
  },
  {
    id: "class-extends-error",
    selectors: [`:matches(ClassDeclaration, ClassExpression)[superClass.type='Identifier'][superClass.name=${re(ERROR_CLASSES)}]`],
    observed: "fails at run time: \"Calling 'super' outside of class\"",
    reason: "a class cannot extend Error (or TypeError, RangeError...) on Espruino",
    instead: "throw new Error(message), and put any extra fields on it or in the message",
  },
  {
    id: "builtin-prototype",
    selectors: [
      `MemberExpression[object.type='MemberExpression'][object.computed=false][object.property.name='prototype']` +
      `[object.object.type='Identifier'][object.object.name=${re(BUILTIN_CONSTRUCTORS)}]` +
      `:not(AssignmentExpression > MemberExpression.left)`,
    ],
    observed: "Array.prototype.slice, String.prototype.substr, Function.prototype.call read as undefined",
    reason: "reads of built-in prototypes (Array.prototype.x ...) give undefined on Espruino",
    instead: "call the method on an instance: [].slice.call(x), ''.trim.call(s)",
  },
  {
    id: "module-syntax",
    selectors: ["ImportDeclaration", "ExportNamedDeclaration", "ExportDefaultDeclaration",
      "ExportAllDeclaration", "ImportExpression"],
    observed: "Espruino runs scripts only; there is no ES module loader",
    reason: "import/export left in the bundle (Espruino has no ES modules)",
    instead: "bundle everything into one script; the entry point must export nothing",
    // Sources are ES modules that rollup bundles: only the bundle is checked.
    sourceAllowed: true,
  },
];

/** Globals that do not exist on Espruino 2v29 -> what to use instead. */
export const MISSING_GLOBALS = {
  Map: "use a plain object keyed by string (Object.create(null)) or two parallel arrays",
  Set: "use a plain object as a set of string keys, or an array with indexOf/includes",
  WeakMap: "store the value on the object itself, or use a plain object keyed by an id",
  WeakSet: "mark the object with a property, or keep an array",
  Symbol: "use a string key",
  Proxy: "write explicit getter/setter methods",
  Reflect: "use Object.* functions or plain property access",
  TextDecoder: "use E.toString(bytes) (Espruino) or String.fromCharCode over the bytes",
  TextEncoder: "use E.toUint8Array(str) (Espruino) or charCodeAt over the string",
};

/** Static members missing on built-in globals: object -> member -> what to use instead. */
export const MISSING_STATICS = {
  Array: {
    from: "copy with a for loop into a new array (or [].slice.call(x) for array-likes)",
    of: "use an array literal [a, b]",
  },
  Object: { freeze: "keep the object private, or copy it; freezing is not available" },
  Date: { UTC: "compute the milliseconds by hand (days from 1970 x 86400000 + ...); Espruino's Date has no Date.UTC" },
  Promise: {
    race: "track the first settlement with a flag in each then()",
    allSettled: "wrap each promise with .then(ok, err) into a result object, then Promise.all",
    any: "count rejections in each then() and resolve on the first success",
  },
  Math: {
    fround: "round through a Float32Array: f32[0] = x; x = f32[0]",
    trunc: "use x < 0 ? Math.ceil(x) : Math.floor(x) (or x | 0 inside int32 range)",
    log10: "use Math.log(x) / Math.LN10",
    hypot: "use Math.sqrt(a * a + b * b)",
    cbrt: "use x < 0 ? -Math.pow(-x, 1 / 3) : Math.pow(x, 1 / 3)",
    // Not measured on 2v29: absent from the Math class of Espruino's src/jswrap_math.c
    // (which has abs acos asin atan atan2 ceil clip cos exp floor log max min pow random
    // round sign sin sqrt tan wrap and the constants). Measure before relying on them.
    log2: "use Math.log(x) / Math.LN2",
    log1p: "use Math.log(1 + x) (exact enough unless |x| < 1e-8)",
    expm1: "use Math.exp(x) - 1 (exact enough unless |x| < 1e-8)",
    sinh: "use (Math.exp(x) - Math.exp(-x)) / 2",
    cosh: "use (Math.exp(x) + Math.exp(-x)) / 2",
    tanh: "use (Math.exp(2 * x) - 1) / (Math.exp(2 * x) + 1)",
    asinh: "use Math.log(x + Math.sqrt(x * x + 1))",
    acosh: "use Math.log(x + Math.sqrt(x * x - 1))",
    atanh: "use Math.log((1 + x) / (1 - x)) / 2",
    clz32: "count with a shift loop",
    imul: "use (a * b) | 0 while |a * b| < 2^53",
  },
  Number: {
    isInteger: "use typeof x === 'number' && Math.floor(x) === x",
    EPSILON: "use the constant 2.220446049250313e-16",
  },
};

/** Instance methods missing on Espruino (any `x.name`): name -> what to use instead. */
export const MISSING_METHODS = {
  flat: "concatenate in a loop: out = out.concat(part)",
  flatMap: "map, then concatenate in a loop",
  finally: "pass the same handler to both then() callbacks",
  substr: "use substring(start, start + length) or slice",
  trimStart: "use s.replace(/^\\s+/, '')",
  codePointAt: "use charCodeAt",
  toPrecision: "use toFixed, or format the digits by hand",
  // 2v29's Date (src/jswrap_date.c) has no getUTC*/setUTC* methods at all (the meter's UI
  // first met this on the real interpreter: "getUTCDate is not a function"). The device
  // runs on UTC (no E.setTimeZone), so the local getters are UTC there, but not on Node:
  // compute from getTime() to be right on both.
  ...Object.fromEntries(["Date", "Day", "FullYear", "Hours", "Milliseconds", "Minutes", "Month", "Seconds"]
    .flatMap((p) => [["getUTC" + p, "compute it from getTime() (days = Math.floor(ms / 86400000), ...): Espruino's Date has no UTC getters or setters"],
      ["setUTC" + p, "build the time with new Date(ms) from arithmetic on getTime(): Espruino's Date has no UTC setters"]])),
};

export const HOISTING = {
  id: "hoisting",
  observed: "a function declaration, class or var exists only once execution reaches it; " +
    "calling f() above function f(){} throws ReferenceError (also TypeScript's __extends/__spreadArray)",
  reason: "used before its definition has executed (Espruino does not hoist)",
  instead: "move the declaration above the first statement that runs it",
};

/**
 * Built-in methods that call their function argument before they return. The hoisting
 * check runs such callbacks at once; the for-let check knows they cannot outlive the
 * iteration that made them.
 */
export const SYNC_CALLBACK_METHODS = ["forEach", "map", "filter", "some", "every", "find", "findIndex",
  "reduce", "reduceRight", "sort", "replace"];

export const FOR_LET_CAPTURE = {
  id: "for-let-capture",
  observed: "`for (let i...)` shares one binding across iterations: closures all see the last value (3,3,3)",
  reason: "a closure captures the `for (let ...)` loop variable, which Espruino shares across iterations",
  instead: "create the closure in a helper function that takes the value as a parameter",
};

export const MISSING_GLOBAL = {
  id: "missing-global",
  observed: "not defined: ReferenceError",
  reason: "is not defined on Espruino",
};

export const MISSING_METHOD = {
  id: "missing-method",
  observed: "undefined: calling it throws, reading it gives undefined",
  reason: "is not defined on Espruino",
};

/**
 * Globals the interpreter and our firmware provide. A top-level declaration of the same
 * name in the bundle replaces them for everything that runs after it (measured: a
 * terser-mangled `function E(){}` at top level took the place of Espruino's E, and
 * E.getSizeOf was gone). rollup.config.js reserves these names from mangling.
 */
export const ESPRUINO_GLOBALS = ["E", "print", "require", "getTime", "setTimeout", "setInterval",
  "clearTimeout", "clearInterval", "changeInterval", "reset", "load", "save", "dump", "echo",
  "edit", "global", "process", "console", "Modules", "Serial1", "Serial2", "USB", "LoopbackA",
  "LoopbackB", "Telnet", "Pin", "LED1", "LED2", "BTN", "BTN1", "digitalRead", "digitalWrite",
  "analogRead", "setWatch", "clearWatch", "peek32", "poke32", "CAN1", "MeterADC", "LCD", "result",
  "Math", "JSON", "Date", "Object", "Array", "String", "Number", "Boolean", "Function", "Error",
  "Promise", "RegExp", "ArrayBuffer", "DataView", "Uint8Array", "Int8Array", "Uint16Array",
  "Int16Array", "Uint32Array", "Int32Array", "Float32Array", "Float64Array", "parseInt",
  "parseFloat", "isNaN", "isFinite", "eval", "btoa", "atob", "encodeURIComponent",
  "decodeURIComponent"];

export const SHADOWS_GLOBAL = {
  id: "shadows-global",
  observed: "a top-level declaration named like a built-in global replaces it for all code (E.getSizeOf lost after `function E(){}`)",
  reason: "a top-level declaration replaces Espruino's global of the same name",
  instead: "rename it (or keep it inside a function); the build reserves these names from mangling",
};

export const PARSE_ERROR = {
  id: "parse-error",
  observed: "-",
  reason: "the bundle does not parse as JavaScript",
};

/** One line per rule id: the reason the gate prints (for reports and docs). */
export function ruleSummaries() {
  const out = SYNTAX_RULES.map((r) => ({ id: r.id, reason: r.reason, observed: r.observed }));
  for (const r of [MISSING_GLOBAL, MISSING_METHOD, HOISTING, FOR_LET_CAPTURE, SHADOWS_GLOBAL, PARSE_ERROR]) {
    out.push({ id: r.id, reason: r.reason, observed: r.observed });
  }
  return out;
}
