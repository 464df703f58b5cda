/**
 * The meter bundle with the touchscreen UI active, on the real interpreter (Espruino
 * RELEASE_2V29 Linux 32-bit): booted from Storage as measureJsVars.ts boots the meter
 * scenario (prelude.js as .boot0 standing in for MeterADC and CAN1, meternet.json, the
 * bundle as .bootcde), plus .boot1 = a stand-in LCD whose init() answers `true` (UI) or
 * `false` (headless: same stand-in, so its own JsVars cancel) and build/meterUi.js in
 * Storage. Prints the meter's first lines and process.memory() at 10 s and 30 s, and the
 * errors flags. Run by hand:
 *
 *   npm run build && npx tsx bench/ui/realMeterWithUi.ts /work/scratch/bin/espruino32-2600
 */
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startInterpreter, writeFile } from "../../test/realInterpreter/measureJsVars.ts";
import { meterFiles } from "../../host/runtime/accounting/scenarios.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

function lcdStandIn(fitted: boolean): string {
  // counts what the UI draws, so the run shows it drew
  return `global.LCD = { n: 0, init: function () { return ${fitted}; }, rect: function () { this.n++; }, text: function () { this.n++; }, line: function () { this.n++; }, light: function () {} };`;
}

async function run(bin: string, fitted: boolean): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "mn-ui-"));
  const c = startInterpreter(bin, dir);
  try {
    await c.waitFor(/\n>/, 0, 10000);
    await writeFile(c, ".boot0", readFileSync(join(ROOT, "test/realInterpreter/prelude.js"), "latin1"));
    await writeFile(c, ".boot1", lcdStandIn(fitted));
    await writeFile(c, "meterUi.js", readFileSync(join(ROOT, "build/meterUi.js"), "latin1"));
    for (const [name, value] of Object.entries(meterFiles(50))) await writeFile(c, name, JSON.stringify(value));
    await writeFile(c, ".bootcde", readFileSync(join(ROOT, "build/meter.js"), "latin1"));
    const from = c.out().length;
    c.send("load()");
    await c.waitFor(/@@MEM boot free (\d+) usage (\d+) total (\d+)/, from, 30000);
    const t0 = Date.now();
    const rows: string[] = [];
    for (const at of [10, 30]) {
      const wait = t0 + at * 1000 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const f2 = c.out().length;
      c.send(`(function(q){print("@@MEM now",q.usage,q.free,JSON.stringify(E.getErrorFlags()),LCD.n)})(process.memory())`);
      const n = await c.waitFor(/@@MEM now (\d+) (\d+) (\S*) (\d+)/, f2, 20000);
      rows.push(`${at} s: usage ${n[1]}, free ${n[2]}, error flags ${n[3]}, LCD calls ${n[4]}`);
    }
    const lines = c.out().slice(from).split(/\r?\n/).filter((l) => l.trim() && !l.startsWith("@@")).slice(0, 6);
    console.log(`## ${fitted ? "display fitted (UI loaded)" : "headless (LCD.init() false)"}\n` + lines.map((l) => "    " + l).join("\n") + "\n" + rows.join("\n") + "\n");
  } finally {
    c.proc.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

const bin = process.argv[2] || "/work/scratch/bin/espruino32-2600";
await run(bin, false);
await run(bin, true);
