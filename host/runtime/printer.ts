/**
 * Espruino's print()/console.log() formatting (jswrap_print in src/jswrap_functions.c
 * and jsfGetJSONWithCallback in src/jswrap_json.c, flags PRETTY | SOME_NEWLINES):
 * arguments are joined by one space and end with a newline; a string prints as is;
 * anything else prints as Espruino's pretty JSON, where an item that is not a number,
 * boolean, null or undefined starts a new indented line, as does every fifth item of
 * an object; e.g. print({a:1,b:[1,2]}) gives '{ "a": 1, \n  "b": [ 1, 2 ]\n }'.
 * Typed arrays print as `new Uint8Array([1, 2])` (`new Uint8Array(2)` when all zero),
 * an instance of a class is prefixed by the class name ("Foo: { ... }") and an Error
 * prints as "Error: Error: message", as on Espruino.
 * Not emulated: Espruino's float formatting (about 12 significant digits).
 */
const ITEMS_ON_LINE = 4;
const INDENT = "  ";

function isNumericLike(v: unknown): boolean {
  return v === undefined || v === null || typeof v === "number" || typeof v === "boolean";
}

function tagOf(v: unknown): string {
  return Object.prototype.toString.call(v);
}

/** True when toString comes from somewhere other than the root Object.prototype. */
function hasOwnToString(v: object): boolean {
  let owner: object | null = v;
  while (owner && !Object.prototype.hasOwnProperty.call(owner, "toString")) owner = Object.getPrototypeOf(owner);
  return owner !== null && Object.getPrototypeOf(owner) !== null;
}

function newLine(level: number): string {
  return "\n" + INDENT.repeat(level);
}

function formatBuffer(v: ArrayBufferView | ArrayBuffer): string {
  const isBuffer = tagOf(v) === "[object ArrayBuffer]";
  const items = isBuffer ? new Uint8Array(v as ArrayBuffer) : (v as unknown as ArrayLike<number>);
  const name = isBuffer ? "ArrayBuffer" : (v as { constructor: { name: string } }).constructor.name;
  let allZero = true;
  for (let i = 0; i < items.length; i++) if (items[i] !== 0) allZero = false;
  if (allZero) return "new " + name + "(" + items.length + ")";
  const parts: string[] = [];
  for (let i = 0; i < items.length; i++) parts.push(String(items[i]));
  return "new " + (isBuffer ? "Uint8Array" : name) + "([" + parts.join(", ") + "])" + (isBuffer ? ".buffer" : "");
}

/** One value as Espruino's pretty JSON at indent `level`. */
export function formatValue(v: unknown, level = 0, seen: Set<unknown> = new Set()): string {
  if (v === undefined) return "undefined";
  if (v === null || typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "function") return "function " + (v.name || "") + "() {...}";
  if (seen.has(v)) return " ... ";
  if (tagOf(v) === "[object ArrayBuffer]" || (ArrayBuffer.isView(v) && tagOf(v) !== "[object DataView]")) {
    return formatBuffer(v as ArrayBuffer);
  }
  // Espruino prefixes an instance with its constructor's name and prints a custom
  // toString's result instead of the contents: print(new Error("x")) gives "Error: Error: x".
  const ctor = (v as { constructor?: { name?: string } }).constructor;
  const ctorName = ctor && typeof ctor === "function" && ctor.name && ctor.name !== "Object" && ctor.name !== "Array" ? ctor.name : "";
  const prefix = ctorName ? ctorName + ": " : "";
  if (prefix && hasOwnToString(v)) return prefix + String(v);
  if (prefix) return prefix + formatValue(Object.assign({}, v), level, seen);
  seen.add(v);
  try {
    const isArray = Array.isArray(v);
    const entries: Array<[string, unknown]> = isArray
      ? Array.from(v as unknown[], (x, i) => [String(i), x] as [string, unknown])
      : Object.keys(v as object).map((k) => [k, (v as Record<string, unknown>)[k]] as [string, unknown]);
    let out = isArray ? "[ " : "{ ";
    let needNewLine = false;
    let sinceNewLine = 0;
    entries.forEach(([k, item], i) => {
      sinceNewLine++;
      if (i > 0) out += ", ";
      const itemNeedsNewLine = !isNumericLike(item);
      if (!isArray && sinceNewLine > ITEMS_ON_LINE) needNewLine = true;
      if (needNewLine || itemNeedsNewLine) {
        out += newLine(level + 1);
        sinceNewLine = 0;
      }
      if (!isArray) out += JSON.stringify(k) + ": ";
      out += formatValue(item, level + 1, seen);
      needNewLine = itemNeedsNewLine;
    });
    if (needNewLine) out += newLine(level);
    return out + (isArray ? " ]" : " }");
  } finally {
    seen.delete(v);
  }
}

/** The text print(...args) writes, newline included. */
export function formatPrint(args: unknown[]): string {
  return args.map((a) => (typeof a === "string" ? a : formatValue(a, 0))).join(" ") + "\n";
}

/** How Espruino reports an uncaught exception ("Uncaught Error: message"). */
export function formatUncaught(e: unknown): string {
  if (tagOf(e) === "[object Error]") return "Uncaught " + String(e) + "\n";
  return "Uncaught " + (typeof e === "string" ? e : formatValue(e, 0)) + "\n";
}
