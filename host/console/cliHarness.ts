/**
 * Test helpers: the real espruino CLI (node_modules/.bin/espruino, EspruinoTools 0.1.67)
 * run against a simulated console. `--no-ble` is needed on machines without D-Bus: the
 * CLI otherwise dies starting its Bluetooth (noble) backend. Without network access the
 * CLI also prints a getURL error for the board JSON and carries on.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { fileURLToPath } from "node:url";

export const CLI = fileURLToPath(new URL("../../node_modules/.bin/espruino", import.meta.url));

export interface CliRun {
  child: ChildProcessWithoutNullStreams;
  /** Everything the CLI printed so far (stdout and stderr). */
  output(): string;
  /** Resolves when the output matches `re`; rejects after `timeoutMs`. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves to the exit code; kills the CLI after `timeoutMs`. */
  exit(timeoutMs?: number): Promise<number | null>;
}

export function runCli(args: string[]): CliRun {
  const child = spawn(CLI, ["--no-ble", ...args], { stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  const waiters: Array<() => void> = [];
  const onData = (d: Buffer) => {
    out += d.toString("latin1");
    for (const w of waiters.slice()) w();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    output: () => out,
    waitFor(re, timeoutMs = 20000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (re.test(out)) {
            waiters.splice(waiters.indexOf(check), 1);
            clearTimeout(timer);
            resolve(out);
          }
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          reject(new Error("CLI output did not match " + re + " within " + timeoutMs + " ms; got:\n" + out));
        }, timeoutMs);
        waiters.push(check);
        check();
      });
    },
    async exit(timeoutMs = 60000) {
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** A script over 512 bytes (the CLI 0.1.67 never finishes smaller uploads) that sets `uploaded`. */
export function uploadScript(): string {
  const lines = ["var uploaded = { count: 0 };"];
  for (let i = 0; i < 20; i++) {
    lines.push("function step" + i + "(x) {\n  // padding: the CLI needs more than 512 bytes to report completion\n  return x + " + i + ";\n}");
  }
  lines.push("uploaded.count = step19(step1(0));");
  lines.push("print('upload ran', uploaded.count);");
  return lines.join("\n") + "\n";
}
