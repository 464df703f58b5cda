/**
 * Loads build/Release/<name>.node once (built by `npm install` from binding.gyp), with
 * an error that says how to build it. One loader for every typed wrapper in host/native.
 */
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const loaded: { [name: string]: unknown } = {};

export function loadAddon<T>(name: "meterKernel" | "meterSecoc" | "meterOta", what: string, hint = ""): T {
  if (loaded[name]) return loaded[name] as T;
  const path = fileURLToPath(new URL(`../../build/Release/${name}.node`, import.meta.url));
  if (!existsSync(path)) throw new Error(`${what} addon not built (${path} missing): ${hint}run \`npm install\` in the repository root`);
  loaded[name] = createRequire(import.meta.url)(path);
  return loaded[name] as T;
}
