/**
 * Calibrates the host runtime's work unit (tokens Espruino lexes, host/runtime/accounting)
 * against x86-64 instructions of the real interpreter: for each meter bundle, CAN link on
 * and off, the same driver script (host/runtime/accounting/meterDriver.ts: prelude, bundle,
 * N back-to-back windows) runs under `valgrind --tool=callgrind` on a 64-bit RELEASE build
 * (`--test` mode) for N1 and N2 windows, and in the host runtime; the differences divided by
 * N2 - N1 are the instructions and tokens per window (boot cost cancels). Fits
 * instructions = k * tokens through the origin and prints each point's error. Writes
 * test/realInterpreter/measuredCost.json (the fixture the CI guard's test reads).
 *
 *   npx tsx test/realInterpreter/callgrindCost.ts /work/scratch/bin/espruino64-20000 \
 *     [current=build/meter.js] [LABEL=PATH/meter.js ...] [--windows 5,15]
 *
 * Older bundles: build them from a clone of the repository at the commit (npx rollup -c).
 * Never downloads anything; CI does not run it. About a minute of callgrind per run.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { meterDriver, meterDriverParts } from "../../host/runtime/accounting/meterDriver.ts";
import { workPerWindow } from "../../host/runtime/accounting/costHarness.ts";
import { ROOT } from "../../host/runtime/accounting/jsVarHarness.ts";

export const COST_FIXTURE = join(ROOT, "test/realInterpreter/measuredCost.json");

function callgrindInstructions(bin: string, script: string): number {
  const dir = mkdtempSync(join(tmpdir(), "mn-cg-"));
  try {
    writeFileSync(join(dir, "driver.js"), script);
    const r = spawnSync("valgrind", ["--tool=callgrind", "--callgrind-out-file=" + join(dir, "cg.out"), bin, "--test", "driver.js"], { cwd: dir, input: "", encoding: "latin1", timeout: 900000, maxBuffer: 1 << 26 });
    if (!/PASS driver\.js/.test(r.stdout + r.stderr)) throw new Error("driver did not pass: " + (r.stdout + r.stderr).slice(-800));
    const m = /^summary:\s+(\d+)/m.exec(readFileSync(join(dir, "cg.out"), "latin1"));
    if (!m) throw new Error("no callgrind summary");
    return Number(m[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface CostPoint { label: string; canLink: boolean; bundleBytes: number; instructionsPerWindow: number; tokensPerWindow: number; callsPerWindow: number }

async function main(argv: string[]): Promise<number> {
  const bin = argv[0];
  if (!bin || !existsSync(bin)) {
    console.error("usage: npx tsx test/realInterpreter/callgrindCost.ts PATH/TO/espruino64 [LABEL=PATH/meter.js ...] [--windows N1,N2]");
    return 2;
  }
  let n1 = 5, n2 = 15;
  const bundles: [string, string][] = [];
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === "--windows") { [n1, n2] = argv[++i].split(",").map(Number); continue; }
    const eq = argv[i].indexOf("=");
    bundles.push(eq > 0 ? [argv[i].slice(0, eq), argv[i].slice(eq + 1)] : [argv[i], argv[i]]);
  }
  if (!bundles.length) bundles.push(["current", join(ROOT, "build/meter.js")]);
  const fixture = existsSync(COST_FIXTURE) ? JSON.parse(readFileSync(COST_FIXTURE, "utf8")) : { points: [] };
  for (const [label, path] of bundles) {
    const code = readFileSync(path, "latin1");
    for (const canLink of [true, false]) {
      const make = (n: number) => meterDriver(code, n, canLink);
      const i1 = callgrindInstructions(bin, make(n1));
      const i2 = callgrindInstructions(bin, make(n2));
      const w = await workPerWindow((n) => meterDriverParts(code, n, canLink), n1, n2);
      const p: CostPoint = { label, canLink, bundleBytes: code.length, instructionsPerWindow: Math.round((i2 - i1) / (n2 - n1)), tokensPerWindow: Math.round(w.t), callsPerWindow: Math.round(w.c) };
      fixture.points = (fixture.points as CostPoint[]).filter((q) => !(q.label === label && q.canLink === canLink));
      fixture.points.push(p);
      console.log(label.padEnd(10), "CAN " + (canLink ? "on " : "off"), "instructions/window", p.instructionsPerWindow, "tokens/window", p.tokensPerWindow, "calls/window", p.callsPerWindow, "instr/token", (p.instructionsPerWindow / p.tokensPerWindow).toFixed(1));
      writeFileSync(COST_FIXTURE, JSON.stringify(fixture, null, 1) + "\n");
    }
  }
  const pts = fixture.points as CostPoint[];
  const k = pts.reduce((s, p) => s + p.instructionsPerWindow * p.tokensPerWindow, 0) / pts.reduce((s, p) => s + p.tokensPerWindow * p.tokensPerWindow, 0);
  const errs = pts.map((p) => (k * p.tokensPerWindow) / p.instructionsPerWindow - 1);
  fixture.fit = { instructionsPerToken: Math.round(k * 10) / 10, maxErrorPct: Math.round(Math.max(...errs.map(Math.abs)) * 1000) / 10, errorsPct: errs.map((e) => Math.round(e * 1000) / 10) };
  fixture.command = "npx tsx test/realInterpreter/callgrindCost.ts " + argv.join(" ");
  fixture.interpreter = "Espruino RELEASE_2V29 Linux 64-bit, RELEASE=1 -Os, 20000 JsVars (" + bin + "), --test mode, valgrind --tool=callgrind, user-space instructions (Ir)";
  fixture.windows = [n1, n2];
  writeFileSync(COST_FIXTURE, JSON.stringify(fixture, null, 1) + "\n");
  console.log("fit: instructions = " + fixture.fit.instructionsPerToken + " x tokens; errors % " + fixture.fit.errorsPct.join(", "));
  return 0;
}

if (process.argv[1]?.endsWith("callgrindCost.ts")) main(process.argv.slice(2)).then((c) => process.exit(c));
