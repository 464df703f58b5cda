import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** A CLI command's usage text: the first /** comment of its own file (moduleUrl), so the help and the source say one thing. */
export function docUsage(moduleUrl: string, fallback: string): string {
  const m = /\/\*\*([\s\S]*?)\*\//.exec(readFileSync(fileURLToPath(moduleUrl), "utf8"));
  return m ? m[1].replace(/^ \* ?/gm, "").trim() : fallback;
}
