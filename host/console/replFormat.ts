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
 * - Date, RegExp, DataView and Promise print as Espruino shows them ("Date: Thu Jan 1
 *   1970 00:00:00 GMT+0000", "RegExp: { source, flags, lastIndex }", "Promise: { state: n }").
 * All of the above measured on the 2v29 Linux interpreter (see console.test.ts).
 * Known difference: V8 orders integer keys first, Espruino keeps insertion order.
 */
import { inspect } from "node:util";
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
  // no code stored for an empty body: "{}" instead of "{ ... }"
  const empty = /\{\s*\}$/.test(src) && !/^class\b/.test(src);
  return "function (" + params + ") " + (empty ? "{}" : "{" + LIMIT_TEXT + "}");
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Date.prototype.toString as Espruino writes it: "Thu Jan 1 1970 00:00:00 GMT+0000". */
function espruinoDate(d: Date): string {
  if (isNaN(d.getTime())) return "Invalid Date";
  const two = (n: number) => String(n).padStart(2, "0");
  const off = -d.getTimezoneOffset();
  const tz = (off < 0 ? "-" : "+") + two(Math.floor(Math.abs(off) / 60)) + two(Math.abs(off) % 60);
  return DAYS[d.getDay()] + " " + MONTHS[d.getMonth()] + " " + d.getDate() + " " + d.getFullYear() + " " +
    two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds()) + " GMT" + tz;
}

/** Espruino's internal promise state: 0 pending, 1 rejected, 2 resolved. */
function promiseState(p: Promise<unknown>): number {
  const text = inspect(p, { depth: 0 });
  if (text.includes("<pending>")) return 0;
  return text.includes("<rejected>") ? 1 : 2;
}

/** Built-in objects Espruino shows by their internal fields (measured). */
function builtinFields(v: object): Array<[string, unknown]> | undefined {
  const tag = tagOf(v);
  if (tag === "[object RegExp]") {
    const r = v as RegExp;
    return [["source", r.source], ["flags", r.flags], ["lastIndex", r.lastIndex]];
  }
  if (tag === "[object DataView]") {
    const d = v as DataView;
    return [["buffer", d.buffer], ["byteOffset", d.byteOffset], ["byteLength", d.byteLength]];
  }
  if (tag === "[object Promise]") return [["state", promiseState(v as Promise<unknown>)]];
  return undefined;
}

/** Own enumerable keys without getters/setters (hidden, as jsvIsGetterOrSetter). */
function plainEntries(v: object): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const k of Object.keys(v)) {
    const d = Object.getOwnPropertyDescriptor(v, k);
    if (d && (d.get || d.set)) continue;
    out.push([k, (v as Record<string, unknown>)[k]]);
  }
  return out;
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
      const extra = plainEntries(v).filter(([k]) => !isIntegerKey(k));
      if (formatEntries(extra, indent, seen, first, out)) needNewLine = true;
      if (needNewLine) out.s += newLine(indent);
      return out.s + " ]";
    }
    const name = constructorName(v);
    const prefix = name ? name + ": " : "";
    if (tagOf(v) === "[object Date]") return prefix + espruinoDate(v as Date);
    const builtin = builtinFields(v);
    if (name && !builtin && hasCustomToString(v)) return prefix + String(v);
    const out = { s: prefix + "{ " };
    const entries = builtin || plainEntries(v);
    const needNewLine = formatEntries(entries, indent, seen, true, out);
    if (needNewLine) out.s += newLine(indent);
    return out.s + " }";
  } finally {
    seen.delete(v);
  }
}
