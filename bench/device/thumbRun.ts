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
import { countedRun, type RunOptions, type RunResult } from "./callgrind.ts";
import type { ThumbRig } from "./thumbInterpreter.ts";

export function thumbRun(rig: ThumbRig, o: RunOptions): Promise<RunResult> {
  return countedRun(o, (file) => [rig.qemu, "-plugin", rig.plugin, rig.interpreter, "--test", file], /@@INSNS (\d+) (\d+)/, "thumb run");
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
