// `for (let i ...)` closures: Espruino keeps one binding for the whole loop, so a
// closure created in the loop sees the value of the last iteration. Shared with the
// ESLint rule in eslint.config.js (same scope-manager data there).
import { FOR_LET_CAPTURE } from "./rules.js";

const FUNCTION_SCOPES = new Set(["function", "class-field-initializer", "class-static-block"]);

/**
 * The references to `for (let ...)` head variables made from inside a function that is
 * itself inside that loop: one per (variable, closure).
 * @param {any} forNode a ForStatement
 * @param {(node: any) => any[]} declaredVariables scopeManager.getDeclaredVariables
 * @returns {{ node: any, rule: string, message: string }[]}
 */
export function capturedLoopLets(forNode, declaredVariables) {
  const init = forNode.init;
  if (!init || init.type !== "VariableDeclaration" || init.kind !== "let") return [];
  const found = [];
  for (const declarator of init.declarations) {
    for (const variable of declaredVariables(declarator)) {
      const closures = new Set();
      for (const ref of variable.references) {
        let scope = ref.from;
        while (scope && !FUNCTION_SCOPES.has(scope.type)) scope = scope.upper;
        if (!scope || closures.has(scope)) continue;
        const block = scope.block;
        if (block.range[0] > forNode.range[0] && block.range[1] <= forNode.range[1]) {
          closures.add(scope);
          found.push({ node: ref.identifier, rule: FOR_LET_CAPTURE.id,
            message: `\`${variable.name}\`: ${FOR_LET_CAPTURE.reason}; ${FOR_LET_CAPTURE.instead}` });
        }
      }
    }
  }
  return found;
}
