// `for (let i ...)` closures: Espruino keeps one binding for the whole loop, so a
// closure created in the loop and run after the iteration sees the value of the last
// iteration. Closures run at once (IIFEs, callbacks of forEach/map...) are harmless.
// Shared with the ESLint rule in eslint.config.js.
import { FOR_LET_CAPTURE, SYNC_CALLBACK_METHODS } from "./rules.js";
import { memberName } from "./treeWalk.js";

const FUNCTION_SCOPES = new Set(["function", "class-field-initializer", "class-static-block"]);
const SYNC_CALLBACKS = new Set(SYNC_CALLBACK_METHODS);

/** True when the function `fn` runs before the expression that creates it completes. */
function runsAtOnce(fn, parent) {
  if (!parent || parent.type !== "CallExpression") return false;
  if (parent.callee === fn) return true;
  return parent.callee.type === "MemberExpression" && SYNC_CALLBACKS.has(memberName(parent.callee)) &&
    parent.arguments.includes(fn);
}

/**
 * The references to `for (let ...)` head variables made from a closure that is created
 * inside that loop and may run after the iteration: one per (variable, closure).
 * @param {any} forNode a ForStatement
 * @param {(node: any) => any[]} declaredVariables scopeManager.getDeclaredVariables
 * @param {(node: any) => any} parentOf the parent of a node
 * @returns {{ node: any, rule: string, message: string }[]}
 */
export function capturedLoopLets(forNode, declaredVariables, parentOf) {
  const init = forNode.init;
  if (!init || init.type !== "VariableDeclaration" || init.kind !== "let") return [];
  const inLoop = (n) => n.range[0] > forNode.range[0] && n.range[1] <= forNode.range[1];
  const found = [];
  for (const declarator of init.declarations) {
    for (const variable of declaredVariables(declarator)) {
      const closures = new Set();
      for (const ref of variable.references) {
        let scope = ref.from;
        for (; scope && inLoop(scope.block); scope = scope.upper) {
          if (FUNCTION_SCOPES.has(scope.type) && !runsAtOnce(scope.block, parentOf(scope.block))) break;
        }
        if (!scope || !inLoop(scope.block) || closures.has(scope)) continue;
        closures.add(scope);
        found.push({ node: ref.identifier, rule: FOR_LET_CAPTURE.id,
          message: `\`${variable.name}\`: ${FOR_LET_CAPTURE.reason}; ${FOR_LET_CAPTURE.instead}` });
      }
    }
  }
  return found;
}
