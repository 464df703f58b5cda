/**
 * The `=value` text Espruino's REPL prints after a line: jsfGetJSONWithCallback in
 * src/jswrap_json.c with JSON_LIMIT | JSON_SOME_NEWLINES | JSON_PRETTY |
 * JSON_SHOW_OBJECT_NAMES | JSON_DROP_QUOTES (jsiHandleNewLine, src/jsinteractive.c).
 * - arrays and typed arrays longer than 15 show their first and last 5 items around " ... ";
 *   strings longer than 60 their first and last 27 characters;
 * - a function prints as `function (a,b) { ... }`, a built-in one as
 *   `function () { [native code] }`;
 * - keys that are identifiers or integers lose their quotes;
 * - an item that is not a number, boolean, null or undefined starts a new indented line,
 *   as does every fifth key of an object;
 * - an instance of a named class prints "Name: " first, and a custom toString's result
 *   instead of its contents (new Error("x") gives "Error: Error: x").
 * All of the above measured on the 2v29 Linux interpreter (see console.test.ts).
 * Known difference: V8 orders integer keys first, Espruino keeps insertion order.
 */
import { formatEspruinoNumber } from "./espruinoNumber.ts";

const LIMIT_AMOUNT = 15;
const LIMITED_AMOUNT = 5;
const LIMIT_STRING_AMOUNT = 60;
const LIMITED_STRING_AMOUNT = 27;
const ITEMS_ON_LINE_OBJECT = 4;
const LIMIT_TEXT = " ... ";
const INDENT = "  ";

function tagOf(v: unknown): string {
  return Object.prototype.toString.call(v);
}

/** escapeCharacter(ch, nextCh, jsonStyle=false) of src/jsutils.c. */
function escapeChar(ch: number, next: number): string {
  switch (ch) {
    case 10: return "\\n";
    case 9: return "\\t";
    case 8: return "\\b";
    case 11: return "\\v";
    case 12: return "\\f";
    case 13: return "\\r";
    case 92: return "\\\\";
    case 34: return "\\\"";
  }
  if (ch < 8 && (next < 48 || next > 55)) return "\\" + String(ch);
  if (ch < 32 || ch >= 127) {
    const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, "0");
    return ch > 255 ? "\\u" + hex(ch, 4) : "\\x" + hex(ch, 2);
  }
  return String.fromCharCode(ch);
}

/** "%q": a quoted, escaped string. */
export function quoteString(s: string): string {
  let out = "\"";
  for (let i = 0; i < s.length; i++) out += escapeChar(s.charCodeAt(i), i + 1 < s.length ? s.charCodeAt(i + 1) : 0);
  return out + "\"";
}

function needsNewLine(v: unknown): boolean {
  return !(v === undefined || v === null || typeof v === "number" || typeof v === "boolean");
}

function newLine(indent: number): string {
  return "\n" + INDENT.repeat(indent);
}

function isIdentifier(k: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k);
}

function isIntegerKey(k: string): boolean {
  return /^-?(0|[1-9][0-9]*)$/.test(k);
}

function formatKey(k: string): string {
  return isIntegerKey(k) || (k.length < 63 && isIdentifier(k)) ? k : quoteString(k);
}

function formatFunction(fn: (...a: unknown[]) => unknown): string {
  const src = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}$/.test(src)) return "function () { [native code] }";
  const m = /^[^(]*\(([^)]*)\)/.exec(src) || /^\s*([A-Za-z_$][\w$]*)\s*=>/.exec(src);
  const params = m ? m[1].split(",").map((p) => p.trim()).filter((p) => p).join(",") : "";
  return "function (" + params + ") {" + LIMIT_TEXT + "}";
}

function formatBuffer(v: ArrayBuffer | ArrayBufferView): string {
  const isBuffer = tagOf(v) === "[object ArrayBuffer]";
  const items = (isBuffer ? new Uint8Array(v as ArrayBuffer) : v) as unknown as ArrayLike<number>;
  const name = isBuffer ? "ArrayBuffer" : (v as { constructor: { name: string } }).constructor.name;
  let allZero = true;
  for (let i = 0; i < items.length; i++) if (items[i] !== 0) allZero = false;
  if (allZero) return "new " + name + "(" + items.length + ")";
  const limited = items.length > LIMIT_AMOUNT;
  let out = "new " + (isBuffer ? "Uint8Array" : name) + "([";
  for (let i = 0; i < items.length; i++) {
    if (limited && i >= LIMITED_AMOUNT && i < items.length - LIMITED_AMOUNT) continue;
    if (i > 0) out += ", ";
    if (limited && i === items.length - LIMITED_AMOUNT) out += LIMIT_TEXT;
    out += formatEspruinoNumber(Number(items[i]));
  }
  return out + "])" + (isBuffer ? ".buffer" : "");
}

/** Name of the constructor when it is not Object/Array (JSON_SHOW_OBJECT_NAMES). */
function constructorName(v: object): string {
  const proto = Object.getPrototypeOf(v);
  if (!proto || Object.getPrototypeOf(proto) === null) return "";
  const ctor = (proto as { constructor?: { name?: string } }).constructor;
  const name = ctor && typeof ctor === "function" ? ctor.name : "";
  return name === "Object" || name === "Array" ? "" : name || "";
}

function hasCustomToString(v: object): boolean {
  let owner: object | null = v;
  while (owner && !Object.prototype.hasOwnProperty.call(owner, "toString")) owner = Object.getPrototypeOf(owner);
  return owner !== null && Object.getPrototypeOf(owner) !== null;
}

function formatEntries(entries: Array<[string, unknown]>, indent: number, seen: Set<unknown>, first: boolean, out: { s: string }): boolean {
  let needNewLine = false;
  let sinceNewLine = 0;
  for (const [k, item] of entries) {
    sinceNewLine++;
    if (!first) out.s += ", ";
    const newNeeds = needsNewLine(item);
    if (sinceNewLine > ITEMS_ON_LINE_OBJECT) needNewLine = true;
    if (needNewLine || newNeeds) {
      out.s += newLine(indent + 1);
      needNewLine = false;
      sinceNewLine = 0;
    }
    out.s += formatKey(k) + ": ";
    first = false;
    out.s += formatReplValue(item, indent + 1, seen);
    needNewLine = newNeeds;
  }
  return needNewLine;
}

/** The text after `=` for a REPL result, at indent level `indent`. */
export function formatReplValue(v: unknown, indent = 0, seen: Set<unknown> = new Set()): string {
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (typeof v === "number") return formatEspruinoNumber(v);
  if (typeof v === "boolean") return String(v);
  if (typeof v === "string") {
    if (v.length > LIMIT_STRING_AMOUNT) {
      return quoteString(v.slice(0, LIMITED_STRING_AMOUNT)) + LIMIT_TEXT + quoteString(v.slice(v.length - LIMITED_STRING_AMOUNT));
    }
    return quoteString(v);
  }
  if (typeof v === "function") return formatFunction(v as (...a: unknown[]) => unknown);
  if (typeof v !== "object") return String(v);
  if (seen.has(v)) return LIMIT_TEXT;
  if (tagOf(v) === "[object ArrayBuffer]" || (ArrayBuffer.isView(v) && tagOf(v) !== "[object DataView]")) return formatBuffer(v as ArrayBuffer);
  seen.add(v);
  try {
    if (Array.isArray(v)) {
      const length = v.length;
      const limited = length > LIMIT_AMOUNT;
      const out = { s: "[ " };
      let needNewLine = false;
      let first = true;
      for (let i = 0; i < length; i++) {
        if (limited && i >= LIMITED_AMOUNT && i < length - LIMITED_AMOUNT) continue;
        if (!first) out.s += ", ";
        first = false;
        if (limited && i === length - LIMITED_AMOUNT) out.s += LIMIT_TEXT;
        const item = v[i];
        const newNeeds = needsNewLine(item);
        if (needNewLine || newNeeds) { out.s += newLine(indent + 1); needNewLine = false; }
        out.s += formatReplValue(item, indent + 1, seen);
        needNewLine = newNeeds;
      }
      const extra = Object.keys(v).filter((k) => !isIntegerKey(k)).map((k) => [k, (v as unknown as Record<string, unknown>)[k]] as [string, unknown]);
      if (formatEntries(extra, indent, seen, first, out)) needNewLine = true;
      if (needNewLine) out.s += newLine(indent);
      return out.s + " ]";
    }
    const name = constructorName(v);
    let prefix = name ? name + ": " : "";
    if (name && hasCustomToString(v)) return prefix + String(v);
    const out = { s: prefix + "{ " };
    prefix = "";
    const entries = Object.keys(v).map((k) => [k, (v as Record<string, unknown>)[k]] as [string, unknown]);
    const needNewLine = formatEntries(entries, indent, seen, true, out);
    if (needNewLine) out.s += newLine(indent);
    return out.s + " }";
  } finally {
    seen.delete(v);
  }
}
