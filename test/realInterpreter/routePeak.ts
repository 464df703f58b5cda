/**
 * One route's JsVar peak on the real interpreter, alone (issue 16): boots a "web" scenario
 * of host/runtime/accounting/scenarios.ts as measureJsVars.ts does (requestPeak.js
 * records the JsVars in use at each reply's write/end), lets it settle, then fetches each
 * PATH N times one after another, nothing else in between, and prints per request its
 * status, bytes, the peak in use without a garbage collection (live + garbage: what the
 * heap must hold) and with one (--gc: what the request holds live), and the heap after
 * it (process.memory(), which collects). measureJsVars.ts's browser fetches every route
 * each second, so its peak cannot say which route or request made it; this can.
 *
 *   npm run build && flock /work/scratch/interp.lock npx tsx test/realInterpreter/routePeak.ts BIN SCENARIO [--gc] [--stored] [--n N] [--wait S] PATH...
 *
 * e.g. BIN=/work/scratch/bin/espruino32-3800 SCENARIO=aggregator1web PATH=/api/bill.
 * --wait S: seconds after boot before the first request (default 5; the aggregator's
 * first 15-minute interval closes at the next quarter hour, so the ledger holds today
 * only after one). Never downloads; CI does not run it (CI has no interpreter).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SCENARIOS, AGG_PORT } from "../../host/runtime/accounting/scenarios.ts";
import { bootScenario, setCodeDir, startInterpreter, type Console } from "./measureJsVars.ts";

function option(argv: string[], name: string, dflt: number): number {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
}

/** Sends a console line that prints "@@<mark> ..." and waits for that line. */
async function ask(c: Console, mark: string, expr: string): Promise<string> {
  const from = c.out().length;
  c.send(`print("@@${mark}",${expr})`);
  const m = await c.waitFor(new RegExp("@@" + mark + " ([^\\r\\n]*)"), from, 30000);
  return m[1];
}

async function main(argv: string[]): Promise<number> {
  const [bin, name] = argv;
  const s = SCENARIOS.find((x) => x.name === name);
  const paths = argv.slice(2).filter((a, i, all) => a.startsWith("/") && !["--n", "--wait"].includes(all[i - 1]));
  if (!bin || !s || !s.client || !paths.length) {
    console.error("usage: npx tsx test/realInterpreter/routePeak.ts BIN WEB_SCENARIO [--gc] [--stored] [--n N] [--wait S] PATH...\nweb scenarios: " + SCENARIOS.filter((x) => x.client).map((x) => x.name).join(" "));
    return 2;
  }
  if (argv.includes("--stored")) setCodeDir("build/stored");
  const n = option(argv, "--n", 3);
  const dir = mkdtempSync(join(tmpdir(), "mn-routepeak-"));
  const c = startInterpreter(bin, dir);
  let from = 0;
  try {
    const { boot, bootFrom } = await bootScenario(c, s);
    from = bootFrom;
    console.log(`${name}: boot usage ${boot[2]} of ${boot[3]}`);
    await new Promise((r) => setTimeout(r, option(argv, "--wait", 5) * 1000));
    if (argv.includes("--gc")) await ask(c, "GC", "reqPeak.gc=true");
    console.log(`before: ${await ask(c, "M", "process.memory().usage,JSON.stringify(E.getErrorFlags())")}`);
    for (const p of paths) {
      for (let i = 0; i < n; i++) {
        await ask(c, "Z", "reqPeak.max=0,reqPeak.by={}");
        let status = 0, bytes = 0, err = "";
        try {
          const r = await fetch("http://127.0.0.1:" + AGG_PORT + p, { signal: AbortSignal.timeout(60000) });
          status = r.status;
          bytes = (await r.arrayBuffer()).byteLength;
        } catch (e) {
          err = (e as Error).message;
        }
        await new Promise((r) => setTimeout(r, 300));
        const peak = await ask(c, "P", "reqPeak.max,process.memory(false).usage,process.memory().usage,JSON.stringify(E.getErrorFlags())");
        const [pk, noGc, gc, flags] = peak.split(" ");
        console.log(`${p} #${i + 1}: ${err || status + " " + bytes + " B"}; peak ${pk}${argv.includes("--gc") ? " (collected)" : ""}; after: ${noGc} before GC, ${gc} after; flags ${flags}`);
      }
    }
    return 0;
  } catch (e) {
    console.log("FAILED: " + (e as Error).message);
    return 1;
  } finally {
    const tail = c.out().slice(from).split(/\r?\n/).filter((l) => /error|memory|uncaught|at /i.test(l) && !l.startsWith("@@"));
    if (tail.length) console.log("console:\n  " + tail.slice(0, 30).join("\n  "));
    c.proc.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
