// Globals and methods that Espruino 2v29 lacks (lists in rules.js). A global counts
// only when the bundle does not declare a binding of that name itself; `typeof X` is
// allowed because it does not throw on an undefined global.
import { MISSING_GLOBALS, MISSING_STATICS, MISSING_METHODS, MISSING_GLOBAL, MISSING_METHOD } from "./rules.js";
import { memberName } from "./treeWalk.js";

/**
 * @param {import("eslint-scope").ScopeManager} scopeManager
 * @param {Map<any, any>} parents node -> parent
 * @param {any[]} members every MemberExpression of the bundle
 * @returns {{ node: any, rule: string, message: string }[]}
 */
export function findMissingBuiltins(scopeManager, parents, members) {
  const found = [];
  const staticSeen = new Set();
  for (const ref of scopeManager.globalScope.through) {
    const id = ref.identifier;
    const parent = parents.get(id);
    if (parent && parent.type === "UnaryExpression" && parent.operator === "typeof") continue;
    if (Object.prototype.hasOwnProperty.call(MISSING_GLOBALS, id.name)) {
      found.push({ node: id, rule: MISSING_GLOBAL.id,
        message: `${id.name} ${MISSING_GLOBAL.reason}: ${MISSING_GLOBALS[id.name]}` });
      continue;
    }
    const statics = Object.prototype.hasOwnProperty.call(MISSING_STATICS, id.name) ? MISSING_STATICS[id.name] : null;
    if (statics && parent && parent.type === "MemberExpression" && parent.object === id) {
      const name = memberName(parent);
      if (name !== undefined && Object.prototype.hasOwnProperty.call(statics, name)) {
        staticSeen.add(parent);
        found.push({ node: parent.property, rule: MISSING_METHOD.id,
          message: `${id.name}.${name} ${MISSING_METHOD.reason}: ${statics[name]}` });
      }
    }
  }
  for (const m of members) {
    if (staticSeen.has(m)) continue;
    const name = memberName(m);
    if (name !== undefined && Object.prototype.hasOwnProperty.call(MISSING_METHODS, name)) {
      found.push({ node: m.property, rule: MISSING_METHOD.id,
        message: `.${name}() ${MISSING_METHOD.reason}: ${MISSING_METHODS[name]}` });
    }
  }
  return found;
}
