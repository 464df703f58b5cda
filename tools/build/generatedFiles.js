// The write-or-check step every source generator here shares (genConstants.js,
// genHookTypes.js): `generate(read)` returns the files it makes, {path, text}; `--check`
// fails when a committed file differs (npm run lint), otherwise changed files are written.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The generated files whose committed text differs from what generate() makes now. */
export function staleFiles(generate, root) {
  const read = (p) => readFileSync(join(root, p), "utf8");
  return generate(read).filter((f) => {
    try { return read(f.path) !== f.text; } catch { return true; }
  }).map((f) => f.path);
}

/** The command line of a generator: `what` names its files in the stale message, `name` the tool. */
export function runGenerator(generate, root, argv, name, what) {
  if (argv.includes("--check")) {
    const bad = staleFiles(generate, root);
    if (bad.length) {
      console.error(`stale generated ${what}: ${bad.join(", ")}; run npm run gen`);
      process.exit(1);
    }
    return;
  }
  const read = (p) => readFileSync(join(root, p), "utf8");
  for (const f of generate(read)) {
    let old = null;
    try { old = read(f.path); } catch { /* new file */ }
    if (old !== f.text) { writeFileSync(join(root, f.path), f.text); console.log(`${name}: wrote ${f.path}`); }
  }
}
