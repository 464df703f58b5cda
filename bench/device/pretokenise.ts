/**
 * Espruino's pretokenised code storage, the form every bundle takes in Storage: the
 * build writes it to build/stored/ (tools/build/pretokenise.js, the espruino CLI's own
 * plugins/pretokenise.js with PRETOKENISE=2), npm run upload stores it. This prints the
 * sizes, plain and stored, and what Storage keeps free on each image after compaction
 * with the role's code and its configuration slot (tools/firmware/flashMap.ts).
 *
 *   npm run build && npx tsx bench/device/pretokenise.ts
 */
import { existsSync, readFileSync } from "node:fs";
import { tokenise } from "../../tools/build/pretokenise.js";
import { budgets, IMAGE_NAMES, IMAGES, STORAGE_FILE_HEADER_BYTES, STORAGE_FREE_MIN, storageBytes } from "../../tools/firmware/flashMap.ts";

/** The bytes the espruino CLI's PRETOKENISE=2 stores for `code` (bench/device/harness.ts runs them). */
export function pretokenise(code: string): string {
  return tokenise(code);
}

/** Bytes as Storage holds them: one byte per char (the tokeniser emits only 8-bit codes). */
export function storedBytes(code: string): number {
  let n = 0;
  for (let i = 0; i < code.length; i++) n += code.charCodeAt(i) < 256 ? 1 : 3;
  return n;
}

/** A Storage file's footprint: header plus data padded to 4 bytes (src/jsflash.c). */
const inStorage = (n: number) => STORAGE_FILE_HEADER_BYTES + Math.ceil(n / 4) * 4;

const FILES: Array<{ role: "meter" | "aggregator" | "selftest"; name: string; build: string; optional?: boolean }> = [
  { role: "meter", name: ".bootcde", build: "meter.js" },
  { role: "meter", name: "meterUi.js", build: "meterUi.js", optional: true },
  // the touchscreen UI's screens (app/meterUi/screens/), Storage modules "ui0".."ui8"
  ...[0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => ({ role: "meter" as const, name: "ui" + i, build: "meterUi/ui" + i + ".js", optional: true })),
  { role: "aggregator", name: ".bootcde", build: "aggregator.js" },
  ...["route.read", "route.bill", "route.ctl", "route.ses"].map((n) => ({ role: "aggregator" as const, name: n, build: "aggregator/" + n + ".js" })),
  { role: "selftest", name: ".bootcde", build: "selftest.js" },
];

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  const root = new URL("../../", import.meta.url).pathname;
  if (!existsSync(root + "build/stored/meter.js")) {
    console.error("build/stored/ missing: run npm run build first");
    process.exit(2);
  }
  console.log("| file | Storage name | plain bytes | stored bytes | saving |\n|---|---|---:|---:|---:|");
  const sizes = new Map<string, number>();
  const plainSizes = new Map<string, number>();
  for (const f of FILES) {
    const plain = readFileSync(`${root}build/${f.build}`, "latin1");
    const stored = readFileSync(`${root}build/stored/${f.build}`, "latin1");
    if (stored !== tokenise(plain)) throw new Error(`build/stored/${f.build} is not the stored form of build/${f.build}: run npm run build`);
    sizes.set(f.build, stored.length);
    plainSizes.set(f.build, plain.length);
    const save = plain.length - stored.length;
    console.log(`| build/${f.build} | ${f.name} | ${plain.length} | ${stored.length} | ${save} (${((100 * save) / plain.length).toFixed(1)} %) |`);
  }
  console.log("\nStorage after compaction, code in its stored form plus the configuration slot (package.json meternet.budgets.storage.<role>.config);");
  console.log(`the flash map asks for ${STORAGE_FREE_MIN * 100} % free:\n`);
  console.log("| image | Storage | code files | code bytes, headers incl. (plain) | config slot | free (plain) | free % (plain) | 25 % rule |\n|---|---:|---|---:|---:|---:|---:|---|");
  for (const image of IMAGE_NAMES) {
    const role = IMAGES[image].role;
    const total = storageBytes(image);
    const configBytes = inStorage(budgets().storage[role].config);
    for (const withOptional of [false, true]) {
      const files = FILES.filter((f) => f.role === role && (withOptional || !f.optional));
      if (withOptional && files.length === FILES.filter((f) => f.role === role && !f.optional).length) continue;
      const code = files.reduce((s, f) => s + inStorage(sizes.get(f.build)!), 0);
      const plainCode = files.reduce((s, f) => s + inStorage(plainSizes.get(f.build)!), 0);
      const free = total - code - configBytes;
      const plainFree = total - plainCode - configBytes;
      const ok = free >= STORAGE_FREE_MIN * total;
      const pct = (n: number) => ((100 * n) / total).toFixed(1) + " %";
      console.log(`| ${image} | ${total} | ${files.map((f) => f.name).join(" + ")} | ${code} (${plainCode}) | ${configBytes} | ${free} (${plainFree}) | ${pct(free)} (${pct(plainFree)}) | ${ok ? "kept" : "NOT kept"} |`);
    }
  }
}
