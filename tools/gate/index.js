/**
 * The Espruino compatibility gate: checks an emitted bundle against the rules of
 * tools/gate/rules.js and returns one offence per use, with file, line, column and a
 * one-line reason. tools/build/reportPlugin.js runs it on every bundle and fails the
 * build when anything is returned.
 *
 * The bundle is parsed with acorn at the newest ECMAScript version, so that syntax
 * Espruino cannot parse still parses here and is reported by rule instead of crashing.
 *
 * @typedef {object} Offence
 * @property {string} file
 * @property {number} line    1-based
 * @property {number} column  1-based
 * @property {string} rule    rule id from rules.js
 * @property {string} message one line: what is wrong and what to write instead
 */
import * as acorn from "acorn";
import esquery from "esquery";
import { analyze } from "eslint-scope";
import { KEYS } from "eslint-visitor-keys";
import { SYNTAX_RULES, PARSE_ERROR, ESPRUINO_GLOBALS, SHADOWS_GLOBAL } from "./rules.js";
import { eachNode, childKeys } from "./treeWalk.js";
import { findMissingBuiltins } from "./builtinsCheck.js";
import { findHoistingOffences } from "./hoisting.js";
import { capturedLoopLets } from "./forLetCapture.js";
import { findSwitchedOff } from "./imageFeatures.js";

const ESQUERY_OPTIONS = { visitorKeys: KEYS, fallback: childKeys };
const COMPILED = SYNTAX_RULES.map((r) => ({ rule: r, selector: esquery.parse(r.selectors.join(", ")) }));
// One traversal for all rules (4x faster than one per rule), then sorted out per rule.
const ANY_SYNTAX_RULE = esquery.parse(SYNTAX_RULES.flatMap((r) => r.selectors).join(", "));

/** @param {string} code */
function parse(code) {
  /** @type {acorn.Options} */
  const base = { ecmaVersion: "latest", locations: true, ranges: true, allowHashBang: true };
  try {
    return acorn.parse(code, { ...base, sourceType: "script", allowReturnOutsideFunction: true });
  } catch (scriptError) {
    try {
      // import/export parse only as a module; they are then reported as module-syntax.
      return acorn.parse(code, { ...base, sourceType: "module", allowAwaitOutsideFunction: true });
    } catch {
      throw scriptError;
    }
  }
}

/**
 * @param {string} code the bundle's text
 * @param {string} fileName printed in each offence
 * @param {{ images?: string[] }} [options] firmware images the bundle runs on: what their
 *   switches compile out of Espruino is rejected too (tools/firmware/imageFeatures.ts)
 * @returns {Offence[]} sorted by position; empty when the bundle passes
 */
export function checkBundle(code, fileName, options = {}) {
  /** @type {Offence[]} */
  const out = [];
  let ast;
  try {
    ast = parse(code);
  } catch (e) {
    const loc = e.loc || { line: 1, column: 0 };
    return [{ file: fileName, line: loc.line, column: loc.column + 1, rule: PARSE_ERROR.id,
      message: `${PARSE_ERROR.reason}: ${String(e.message).replace(/\s*\(\d+:\d+\)$/, "")}` }];
  }
  const add = (node, rule, message) => {
    out.push({ file: fileName, line: node.loc.start.line, column: node.loc.start.column + 1, rule, message });
  };

  esquery.traverse(ast, ANY_SYNTAX_RULE, (node, parent, ancestry) => {
    for (const { rule, selector } of COMPILED) {
      if (esquery.matches(node, selector, ancestry, ESQUERY_OPTIONS)) add(node, rule.id, `${rule.reason}: ${rule.instead}`);
    }
  }, ESQUERY_OPTIONS);

  const scopeManager = analyze(ast, { ecmaVersion: 2022, sourceType: "module", childVisitorKeys: KEYS, fallback: childKeys });
  const parents = new Map();
  const members = [];
  const functions = [];
  const loops = [];
  eachNode(ast, (node, parent) => {
    parents.set(node, parent);
    if (node.type === "MemberExpression") members.push(node);
    else if (node.type === "FunctionDeclaration" || node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression") functions.push(node);
    else if (node.type === "ForStatement") loops.push(node);
  });
  const more = [
    ...findMissingBuiltins(scopeManager, parents, members),
    ...findHoistingOffences(ast, scopeManager, functions, parents),
    ...loops.flatMap((f) => capturedLoopLets(f, (n) => scopeManager.getDeclaredVariables(n), (n) => parents.get(n))),
    ...(options.images && options.images.length ? findSwitchedOff(ast, scopeManager, parents, options.images) : []),
  ];
  for (const o of more) add(o.node, o.rule, o.message);

  // Top-level declarations live in the program's scope (module scope as analysed here).
  const top = scopeManager.scopes.find((s) => s.type === "module") || scopeManager.globalScope;
  const reserved = new Set(ESPRUINO_GLOBALS);
  for (const v of top.variables) {
    if (reserved.has(v.name) && v.defs.length > 0) add(v.defs[0].name, SHADOWS_GLOBAL.id, `'${v.name}': ${SHADOWS_GLOBAL.reason}: ${SHADOWS_GLOBAL.instead}`);
  }

  const seen = new Set();
  return out
    .filter((o) => {
      const key = `${o.line}:${o.column}:${o.rule}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : 1));
}

/** @param {Offence} o @returns {string} "file:line:col: rule: message" */
export function formatOffence(o) {
  return `${o.file}:${o.line}:${o.column}: ${o.rule}: ${o.message}`;
}
