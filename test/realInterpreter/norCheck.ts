/**
 * The SPI NOR path on the real interpreter: bundles norCheck.entry.js (boardNor ->
 * spiNor over SPI1 -> norSlots: a record written, rewritten, read back with E.CRC32; the
 * aggregator's profile and day archives for 64 meters written and read back),
 * runs it after test/realInterpreter/prelude.js (its SPI1 is the W25Q stand-in) with
 * `--test`, and prints the interpreter's NORTEST line and PASS/FAIL.
 *
 *   npx tsx test/realInterpreter/norCheck.ts /work/scratch/bin/espruino32-12000
 *
 * Never downloads anything; CI does not run it (CI has no interpreter).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const bin = process.argv[2];
if (!bin) throw new Error("usage: npx tsx test/realInterpreter/norCheck.ts ESPRUINO_BINARY");
const here = resolve(import.meta.dirname);
const dir = mkdtempSync(join(tmpdir(), "mn-norcheck-"));
try {
  const out = join(dir, "entry.js");
  execFileSync(join(here, "../../node_modules/.bin/esbuild"), [join(here, "norCheck.entry.js"), "--bundle", "--format=iife", "--target=es2015", "--outfile=" + out, "--log-level=warning"]);
  writeFileSync(join(dir, "run.js"), readFileSync(join(here, "prelude.js"), "latin1") + "\n" + readFileSync(out, "latin1"));
  const r = spawnSync(bin, ["--test", "run.js"], { cwd: dir, encoding: "latin1", timeout: 60000, input: "" });
  const text = (r.stdout || "") + (r.stderr || "");
  const lines = text.split(/\r?\n/).filter((l) => /NORTEST|NO NOR|PASS|FAIL|Uncaught|ERROR/.test(l)).map((l) => l.replace(/^>?V*/, ""));
  console.log(lines.join("\n"));
  if (!/PASS/.test(text)) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
