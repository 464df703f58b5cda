/**
 * The JSON dialect of Storage.writeJSON/readJSON (src/jswrap_storage.c, jswrap_json.c):
 * writeJSON drops the quotes around keys that are identifiers or integers
 * (`{a:1,"b-c":2}`), writes typed arrays as arrays and skips functions and
 * undefined; readJSON parses that dialect (unquoted keys, 'single-quoted' strings).
 * Like Espruino's parser it accepts a trailing comma and ignores text after the value.
 * A parse error throws SyntaxError with Espruino's wording ("Got INT expected ':'",
 * "Expecting valid value, got EOF"), measured on the 2v29 interpreter.
 */
const ID = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const INT = /^(0|[1-9][0-9]*)$/;

export function stringifyDropQuotes(v: unknown): string | undefined {
  if (v === undefined || typeof v === "function") return undefined;
  if (v === null) return "null";
  if (typeof v === "number") return isFinite(v) ? String(v) : "null";
  if (typeof v === "boolean") return String(v);
  if (typeof v === "string") return JSON.stringify(v);
  const withToJSON = v as { toJSON?: () => unknown };
  if (typeof withToJSON.toJSON === "function") return stringifyDropQuotes(withToJSON.toJSON());
  if (Object.prototype.toString.call(v) === "[object ArrayBuffer]") return stringifyDropQuotes(new Uint8Array(v as ArrayBuffer));
  if (Array.isArray(v) || (ArrayBuffer.isView(v) && Object.prototype.toString.call(v) !== "[object DataView]")) {
    const items: string[] = [];
    const a = v as ArrayLike<unknown>;
    for (let i = 0; i < a.length; i++) items.push(stringifyDropQuotes(a[i]) ?? "null");
    return "[" + items.join(",") + "]";
  }
  const parts: string[] = [];
  for (const k of Object.keys(v as object)) {
    const s = stringifyDropQuotes((v as Record<string, unknown>)[k]);
    if (s === undefined) continue;
    parts.push((ID.test(k) || INT.test(k) ? k : JSON.stringify(k)) + ":" + s);
  }
  return "{" + parts.join(",") + "}";
}

/** Parses Espruino's liberal JSON; `makeError` builds the realm's SyntaxError. */
export function parseLiberal(text: string, makeError: (message: string) => Error): unknown {
  let i = 0;
  const ws = () => { while (i < text.length && /\s/.test(text[i])) i++; };
  // Espruino's lexer names for the token at i
  const describe = () => {
    ws();
    if (i >= text.length) return "EOF";
    const c = text[i];
    if (c === '"' || c === "'") return "STRING";
    if (/[0-9]/.test(c)) return /^[0-9]+(?![.eE0-9])/.test(text.slice(i)) ? "INT" : "FLOAT";
    if (/[A-Za-z_$]/.test(c)) return "ID";
    return "'" + c + "'";
  };
  const fail = (expected: string): never => { throw makeError("Got " + describe() + " expected " + expected); };
  const noValue = (): never => { throw makeError("Expecting valid value, got " + describe()); };
  const expect = (ch: string) => { ws(); if (text[i] !== ch) fail("'" + ch + "'"); i++; };

  function str(): string {
    const q = text[i++];
    let out = "";
    while (i < text.length && text[i] !== q) {
      if (text[i] === "\\") {
        const e = text[i + 1];
        const map: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f", "0": "\0" };
        if (e === "u") { out += String.fromCharCode(parseInt(text.substr(i + 2, 4), 16)); i += 6; continue; }
        if (e === "x") { out += String.fromCharCode(parseInt(text.substr(i + 2, 2), 16)); i += 4; continue; }
        out += map[e] ?? e;
        i += 2;
        continue;
      }
      out += text[i++];
    }
    if (i >= text.length) noValue();
    i++;
    return out;
  }

  function word(): string {
    const m = /^[A-Za-z0-9_$.+-]+/.exec(text.slice(i));
    if (!m) return noValue();
    i += m[0].length;
    return m[0];
  }

  function value(): unknown {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const o: Record<string, unknown> = {};
      ws();
      if (text[i] === "}") { i++; return o; }
      for (;;) {
        ws();
        if (text[i] === "}") { i++; return o; } // trailing comma
        const key = text[i] === '"' || text[i] === "'" ? str() : word();
        expect(":");
        o[key] = value();
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] !== "}") fail("','");
        i++;
        return o;
      }
    }
    if (c === "[") {
      i++;
      const a: unknown[] = [];
      ws();
      if (text[i] === "]") { i++; return a; }
      for (;;) {
        ws();
        if (text[i] === "]") { i++; return a; } // trailing comma
        a.push(value());
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] !== "]") fail("','");
        i++;
        return a;
      }
    }
    if (c === '"' || c === "'") return str();
    if (c === undefined) return noValue();
    if (!/[A-Za-z0-9_$.+-]/.test(c)) return noValue();
    const w = word();
    if (w === "true") return true;
    if (w === "false") return false;
    if (w === "null") return null;
    const n = Number(w);
    if (w !== "" && !isNaN(n)) return n;
    i -= w.length;
    return noValue();
  }

  return value();
}
