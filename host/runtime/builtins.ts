/**
 * Removes from the vm context what Espruino 2v29 does not have (measured on the
 * real interpreter, ../shared/notes/espruino.md), so a bundle that slipped past the
 * compatibility gate fails on the host as it would on the device:
 * "Map is not defined" instead of silently working.
 * Not emulated: reads of built-in prototypes (`Array.prototype.slice` is undefined on
 * Espruino, but bundle code needs the prototypes to exist), hoisting, number format.
 */
import vm from "node:vm";

export const MISSING_GLOBALS = [
  "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "FinalizationRegistry", "Symbol", "Proxy", "Reflect",
  "TextDecoder", "TextEncoder", "BigInt", "SharedArrayBuffer", "Atomics",
];

export const MISSING_MEMBERS: Array<[string, string]> = [
  ["Array", "from"], ["Array", "of"], ["Array.prototype", "flat"], ["Array.prototype", "flatMap"],
  ["Object", "freeze"], ["Promise", "race"], ["Promise", "allSettled"], ["Promise", "any"],
  ["Promise.prototype", "finally"], ["Math", "fround"], ["Math", "trunc"], ["Math", "log10"],
  ["Math", "hypot"], ["Math", "cbrt"], ["Number", "isInteger"], ["Number", "EPSILON"],
  ["String.prototype", "substr"], ["String.prototype", "trimStart"], ["String.prototype", "codePointAt"],
  ["Number.prototype", "toPrecision"], ["ArrayBuffer.prototype", "slice"],
];

export function removeMissingBuiltins(context: vm.Context): void {
  const pairs = MISSING_MEMBERS.map(([owner, name]) => "delete " + owner + "." + name + ";").join("\n");
  const globals = MISSING_GLOBALS.map((g) => "delete globalThis." + g + ";").join("\n");
  vm.runInContext(pairs + "\n" + globals, context);
}
