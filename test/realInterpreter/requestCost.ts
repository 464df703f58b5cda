/**
 * CPU cost of the aggregator's HTTP requests on the real interpreter: x86-64 instructions
 * under valgrind callgrind (the x86-64 proxy issue 17 uses, bench/can/interp/run.sh), per
 * request, and inside that what evaluating a route module from Storage costs (jswrap_eval)
 * and what the garbage collection between requests costs (jsvGarbageCollect).
 *
 *   npm run build && npx tsx test/realInterpreter/requestCost.ts /work/scratch/bin/espruino64-20000 [scenario] [N] [path...]
 *
 * Storage is written by the interpreter itself without valgrind (bootScenario, as
 * measureJsVars.ts does), then it is started again under callgrind in the same folder
 * (Storage is ./espruino.flash there) and load()ed; the counters are zeroed
 * (callgrind_control -z), N requests of each path are sent one after another, and the
 * counts are dumped (callgrind_control -d) and read with callgrind_annotate --inclusive.
 * The window also holds the idle loop and the aggregator's 1 s tick: run the same with a
 * path list of "idle" to see that part alone. Needs valgrind; never downloads; CI does not run it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SCENARIOS, AGG_PORT } from "../../host/runtime/accounting/scenarios.ts";
import { bootScenario, startInterpreter, type Console } from "./measureJsVars.ts";

function startUnderCallgrind(bin: string, dir: string): Console {
  // the same console driver, with valgrind in front of the interpreter
  return startInterpreter("valgrind", dir, ["--tool=callgrind", "--callgrind-out-file=" + join(dir, "cg.out"), bin]);
}

function inclusive(file: string, fns: string[]): Record<string, number> {
  const r = spawnSync("callgrind_annotate", ["--inclusive=yes", "--threshold=100", file], { encoding: "utf8", maxBuffer: 64 << 20 });
  const out: Record<string, number> = {};
  const total = /([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS/.exec(r.stdout) || /([\d,]+)\s+PROGRAM TOTALS/.exec(r.stdout);
  out.total = total ? Number(total[1].replace(/,/g, "")) : NaN;
  for (const f of fns) {
    const m = new RegExp("^\\s*([\\d,]+) \\([^)]*\\)\\s+\\S*:" + f + "\\b", "m").exec(r.stdout) || new RegExp("^\\s*([\\d,]+)\\s.*[ :]" + f + "\\b", "m").exec(r.stdout);
    out[f] = m ? Number(m[1].replace(/,/g, "")) : 0;
  }
  return out;
}

async function main(argv: string[]): Promise<number> {
  const [bin, name = "aggregator1", nArg = "20"] = argv;
  const paths = argv.slice(3).length ? argv.slice(3) : ["/api/state", "/api/session"];
  const s = SCENARIOS.find((x) => x.name === name);
  if (!bin || !s) {
    console.error("usage: npx tsx test/realInterpreter/requestCost.ts ESPRUINO64 [scenario] [N] [path... | idle]");
    return 2;
  }
  const n = Number(nArg);
  const dir = mkdtempSync(join(tmpdir(), "mn-reqcost-"));
  try {
    const prep = startInterpreter(bin, dir);
    try { await bootScenario(prep, s); } finally { prep.proc.kill("SIGKILL"); }
    await new Promise((r) => setTimeout(r, 500));
    for (const path of paths) {
      const c = startUnderCallgrind(bin, dir);
      try {
        await c.waitFor(/\n>/, 0, 120000);
        const from = c.out().length;
        c.send("load()");
        await c.waitFor(/@@MEM boot/, from, 600000);
        await new Promise((r) => setTimeout(r, 3000));
        spawnSync("callgrind_control", ["-z", String(c.proc.pid)]);
        const t0 = Date.now();
        let bytes = 0;
        if (path === "idle") await new Promise((r) => setTimeout(r, 20000));
        else for (let i = 0; i < n; i++) {
          const res = await fetch("http://127.0.0.1:" + AGG_PORT + path, { signal: AbortSignal.timeout(120000) });
          bytes += (await res.arrayBuffer()).byteLength;
          if (res.status >= 400) throw new Error(path + " answered " + res.status);
        }
        const s = (Date.now() - t0) / 1000;
        spawnSync("callgrind_control", ["-d", String(c.proc.pid)]);
        await new Promise((r) => setTimeout(r, 1500));
        const dumps = readdirSync(dir).filter((f) => f.startsWith("cg.out.")).sort();
        const f = inclusive(join(dir, dumps[dumps.length - 1]), ["jswrap_eval", "jsvGarbageCollect", "jsiExecuteEventCallback", "jsiExecuteTimers"]);
        const per = path === "idle" ? 1 : n;
        console.log(`${name} ${path}: ${path === "idle" ? "" : n + " requests, " + bytes + " B, "}${s.toFixed(1)} s under callgrind; per ${path === "idle" ? "window" : "request"}: total ${Math.round(f.total / per)}, eval ${Math.round(f.jswrap_eval / per)}, GC ${Math.round(f.jsvGarbageCollect / per)}, event callbacks ${Math.round(f.jsiExecuteEventCallback / per)}, timers ${Math.round(f.jsiExecuteTimers / per)}`);
        for (const d of dumps) rmSync(join(dir, d));
      } finally {
        c.proc.kill("SIGKILL");
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
