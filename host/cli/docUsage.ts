import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** A CLI command's usage text: the first /** comment of its own file (moduleUrl), so the help and the source say one thing. */
export function docUsage(moduleUrl: string, fallback: string): string {
  const m = /\/\*\*([\s\S]*?)\*\//.exec(readFileSync(fileURLToPath(moduleUrl), "utf8"));
  return m ? m[1].replace(/^ \* ?/gm, "").trim() : fallback;
}

/**
 * A command's arguments, or its exit status when they cannot be had: "help" prints the
 * usage and gives 0; any other parse error is printed with the usage and gives 2.
 */
export function argsOrStatus<T extends object>(parse: () => T, command: string, usage: () => string): T | number {
  try {
    return parse();
  } catch (e) {
    const msg = (e as Error).message;
    console.error(msg === "help" ? usage() : `meternet ${command}: ${msg}\n\n${usage()}`);
    return msg === "help" ? 0 : 2;
  }
}
