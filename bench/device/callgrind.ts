/**
 * One run of the proxy interpreter under valgrind's callgrind: user-space instructions
 * executed, and the lines the script printed. Repeatable (callgrind counts, it does
 * not time), so differences between runs of N1 and N2 iterations are exact costs.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RunResult { instructions: number; output: string; benchLine: string }

export interface RunOptions {
  interpreter: string;
  script: string;
  /** Called once the process runs (the HTTP scenario starts its client here). */
  whileRunning?: () => Promise<void>;
  timeoutMs?: number;
}

/**
 * Runs `--test run.js` of the script under a counting tool (argv gets the script's path),
 * in a temporary folder (Espruino's Linux Storage lives in a file there), and reads the
 * count from stderr with `count` (group 1) and the harness's @@BENCH line from stdout.
 */
export async function countedRun(o: RunOptions, argv: (file: string, dir: string) => string[], count: RegExp, what: string): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), "meternet-bench-"));
  try {
    const file = join(dir, "run.js");
    // one byte per char: bundles are ASCII (terser ascii_only), pretokenised ones 8-bit
    writeFileSync(file, Buffer.from(o.script, "latin1"));
    const child = spawn("nice", ["-n", "10", ...argv(file, dir)], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => { out += d; });
    child.stderr.on("data", (d) => { err += d; });
    const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 30 * 60 * 1000);
    const exited = new Promise<number | null>((res) => child.on("close", res));
    if (o.whileRunning) await o.whileRunning().catch((e) => { err += `\nclient: ${e}`; });
    const code = await exited;
    clearTimeout(timer);
    const m = count.exec(err);
    // the harness's line (not an error message quoting the harness's source)
    const bench = /@@BENCH \w+ \d+[^\n]*/.exec(out)?.[0];
    if (!m || !bench) {
      throw new Error(`${what} did not finish (exit ${code}): ${bench ? "" : "no @@BENCH line; "}output:\n${out.slice(-1500)}\n${err.slice(-1500)}`);
    }
    return { instructions: Number(m[1]), output: out, benchLine: bench };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function callgrindRun(o: RunOptions): Promise<RunResult> {
  return countedRun(o, (file, dir) => ["valgrind", "--tool=callgrind", `--callgrind-out-file=${join(dir, "callgrind.out")}`, o.interpreter, "--test", file], /Collected : (\d+)/, "run");
}
