/**
 * Espruino's pretokenised code storage, as the espruino CLI makes it (the devDependency
 * `espruino`, plugins/pretokenise.js, option PRETOKENISE=2: reserved words and operators
 * become one byte each, strings and integers raw with a length): the plugin is run
 * as is in a sandbox with the few CLI globals it reads, so what is measured is exactly
 * what `npx espruino --config PRETOKENISE=2 --config SAVE_ON_SEND=1` would store.
 *
 *   npx tsx bench/device/pretokenise.ts    # sizes of build/*.js plain and pretokenised
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import vm from "node:vm";

const require = createRequire(import.meta.url);

type Tokenise = (code: string) => string;
let tokeniseFn: Tokenise | undefined;

export function pretokenise(code: string): string {
  if (!tokeniseFn) {
    const source = readFileSync(require.resolve("espruino/plugins/pretokenise.js"), "utf8");
    const Espruino = {
      Core: {
        Config: { add: () => undefined },
        Env: { getBoardData: () => ({ VERSION: "2v29" }) },
        Utils: { atob: (s: string) => Buffer.from(s, "base64").toString("latin1") },
      },
      Config: { PRETOKENISE: 2, SAVE_ON_SEND: 1 },
      addProcessor: () => undefined,
      Plugins: {} as Record<string, { tokenise: Tokenise }>,
    };
    vm.runInNewContext(source, { acorn: require("acorn"), Espruino, console });
    tokeniseFn = Espruino.Plugins.Pretokenise.tokenise;
  }
  return tokeniseFn(code);
}

/** Bytes as Storage holds them: one byte per char (the tokeniser emits only 8-bit codes). */
export function storedBytes(code: string): number {
  let n = 0;
  for (let i = 0; i < code.length; i++) n += code.charCodeAt(i) < 256 ? 1 : 3;
  return n;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  const root = new URL("../../", import.meta.url).pathname;
  console.log("| bundle | plain bytes | pretokenised bytes | saving |\n|---|---:|---:|---:|");
  for (const b of ["meter", "aggregator", "selftest"]) {
    const code = readFileSync(`${root}build/${b}.js`, "utf8");
    const plain = Buffer.byteLength(code, "utf8");
    const tok = storedBytes(pretokenise(code));
    console.log(`| build/${b}.js | ${plain} | ${tok} | ${plain - tok} (${((100 * (plain - tok)) / plain).toFixed(1)} %) |`);
  }
}
