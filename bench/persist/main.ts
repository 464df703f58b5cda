/**
 * What the billing state costs the meter's interpreter, measured on the real Espruino
 * 2v29 (64-bit Linux RELEASE build under `valgrind --tool=callgrind`, the proxy issue 17's
 * window budget is stated in: 1 M x86-64 instructions per window): the store's code
 * (modules/persist) bundled with esbuild, a FRAM stand-in in JavaScript (the device's I2C
 * transfer is native: about 2.9 ms of bus time for 130 bytes at 400 kHz, not counted here).
 * Prints instructions per record write (update + encode + E.CRC32 + the copy) and per
 * reading that writes nothing; the differences between two runs cancel the boot.
 *
 *   npx tsx bench/persist/main.ts /work/scratch/bin/espruino64-20000
 *
 * Never downloads anything; CI does not run it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";

const bin = process.argv[2];
if (!bin) {
  console.error("usage: npx tsx bench/persist/main.ts PATH/espruino64 (a 64-bit Linux RELEASE build of Espruino 2v29)");
  process.exit(2);
}
const code = buildSync({ entryPoints: [new URL("./recordWrites.entry.ts", import.meta.url).pathname], bundle: true, format: "iife", target: "es2015", write: false }).outputFiles[0].text;

function instructions(n: number, m: number): number {
  const dir = mkdtempSync(join(tmpdir(), "mn-persist-"));
  try {
    writeFileSync(join(dir, "b.js"), `var __N=${n}, __M=${m};\n` + code);
    const r = spawnSync("valgrind", ["--tool=callgrind", "--callgrind-out-file=" + join(dir, "cg.out"), bin, "--test", "b.js"], { cwd: dir, input: "", encoding: "latin1", timeout: 600000, maxBuffer: 1 << 26 });
    if (!/PASS b\.js/.test(r.stdout + r.stderr)) throw new Error("run did not pass: " + (r.stdout + r.stderr).slice(-600));
    const s = /^summary:\s+(\d+)/m.exec(readFileSync(join(dir, "cg.out"), "latin1"));
    if (!s) throw new Error("no callgrind summary");
    return Number(s[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const base = instructions(10, 0);
const perWrite = (instructions(60, 0) - base) / 50;
const perReading = (instructions(10, 200) - base) / 200;
console.log(`record write (update + encode + CRC-32 + copy): ${Math.round(perWrite)} x86-64 instructions (${(perWrite / 1e4).toFixed(1)} % of the 1 M per-window budget)`);
console.log(`reading without a write (update only): ${Math.round(perReading)} instructions`);
