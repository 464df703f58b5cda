// Espruino's pretokenised code storage: the form every bundle takes in Storage.
//
// tokenise(): the espruino CLI's own plugin (devDependency `espruino`,
// plugins/pretokenise.js, option PRETOKENISE=2: reserved words and operators one byte
// each, strings and integers raw with their length), run as is in a sandbox with the few
// CLI globals it reads. So what the build stores is what
// `espruino --config PRETOKENISE=2 --config SAVE_ON_SEND=1` stores (npm run upload uses
// exactly that for .bootcde).
//
// untokenise(): turns stored text back into JavaScript for the host runtime, which runs
// Node's engine. Its token table comes from the same plugin (its untokenise() of each
// single token byte), but the decoding follows the interpreter's lexer (src/jslex.c 2v29,
// jslGetNextToken), not the plugin's untokenise, which differs from the device in two ways:
//   - raw integers: the device reads LEX_RAW_INT8/16 as signed (int8_t, int16_t); the
//     plugin's untokenise prints them unsigned, so `x=-1` came back as `x=255`;
//   - it decodes token bytes inside string literals too, where the device takes them as
//     characters (a host-side "\xB0C" in a quoted string would become a keyword).
// Both would turn a correct stored bundle into a wrong host run, so the host decodes as
// the device lexes: quoted strings, template literals and comments are copied verbatim,
// token bytes (0x8A..0xD5) elsewhere are expanded.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import vm from "node:vm";

const require = createRequire(import.meta.url);

/** First token byte (src/jslex.h _LEX_OPERATOR1_START; the plugin's LEX_OPERATOR_START). */
export const LEX_OPERATOR_START = 0x8a;
const LEX_RAW_STRING8 = 0xd1;
const LEX_RAW_STRING16 = 0xd2;
const LEX_RAW_INT0 = 0xd3;
const LEX_RAW_INT8 = 0xd4;
const LEX_RAW_INT16 = 0xd5;

let plugin;
function cliPlugin() {
  if (!plugin) {
    const source = readFileSync(require.resolve("espruino/plugins/pretokenise.js"), "utf8");
    const Espruino = {
      Core: {
        Config: { add: () => undefined },
        Env: { getBoardData: () => ({ VERSION: "2v29" }) },
        Utils: {
          atob: (s) => Buffer.from(s, "base64").toString("latin1"),
          toJSONishString: (s) => JSON.stringify(s),
        },
      },
      Config: { PRETOKENISE: 2, SAVE_ON_SEND: 1 },
      addProcessor: () => undefined,
      Plugins: {},
    };
    vm.runInNewContext(source, { acorn: require("acorn"), Espruino, console });
    plugin = Espruino.Plugins.Pretokenise;
    if (!plugin || typeof plugin.tokenise !== "function") {
      throw new Error("espruino/plugins/pretokenise.js defined no Pretokenise plugin: is the espruino devDependency installed?");
    }
  }
  return plugin;
}

/** The stored form of `code` (a byte string: every char < 256), as the CLI's PRETOKENISE=2 makes it. */
export function tokenise(code) {
  const stored = cliPlugin().tokenise(code);
  for (let i = 0; i < stored.length; i++) {
    if (stored.charCodeAt(i) > 255) {
      throw new Error(`pretokenise: char U+${stored.charCodeAt(i).toString(16)} at ${i} of the stored form is not a byte (the bundle must be built ascii_only)`);
    }
  }
  return stored;
}

const tokenText = new Map();
/** Source text of one operator/keyword token byte, from the CLI plugin's table. */
function tokenString(byte) {
  let t = tokenText.get(byte);
  if (t === undefined) {
    t = byte < LEX_RAW_STRING8 && cliPlugin().isTokenised(String.fromCharCode(byte)) ? cliPlugin().untokenise(String.fromCharCode(byte)) : "";
    // 0xC8..0xD0 (padding and `??`, which the CLI never emits) are no token of the table
    if (t === "" || t.charCodeAt(0) >= LEX_OPERATOR_START) t = null;
    tokenText.set(byte, t);
  }
  return t;
}

/** True when `text` holds a token byte where the device's lexer would expand it. */
export function isPretokenised(text) {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= LEX_OPERATOR_START && c <= LEX_RAW_INT16) return untokenise(text) !== text;
  }
  return false;
}

const WORD = /[\w$]/;
/** Keywords after which "/" starts a regular expression (after other words it divides). */
const BEFORE_EXPRESSION = new Set(["return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "if", "while", "for", "yield", "await"]);
/** Kind of an emitted token: a word that "/" divides, a keyword "/" follows as a regex, or an operator. */
const wordKind = (t) => (!WORD.test(t[0]) ? "op" : BEFORE_EXPRESSION.has(t) ? "kw" : "word");

/**
 * JavaScript for stored text, decoded as the device lexes it (see the file comment).
 * Text without token bytes comes back unchanged.
 */
export function untokenise(text) {
  let fast = true;
  for (let i = 0; i < text.length && fast; i++) { const c = text.charCodeAt(i); if (c >= LEX_OPERATOR_START && c <= LEX_RAW_INT16) fast = false; }
  if (fast) return text;
  let out = "";
  // what the last emitted token was: "word" (identifier, number, this/true/...: a "/"
  // after it divides), "kw" (return, typeof...: a "/" after it starts a regex), "num" (a
  // raw integer: a following "." must not join it), "close" (")", "]", "}", string, regex), "op"
  let last = "op";
  const emit = (s, kind) => {
    const end = out[out.length - 1];
    if (end !== undefined && WORD.test(end) && WORD.test(s[0])) out += " ";
    // a negative raw integer (the CLI folds "-" into it only after , ( : ? =) never meets another sign
    else if ((s[0] === "-" || s[0] === "+") && (end === "-" || end === "+")) out += " ";
    else if (last === "num" && s[0] === ".") out += " ";
    out += s;
    last = kind;
  };
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    const ch = text[i];
    if (c >= LEX_OPERATOR_START && c <= LEX_RAW_INT16) {
      if (c === LEX_RAW_STRING8 || c === LEX_RAW_STRING16) {
        const len = c === LEX_RAW_STRING8 ? text.charCodeAt(i + 1) : text.charCodeAt(i + 1) | (text.charCodeAt(i + 2) << 8);
        const start = i + (c === LEX_RAW_STRING8 ? 2 : 3);
        if (start + len > n) throw new Error(`untokenise: raw string at ${i} runs past the end (${len} bytes)`);
        emit(JSON.stringify(text.slice(start, start + len)), "close");
        i = start + len;
      } else if (c === LEX_RAW_INT0) {
        emit("0", "num"); i += 1;
      } else if (c === LEX_RAW_INT8) {
        const v = (text.charCodeAt(i + 1) << 24) >> 24; // int8_t, as jslGetNextToken reads it
        emit(String(v), "num"); i += 2;
      } else if (c === LEX_RAW_INT16) {
        const v = ((text.charCodeAt(i + 1) | (text.charCodeAt(i + 2) << 8)) << 16) >> 16; // int16_t
        emit(String(v), "num"); i += 3;
      } else {
        const t = tokenString(c);
        if (t === null) throw new Error(`untokenise: byte 0x${c.toString(16)} at ${i} is no token Espruino 2v29 stores`);
        emit(t, wordKind(t));
        i += 1;
      }
      continue;
    }
    if (ch === '"' || ch === "'" || ch === "`") {
      let j = i + 1;
      while (j < n && text[j] !== ch) j += text[j] === "\\" ? 2 : 1;
      emit(text.slice(i, j + 1), "close");
      i = j + 1;
      continue;
    }
    if (ch === "/" && (text[i + 1] === "/" || text[i + 1] === "*")) {
      const end = text[i + 1] === "/" ? text.indexOf("\n", i) : text.indexOf("*/", i + 2) + 2;
      const j = end < (text[i + 1] === "/" ? 0 : 2) ? n : end;
      out += text.slice(i, j);
      i = j;
      continue;
    }
    if (ch === "/" && last !== "word" && last !== "num" && last !== "close") {
      // a regular expression (the device decides by the previous token the same way)
      let j = i + 1;
      let inClass = false;
      while (j < n && (inClass || text[j] !== "/")) {
        if (text[j] === "\\") j++;
        else if (text[j] === "[") inClass = true;
        else if (text[j] === "]") inClass = false;
        j++;
      }
      j++;
      while (j < n && /[a-z]/.test(text[j])) j++;
      emit(text.slice(i, j), "close");
      i = j;
      continue;
    }
    if (WORD.test(ch)) {
      let j = i + 1;
      while (j < n && WORD.test(text[j])) j++;
      // a number's fraction or exponent stays with it (1.5, 2e-3)
      if (/[0-9]/.test(ch)) {
        const m = /^(?:0[xXbBoO][0-9a-fA-F]+|\d*\.?\d*(?:[eE][+-]?\d+)?)/.exec(text.slice(i));
        if (m && m[0].length > j - i) j = i + m[0].length;
      }
      emit(text.slice(i, j), /[0-9]/.test(ch) ? "word" : wordKind(text.slice(i, j)));
      i = j;
      continue;
    }
    if (/\s/.test(ch)) { out += ch; i++; continue; }
    emit(ch, ch === ")" || ch === "]" || ch === "}" ? "close" : "op");
    i++;
  }
  return out;
}

/** acorn's tokens of `code`: [type, value] with numbers, strings and regexes by value. */
function tokensOf(code) {
  const acorn = require("acorn");
  const r = [];
  for (const t of acorn.tokenizer(code, { ecmaVersion: 2020 })) {
    const v = t.type.label === "regexp" ? String(t.value.value) : t.value === undefined ? code.slice(t.start, t.end) : t.value;
    r.push([t.type.label, v, t.start]);
  }
  return r;
}

/**
 * Checks that the stored form runs as the plain code: untokenised, it has the same
 * tokens (strings and numbers by value). Returns the first difference as text, or null.
 * A template literal is refused outright: the gate keeps them out of bundles, and the
 * CLI stores one without ${} as a plain string (the device's template support is off
 * in our images).
 */
export function storedFormDifference(plain, stored) {
  const a = tokensOf(plain);
  const back = untokenise(stored);
  const b = tokensOf(back);
  for (let k = 0; k < Math.max(a.length, b.length); k++) {
    const x = a[k], y = b[k];
    if (x && x[0] === "`") return `a template literal at ${x[2]}: not stored (the gate keeps them out)`;
    if (!x || !y || x[0] !== y[0] || !Object.is(x[1], y[1])) {
      const at = (t, code) => (t ? JSON.stringify(code.slice(Math.max(0, t[2] - 30), t[2] + 30)) : "the end");
      return `token ${k}: plain ${x ? x[0] + " " + JSON.stringify(x[1]) : "end"} near ${at(x, plain)}, stored ${y ? y[0] + " " + JSON.stringify(y[1]) : "end"} near ${at(y, back)}`;
    }
  }
  return null;
}

/** Bytes Storage holds for stored text (one per char: tokenise() emits bytes only). */
export function storedByteLength(stored) {
  return stored.length;
}
