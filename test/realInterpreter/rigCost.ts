/**
 * Calibrates the CI guard's work estimate (host/runtime/accounting) against the Cortex-M rig
 * (bench/device part (b): Espruino built as Cortex-M3 Thumb-2 code with soft-float doubles,
 * run by qemu-arm, main-thread instructions counted by bench/device/insnCount.c).
 *
 * For each meter bundle, CAN link on and off, the driver of host/runtime/accounting/
 * meterDriver.ts (prelude, bundle, N back-to-back windows with the timers counted in windows)
 * runs on the rig for N1 and N2 windows, and so does its baseline (the same driver around an
 * empty listener of the bundle's events: the prelude's stand-in work); the bundle's
 * instructions per window are the difference of the differences, / (N2 - N1). The host
 * runtime runs the same driver and counts the bundle's tokens, calls, calls into the native
 * hooks and events the hooks deliver (costHarness.ts). Fits
 *   instructions = perToken x tokens + perCall x calls + perNativeCall x nativeCalls + perEvent x events
 * (least squares on relative errors, no negative coefficient) and writes
 * test/realInterpreter/measuredCost.json, the fixture host/runtime/accounting/windowWork.test.ts reads.
 *
 *   npx tsx test/realInterpreter/rigCost.ts --espruino DIR [current=build/meter.js] [LABEL=PATH/meter.js ...] [--windows 5,15]
 *   ... --host-only    keeps the fixture's rig figures of the same bundles (same bytes) and
 *                      recounts the host side only (after a change to the counters)
 *
 * Older bundles: `git worktree add DIR COMMIT`, node_modules linked, `npx rollup -c` there.
 * Never downloads; CI does not run it (no Espruino tree, no cross toolchain).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { meterBaselineParts, meterDriverParts } from "../../host/runtime/accounting/meterDriver.ts";
import { workPerWindow, type BundleWork } from "../../host/runtime/accounting/costHarness.ts";
import { ROOT } from "../../host/runtime/accounting/jsVarHarness.ts";
import { buildThumbRig, type ThumbRig } from "../../bench/device/thumbInterpreter.ts";
import { fitCost, leaveOneOut, TERMS, type CostPoint } from "../../host/runtime/accounting/costModel.ts";

export const COST_FIXTURE = join(ROOT, "test/realInterpreter/measuredCost.json");

/** Main-thread Thumb-2 instructions of one --test run of `script` on the rig. */
function rigInstructions(rig: ThumbRig, script: string): number {
  const dir = mkdtempSync(join(tmpdir(), "mn-rig-"));
  try {
    writeFileSync(join(dir, "driver.js"), script);
    const r = spawnSync(rig.qemu, ["-plugin", rig.plugin, rig.interpreter, "--test", "driver.js"], { cwd: dir, input: "", encoding: "latin1", timeout: 900000, maxBuffer: 1 << 26 });
    const out = r.stdout + r.stderr;
    if (!/PASS driver\.js/.test(out)) throw new Error("driver did not pass: " + out.slice(-800));
    if (/OUT OF MEMORY|Uncaught/.test(out)) throw new Error("errors in the run: " + out.slice(-800));
    const m = /@@INSNS (\d+) (\d+)/.exec(out);
    if (!m) throw new Error("no @@INSNS line (plugin not loaded?)");
    return Number(m[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<number> {
  let tree: string | undefined;
  let n1 = 5, n2 = 15, hostOnly = false;
  const bundles: [string, string][] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--windows") { [n1, n2] = argv[++i].split(",").map(Number); continue; }
    if (argv[i] === "--espruino") { tree = resolve(argv[++i]); continue; }
    if (argv[i] === "--host-only") { hostOnly = true; continue; }
    const eq = argv[i].indexOf("=");
    bundles.push(eq > 0 ? [argv[i].slice(0, eq), argv[i].slice(eq + 1)] : [argv[i], argv[i]]);
  }
  if (!tree || !existsSync(tree)) {
    console.error("usage: npx tsx test/realInterpreter/rigCost.ts --espruino DIR [LABEL=PATH/meter.js ...] [--windows N1,N2]");
    return 2;
  }
  if (!bundles.length) bundles.push(["current", join(ROOT, "build/meter.js")]);
  const rig = buildThumbRig(tree, join(ROOT, "build", "device", "thumb-m3"), 2, false);
  const fixture = existsSync(COST_FIXTURE) ? JSON.parse(readFileSync(COST_FIXTURE, "utf8")) : {};
  let points: CostPoint[] = Array.isArray(fixture.points) && fixture.rig === "thumb-m3" ? fixture.points : [];
  for (const [label, path] of bundles) {
    const code = readFileSync(path, "latin1");
    for (const canLink of [true, false]) {
      const run = (parts: string[]) => rigInstructions(rig, parts.join("\n;\n") + "\n");
      const old = points.find((q) => q.label === label && q.canLink === canLink && q.bundleBytes === code.length);
      if (hostOnly && !old) throw new Error(`--host-only: no rig figure of ${label} CAN ${canLink ? "on" : "off"} in the fixture`);
      let b1 = 0, b2 = 0, e1 = 0, e2 = 0;
      if (hostOnly && old) { b2 = old.instructionsPerWindow * (n2 - n1) + old.baselinePerWindow * (n2 - n1); e2 = old.baselinePerWindow * (n2 - n1); } else {
        b1 = run(meterDriverParts(code, n1, canLink)); b2 = run(meterDriverParts(code, n2, canLink));
        e1 = run(meterBaselineParts(code, n1, canLink)); e2 = run(meterBaselineParts(code, n2, canLink));
      }
      // the host as the rig runs it (everything instrumented, baseline subtracted), and the bundle alone
      const all: BundleWork = await workPerWindow((n) => meterDriverParts(code, n, canLink), n1, n2, "all");
      const allBase: BundleWork = await workPerWindow((n) => meterBaselineParts(code, n, canLink), n1, n2, "all");
      const own: BundleWork = await workPerWindow((n) => meterDriverParts(code, n, canLink), n1, n2, "bundle");
      const ownBase: BundleWork = await workPerWindow((n) => meterBaselineParts(code, n, canLink), n1, n2, "bundle");
      const r1 = (x: number) => Math.round(x * 10) / 10;
      const p: CostPoint = {
        label, canLink, bundleBytes: code.length,
        instructionsPerWindow: Math.round((b2 - b1 - (e2 - e1)) / (n2 - n1)), baselinePerWindow: Math.round((e2 - e1) / (n2 - n1)),
        tokensPerWindow: r1(all.t - allBase.t), callsPerWindow: r1(all.c - allBase.c), nativeCallsPerWindow: r1(own.n), eventsPerWindow: r1(own.e),
        builtinCallsPerWindow: r1(all.b - allBase.b),
        bundleTokensPerWindow: r1(own.t), bundleCallsPerWindow: r1(own.c), bundleBuiltinCallsPerWindow: r1(own.b - ownBase.b),
      };
      points = points.filter((q) => !(q.label === label && q.canLink === canLink));
      points.push(p);
      console.log(`${label.padEnd(10)} CAN ${canLink ? "on " : "off"} Thumb-2 instructions/window ${p.instructionsPerWindow} (baseline ${p.baselinePerWindow}), ` +
        `tokens ${p.tokensPerWindow} (bundle ${p.bundleTokensPerWindow}), calls ${p.callsPerWindow} (bundle ${p.bundleCallsPerWindow}), native calls ${p.nativeCallsPerWindow}, events ${p.eventsPerWindow}, built-in calls ${p.builtinCallsPerWindow} (bundle ${p.bundleBuiltinCallsPerWindow})`);
    }
  }
  const fit = fitCost(points);
  const loo = leaveOneOut(points);
  const all = fitCost(points, TERMS);
  const looAll = leaveOneOut(points, TERMS);
  const out = {
    rig: "thumb-m3",
    interpreter: "Espruino RELEASE_2V29 Linux port cross-compiled as Cortex-M3 Thumb-2 (bench/device/MNBENCH_THUMB_M3.py: -mthumb -march=armv7-r -mtune=cortex-m3 -mfloat-abi=soft -Os, LTO, 16000 JsVars of 14 bytes), qemu-arm 7.2 user mode, main-thread instructions (bench/device/insnCount.c), --test mode",
    command: "npx tsx test/realInterpreter/rigCost.ts " + argv.join(" "),
    windows: [n1, n2],
    note: "instructionsPerWindow: bundle driver minus baseline driver (empty listener of the bundle's events), (N2 - N1)-window differences; tokens, calls, native calls, events: the host runtime's counts of the bundle on the same driver (host/runtime/accounting/costHarness.ts)",
    points,
    fit,
    leaveOneOutPct: loo,
    alternative: { note: "all five terms (calls and built-in calls priced too): smaller errors on the fitted points, larger on a bundle left out", fit: all, leaveOneOutPct: looAll },
    history: fixture.history ?? (fixture.fit ? { note: "before issue 17 part 5: a token-only fit on x86-64 callgrind points (845.6 instructions per token); post-C bundles read -47 % against it", points: fixture.points, fit: fixture.fit, notCovered: fixture.notCovered, command: fixture.command } : undefined),
  };
  writeFileSync(COST_FIXTURE, JSON.stringify(out, null, 1) + "\n");
  console.log(`fit: instructions = ${fit.perToken} x tokens + ${fit.perCall} x calls + ${fit.perNativeCall} x native calls + ${fit.perEvent} x events + ${fit.perBuiltin} x built-in calls; errors % ${fit.errorsPct.join(", ")}`);
  console.log(`  each bundle left out of the fit, its errors %: ${loo.map((l) => `${l.label} ${l.errorsPct.join(" / ")}`).join("; ")}`);
  console.log(`all five terms: ${JSON.stringify(all)}; left out: ${looAll.map((l) => `${l.label} ${l.errorsPct.join(" / ")}`).join("; ")}`);
  return 0;
}

main(process.argv.slice(2)).then((c) => process.exit(c), (e) => { console.error(e); process.exit(1); });
