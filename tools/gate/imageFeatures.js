// The gate's view of the firmware images: what each image compiles out of Espruino
// (tools/firmware/imageFeatures.ts, the one table) and where a bundle uses it.
// The table is TypeScript; the gate also runs under plain Node (rollup, checkBuild.js),
// so it is loaded through tsx's CommonJS require, which compiles it in this thread
// (no loader hooks, so terser's worker threads are not affected).
import esquery from "esquery";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { KEYS } from "eslint-visitor-keys";
import { childKeys, memberName } from "./treeWalk.js";

const require = createRequire(import.meta.url);
const TABLE_PATH = fileURLToPath(new URL("../firmware/imageFeatures.ts", import.meta.url));
const ESQUERY_OPTIONS = { visitorKeys: KEYS, fallback: childKeys };

export const SWITCHED_OFF = {
  id: "switched-off",
  reason: "compiled out of the firmware image",
};

let table;
/** @returns {typeof import("../firmware/imageFeatures.ts")} */
export function imageTable() {
  if (!table) table = require("tsx/cjs/api").require(TABLE_PATH, import.meta.url);
  return table;
}

let flashMap;
/** Firmware images a role's bundle runs on (tools/firmware/flashMap.ts). @param {string} role @returns {string[]} */
export function imagesOfRole(role) {
  if (!flashMap) flashMap = require("tsx/cjs/api").require(fileURLToPath(new URL("../firmware/flashMap.ts", import.meta.url)), import.meta.url);
  return flashMap.imagesOfRole(role);
}

/**
 * @param {any} ast acorn Program
 * @param {import("eslint-scope").ScopeManager} scopeManager
 * @param {Map<any, any>} parents node -> parent
 * @param {string[]} images image names the bundle must run on
 * @returns {{ node: any, rule: string, message: string }[]}
 */
export function findSwitchedOff(ast, scopeManager, parents, images) {
  const t = imageTable();
  /** rejects with the images and switch that cause them */
  const active = [];
  for (const image of images) {
    if (!Object.prototype.hasOwnProperty.call(t.IMAGE_SWITCHES, image)) throw new Error(`gate: unknown image ${image} (tools/firmware/imageFeatures.ts)`);
    for (const sw of t.switchesOf(image)) for (const r of sw.rejects) active.push({ image, sw, r });
  }
  const found = [];
  const say = (node, what, image, sw) => found.push({ node, rule: SWITCHED_OFF.id,
    message: `${what} is ${SWITCHED_OFF.reason} ${image} by ${sw.id} (${sw.removes}): do without it, or change the image's switches in tools/firmware/imageFeatures.ts` });
  for (const { image, sw, r } of active) {
    if (r.kind === "syntax") {
      for (const node of esquery.query(ast, r.selectors.join(", "), ESQUERY_OPTIONS)) say(node, r.what, image, sw);
    }
  }
  const globals = active.filter((a) => a.r.kind === "global");
  const members = active.filter((a) => a.r.kind === "member");
  for (const ref of scopeManager.globalScope.through) {
    const id = ref.identifier;
    const parent = parents.get(id);
    if (parent && parent.type === "UnaryExpression" && parent.operator === "typeof") continue;
    for (const { image, sw, r } of globals) if (r.names.includes(id.name)) say(id, id.name, image, sw);
    if (parent && parent.type === "MemberExpression" && parent.object === id) {
      const name = memberName(parent);
      for (const { image, sw, r } of members) {
        if (r.object === id.name && name !== undefined && r.names.includes(name)) say(parent.property, `${id.name}.${name}`, image, sw);
      }
    }
  }
  return found;
}
