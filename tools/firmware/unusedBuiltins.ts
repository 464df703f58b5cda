/**
 * Which built-ins of a firmware image no bundle names: the candidates for a blacklist group
 * (tools/firmware/imageFeatures.ts). Reads the wrapper table Espruino generated for the image
 * (build/firmware/<IMAGE>/gen/jswrapper.c, written by `npm run firmware`) and every identifier,
 * property name and word of a string in the bundles that run on it (`npm run build`).
 *
 *   npx tsx tools/firmware/unusedBuiltins.ts METERNET_F107 [--all]
 *
 * Conservative: a name any bundle mentions anywhere counts as used (`open` in "open" the relay
 * state keeps Storage.open listed as used), so what it prints as unused is certainly not called
 * by name. What it cannot see: code typed on the console and what the espruino CLI or our
 * upload sends (print, load, reset, require("Storage").write/list, atob, setTime, E.setTimeZone),
 * which the switch table keeps by hand.
 */
import { readFileSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import * as acorn from "acorn";
import { IMAGES } from "./flashMap.ts";
import type { ImageName } from "./imageFeatures.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** The bundles that run on an image of a role (selftest runs on every image). */
export function bundlesOf(role: string, buildDir = join(ROOT, "build")): string[] {
  // the meter: its bundle, the touchscreen UI and the UI's screen modules (build/meterUi/ui<i>.js)
  const files = role === "meter" ? ["meter.js", "meterUi.js",
    ...(existsSync(join(buildDir, "meterUi")) ? readdirSync(join(buildDir, "meterUi")).filter((f) => f.endsWith(".js")).map((f) => join("meterUi", f)) : [])] : ["aggregator.js",
    ...(existsSync(join(buildDir, "aggregator")) ? readdirSync(join(buildDir, "aggregator")).filter((f) => f.endsWith(".js")).map((f) => join("aggregator", f)) : [])];
  return [...files, "selftest.js"].map((f) => join(buildDir, f));
}

/** Every identifier, non-computed property, string literal and word inside a string of the code. */
export function namesIn(code: string): Set<string> {
  const used = new Set<string>();
  const words = (s: string) => { used.add(s); for (const w of s.split(/[^A-Za-z0-9_$]+/)) if (w) used.add(w); };
  const walk = (n: any): void => {
    if (!n || typeof n.type !== "string") return;
    if (n.type === "Identifier") used.add(n.name);
    else if (n.type === "Literal" && typeof n.value === "string") words(n.value);
    else if (n.type === "TemplateElement") words(n.value.cooked ?? n.value.raw);
    for (const k of Object.keys(n)) {
      const v = n[k];
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === "object") walk(v);
    }
  };
  walk(acorn.parse(code, { ecmaVersion: 2022, sourceType: "script" }));
  return used;
}

/** class -> built-in names, from the wrapper table's symbol strings (FLASH_STR(jswSymbols_<class>_str, "a\0b\0")). */
export function builtinsOf(jswrapperC: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of jswrapperC.matchAll(/FLASH_STR\(jswSymbols_(\w+?)_str, "(.*)"\);/g)) out.set(m[1], m[2].split("\\0").filter(Boolean));
  return out;
}

function main(): void {
  const image = process.argv[2] as ImageName;
  if (!image || !IMAGES[image]) {
    console.error(`usage: npx tsx tools/firmware/unusedBuiltins.ts ${Object.keys(IMAGES).join("|")} [--all]`);
    process.exit(2);
  }
  const gen = join(ROOT, "build", "firmware", image, "gen", "jswrapper.c");
  if (!existsSync(gen)) { console.error(`${gen} is missing: run npm run firmware -- --espruino DIR --image ${image} first`); process.exit(1); }
  const bundles = bundlesOf(IMAGES[image].role);
  const missing = bundles.filter((b) => !existsSync(b));
  if (missing.length) { console.error(`missing ${missing.join(", ")}: run npm run build first`); process.exit(1); }
  const used = new Set<string>();
  for (const b of bundles) for (const n of namesIn(readFileSync(b, "utf8"))) used.add(n);
  let count = 0;
  for (const [cls, names] of builtinsOf(readFileSync(gen, "utf8"))) {
    const unused = names.filter((n) => !used.has(n));
    count += unused.length;
    if (unused.length || process.argv.includes("--all"))
      console.log(`${cls}: ${unused.join(" ") || "-"}${process.argv.includes("--all") ? `   (named: ${names.filter((n) => used.has(n)).join(" ")})` : ""}`);
  }
  console.log(`${count} built-ins of ${image} named by none of ${bundles.map((b) => b.slice(ROOT.length)).join(", ")}`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) main();
