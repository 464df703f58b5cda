/** Project settings the runtime reads from package.json ("meternet" section). */
import { readFileSync } from "node:fs";

export const ESPRUINO_VERSION = "2v29";
/** JsVars on the STM32F107 build (64 KB RAM, 13-byte vars beside the interpreter). */
export const DEFAULT_TOTAL_JSVARS = 3600;

/** Bytes of flash the board leaves for saved code and Storage files. */
export function savedCodeBytes(): number {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  const n = pkg.meternet && pkg.meternet.savedCodeBytes;
  if (typeof n !== "number" || n <= 0) throw new Error("package.json meternet.savedCodeBytes must be a positive number");
  return n;
}
