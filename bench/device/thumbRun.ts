/**
 * One run of the Thumb-2 interpreter under qemu-arm with the insnCount plugin: guest
 * instructions the interpreter's main thread executed (the interpreter, glibc's ARM-mode
 * library code it calls, the soft-float helpers; not the kernel's side of system calls, not
 * the Linux port's console-input thread), and the lines the script printed. Same contract as callgrind.ts's callgrindRun, so main.ts runs either.
 * Like callgrind, the count includes the interpreter's idle loop between the harness's
 * 1 ms iterations, which runs on the wall clock: repeated runs differ by about 1e3..1e4.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunOptions, RunResult } from "./callgrind.ts";
import type { ThumbRig } from "./thumbInterpreter.ts";

export async function thumbRun(rig: ThumbRig, o: RunOptions): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), "meternet-thumb-"));
  try {
    const file = join(dir, "run.js");
    writeFileSync(file, Buffer.from(o.script, "latin1"));
    const child = spawn("nice", ["-n", "10", rig.qemu, "-plugin", rig.plugin, rig.interpreter, "--test", file],
      { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => { out += d; });
    child.stderr.on("data", (d) => { err += d; });
    const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 30 * 60 * 1000);
    const exited = new Promise<number | null>((res) => child.on("close", res));
    if (o.whileRunning) await o.whileRunning().catch((e) => { err += `\nclient: ${e}`; });
    const code = await exited;
    clearTimeout(timer);
    const m = /@@INSNS (\d+) (\d+)/.exec(err);
    // the harness's line (not an error message quoting the harness's source)
    const bench = /@@BENCH \w+ \d+[^\n]*/.exec(out)?.[0];
    if (!m || !bench) {
      throw new Error(`thumb run did not finish (exit ${code}): ${bench ? "" : "no @@BENCH line; "}output:\n${out.slice(-1500)}\n${err.slice(-1500)}`);
    }
    return { instructions: Number(m[1]), output: out, benchLine: bench };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The plugin's count against QEMU's own: the same execution of `script`, with one
 * instruction per translated block (-singlestep) and every block's execution logged
 * (-d exec,nochain), the log's lines counted (all threads). Returns both; they must be equal.
 */
export function checkPlugin(rig: ThumbRig, script: string): { plugin: number; log: number } {
  const dir = mkdtempSync(join(tmpdir(), "meternet-thumb-check-"));
  try {
    const file = join(dir, "check.js");
    writeFileSync(file, script);
    const cmd = `'${rig.qemu}' -singlestep -d exec,nochain -D /dev/fd/3 -plugin '${rig.plugin}' '${rig.interpreter}' --test '${file}' ` +
      `3>&1 >/dev/null 2>'${dir}/err' | grep -c '^Trace'; cat '${dir}/err'`;
    const r = spawnSync("sh", ["-c", cmd], { cwd: dir, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
    const log = Number(r.stdout.split("\n")[0]);
    const m = /@@INSNS (\d+) (\d+)/.exec(r.stdout);
    if (!m || !(log > 0)) throw new Error(`plugin check did not run:\n${r.stdout.slice(-1000)}${r.stderr.slice(-1000)}`);
    return { plugin: Number(m[2]), log };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
