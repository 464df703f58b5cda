// Child enumeration for ESTree nodes, shared by the gate's checks. Acorn's newest node
// types are covered by eslint-visitor-keys; anything unknown falls back to its own
// object-valued fields so that no subtree is silently skipped.
import { KEYS } from "eslint-visitor-keys";

/** @param {any} node @returns {readonly string[]} */
export function childKeys(node) {
  const keys = KEYS[node.type];
  if (keys) return keys;
  return Object.keys(node).filter((k) => k !== "loc" && k !== "range" && node[k] !== null && typeof node[k] === "object");
}

/** Visits every node once, parent first; `enter(node, parent)`. @param {any} root */
export function eachNode(root, enter) {
  const stack = [root, null];
  while (stack.length > 0) {
    const parent = stack.pop();
    const node = stack.pop();
    enter(node, parent);
    const keys = childKeys(node);
    for (let k = keys.length - 1; k >= 0; k--) {
      const child = node[keys[k]];
      if (Array.isArray(child)) {
        for (let i = child.length - 1; i >= 0; i--) if (child[i] && typeof child[i].type === "string") stack.push(child[i], node);
      } else if (child && typeof child.type === "string") {
        stack.push(child, node);
      }
    }
  }
}

/** Name of a non-computed (or string-literal computed) member or key. @returns {string | undefined} */
export function memberName(node) {
  const prop = node.type === "MemberExpression" ? node.property : node.key;
  if (!node.computed && prop && prop.type === "Identifier") return prop.name;
  if (prop && prop.type === "Literal" && typeof prop.value === "string") return prop.value;
  return undefined;
}
