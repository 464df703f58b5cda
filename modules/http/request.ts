/** Pieces of a request: header lookup, query decoding, cookies, path checks, strict fields. */
import { fail } from "./types";

/** Header by name, case-insensitively (Espruino keeps the client's spelling, Node lowercases). */
export function header(h: { [name: string]: string }, name: string): string {
  for (const k in h) if (k.toLowerCase() === name) return "" + h[k];
  return "";
}

/** "a=1&b=x+y" -> {a: "1", b: "x y"}; 400 on bad %-escapes, more than 24 fields or odd names. */
export function parseForm(s: string): { [k: string]: string } {
  const o: { [k: string]: string } = {};
  if (!s) return o;
  const parts = s.split("&");
  if (parts.length > 24) fail(400, "too many fields");
  for (let i = 0; i < parts.length; i++) {
    const eq = parts[i].indexOf("=");
    let k = eq < 0 ? parts[i] : parts[i].slice(0, eq);
    let v = eq < 0 ? "" : parts[i].slice(eq + 1);
    try {
      k = decodeURIComponent(k.replace(/\+/g, " "));
      v = decodeURIComponent(v.replace(/\+/g, " "));
    } catch (e) { fail(400, "bad %-escape in form"); }
    if (k === "__proto__" || k === "constructor" || k === "prototype") fail(400, "bad field name");
    o[k] = v;
  }
  return o;
}

export function cookie(h: { [name: string]: string }, name: string): string {
  const c = header(h, "cookie").split(";");
  for (let i = 0; i < c.length; i++) {
    const kv = c[i].trim();
    if (kv.startsWith(name + "=")) return kv.slice(name.length + 1);
  }
  return "";
}

/**
 * The decoded path of a request target, rejecting what could escape the route table:
 * "..", backslashes, NUL, "//" and anything outside [A-Za-z0-9._/-] after decoding.
 */
export function cleanPath(raw: string): string {
  let p = raw;
  try { p = decodeURIComponent(raw); } catch (e) { fail(400, "bad %-escape in path"); }
  if (p.indexOf("..") >= 0 || p.indexOf("//") >= 0) fail(400, "path traversal rejected");
  if (!/^[A-Za-z0-9._\/-]*$/.test(p)) fail(400, "bad character in path");
  return p;
}

/** True for "0".."9" repeated (at least once): no sign, space, dot, exponent or "0x". */
export function isDigits(s: string): boolean {
  if (!s) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * A whole-number field within [min, max], or 422 naming the field. A JSON number, or
 * text of decimal digits with an optional leading "-": "0x10", " 1e1 ", "1.0", "+3"
 * and "" are refused rather than read as JavaScript's Number() would.
 */
export function intField(o: { [k: string]: unknown }, k: string, min: number, max: number): number {
  let v = o[k];
  if (typeof v === "string") v = isDigits(v[0] === "-" ? v.slice(1) : v) ? +v : NaN;
  if (typeof v !== "number" || !(v >= min && v <= max) || Math.floor(v) !== v) fail(422, k + " must be a whole number in " + min + ".." + max, k);
  return v as number;
}

/** A local day "YYYY-MM-DD" that exists on the calendar (2026-02-31 is refused, not read as 3 March). */
export function dayField(o: { [k: string]: unknown }, k: string, parse: (s: string) => number, print: (day: number) => string): number {
  const s = o[k];
  const d = typeof s === "string" ? parse(s) : NaN;
  if (isNaN(d) || print(d) !== s) fail(422, k + " must be a date YYYY-MM-DD that exists", k);
  return d;
}

/** A JSON object body (400 when it is not JSON, 415 when not declared as JSON). */
export function jsonBody(headers: { [name: string]: string }, body: string): { [k: string]: unknown } {
  if (header(headers, "content-type").indexOf("application/json") !== 0) fail(415, "send application/json");
  let o: unknown;
  try { o = JSON.parse(body); } catch (e) { fail(400, "bad JSON"); }
  if (!o || typeof o !== "object" || Array.isArray(o)) fail(422, "JSON body must be an object");
  return o as { [k: string]: unknown };
}
