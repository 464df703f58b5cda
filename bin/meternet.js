#!/usr/bin/env node
// The `meternet` command: host tools written in TypeScript, run through tsx.
// tsx is resolved from this file's package, not from the caller's working directory,
// so the command runs from any folder (`npm install -g .`, `npx meternet`, or
// `node <project>/bin/meternet.js` elsewhere): `--import tsx` alone would look for tsx
// under the current directory and stop with ERR_MODULE_NOT_FOUND.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../host/cli/main.ts", import.meta.url));
let tsx;
try {
  tsx = import.meta.resolve("tsx");
} catch {
  console.error(`meternet: tsx is not installed beside ${fileURLToPath(new URL("..", import.meta.url))}; run npm install there`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ["--import", tsx, main, ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(r.status ?? 1);
