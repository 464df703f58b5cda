/**
 * Runs a built bundle in the Espruino host runtime (host/runtime).
 *
 *   npx tsx host/run.ts FILE [--storage IMAGE] [--virtual-seconds N | --real-seconds N]
 *                           [--flash-bytes N] [--boot] [--http-port DEVICE=HOST]...
 *
 *   FILE               the bundle, e.g. build/selftest.js, run unmodified
 *   --storage IMAGE    flash image file for require("Storage"): loaded if present,
 *                      written on every change (default: in memory only)
 *   --virtual-seconds  run timers on a virtual clock for N device seconds (fast)
 *   --real-seconds     run timers in real time for N seconds
 *                      (neither: virtual time until no timer is left, at most 600 s,
 *                      like Espruino's --test mode)
 *   --flash-bytes N    size of the flash area (default: the meter chip's Storage, tools/firmware/flashMap.ts)
 *   --boot             boot from Storage first (.boot0-3, .bootcde, E 'init'); FILE may
 *                      then be "-" to boot only
 *   --http-port D=H    serve the bundle's http server for device port D on host port H
 *                      (repeatable; 0 = any free port; default: the same port)
 *
 * Output is what the bundle prints, nothing else on stdout (so its last line, e.g.
 * "N passed, M failed", stays last). Exit status: 0 when the bundle passes. A bundle
 * that sets the global `result` (Espruino's --test convention) passes only when it is
 * truthy; an app bundle passes when its top level ran without an uncaught exception.
 * 2 = usage error.
 */
import { readFileSync } from "node:fs";
import { runBundle } from "./runtime/runBundle.ts";

function usage(message: string): never {
  process.stderr.write("run.ts: " + message + "\nusage: npx tsx host/run.ts FILE [--storage IMAGE] [--virtual-seconds N | --real-seconds N] [--flash-bytes N] [--boot] [--http-port DEVICE=HOST]...\n");
  process.exit(2);
}

function numberArg(args: string[], i: number, name: string): number {
  const n = Number(args[i + 1]);
  if (args[i + 1] === undefined || !(n >= 0)) usage(name + " needs a number >= 0");
  return n;
}

async function main(args: string[]): Promise<number> {
  let file: string | undefined;
  let storagePath: string | undefined;
  let virtualSeconds: number | undefined;
  let realSeconds: number | undefined;
  let flashBytes: number | undefined;
  let boot = false;
  const portMap = new Map<number, number>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--storage") { storagePath = args[++i]; if (!storagePath) usage("--storage needs a file"); }
    else if (a === "--virtual-seconds") { virtualSeconds = numberArg(args, i, a); i++; }
    else if (a === "--real-seconds") { realSeconds = numberArg(args, i, a); i++; }
    else if (a === "--flash-bytes") { flashBytes = numberArg(args, i, a); i++; }
    else if (a === "--boot") boot = true;
    else if (a === "--http-port") {
      const m = /^(\d+)=(\d+)$/.exec(args[++i] || "");
      if (!m) usage("--http-port needs DEVICE=HOST, e.g. 80=8080");
      portMap.set(Number(m[1]), Number(m[2]));
    }
    else if (a.startsWith("--")) usage("unknown option " + a);
    else if (file === undefined) file = a;
    else usage("unexpected argument " + a);
  }
  if (file === undefined) usage("no bundle given");
  if (virtualSeconds !== undefined && realSeconds !== undefined) usage("give --virtual-seconds or --real-seconds, not both");
  let code = "";
  if (file !== "-") {
    try {
      code = readFileSync(file, "utf8");
    } catch (e) {
      usage("cannot read " + file + ": " + (e as Error).message);
    }
  } else if (!boot) {
    usage('"-" (no file) only makes sense with --boot');
  }
  const r = await runBundle({
    code,
    filename: file,
    virtualSeconds,
    realSeconds,
    boot,
    runtime: {
      storagePath,
      flashBytes,
      output: (t) => process.stdout.write(t),
      mapHttpPort: (port) => (portMap.has(port) ? (portMap.get(port) as number) : port),
    },
  });
  return r.passed ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
