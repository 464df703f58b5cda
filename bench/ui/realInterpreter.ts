/**
 * The UI's JsVars on the real interpreter (Espruino RELEASE_2V29, Linux 32-bit, 13-byte
 * JsVars), as the meter runs it: build/meterUi.js and its screen modules build/meterUi/ui<i>.js
 * written to Storage and evaluated from there (function code stays in flash), a fake LCD and MeterADC, each screen shown and
 * three readings given; process.memory().usage (garbage-collected) before the UI and with
 * each screen. Run by hand (CI has no interpreter):
 *
 *   npm run build && npx tsx bench/ui/realInterpreter.ts /work/scratch/bin/espruino32-2600
 */
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startInterpreter, writeFile } from "../../test/realInterpreter/measureJsVars.ts";
import { FAKES } from "../../host/ui/uiJsVars.ts";
import { UiRun } from "../../host/ui/uiJsVars.ts";

const NAMES = ["home", "measure", "profile", "energy", "quality", "events", "network", "settings", "calibrate"];

async function main(bin: string): Promise<void> {
  const ROOT = new URL("../../", import.meta.url).pathname;
  const bundle = readFileSync(join(ROOT, "build/meterUi.js"), "utf8");
  const dir = mkdtempSync(join(tmpdir(), "uireal-"));
  const c = startInterpreter(bin, dir);
  try {
    await c.waitFor(/\n>/, 0, 20000);
    await writeFile(c, "meterUi.js", bundle);
    // the screens' Storage modules (app/meterUi/screens/), evaluated when a screen opens
    for (let i = 0; i < NAMES.length; i++) await writeFile(c, "ui" + i, readFileSync(join(ROOT, "build/meterUi/ui" + i + ".js"), "utf8"));
    await writeFile(c, "fakes.js", FAKES.replace(/\n/g, " "));
    const ask = async (tag: string, code: string): Promise<number> => {
      const from = c.out().length;
      c.send(`${code};print("@@${tag}",process.memory().usage)`);
      const m = await c.waitFor(new RegExp(`@@${tag} (\\d+)`), from, 20000);
      return Number(m[1]);
    };
    await ask("F", `global.eval(require("Storage").read("fakes.js"))`);
    const before = await ask("B", "0");
    await ask("L", `global.eval(require("Storage").read("meterUi.js"));global.__o=global.meterUi(global.__lcd,null,{},"none.json");global.__ui=global.__o.ui;global.__adc._reading=global.__o.reading;`);
    const host = UiRun.start(bundle);
    console.log("| screen | real interpreter: UI JsVars | host estimate | error |\n|---|---:|---:|---:|");
    for (let i = 0; i < 9; i++) {
      const used = (await ask("S" + i, `global.__ui.show(${i});global.__step(3)`)) - before;
      const est = host.screen(i);
      console.log(`| ${NAMES[i]} | ${used} | ${est} | ${(((est - used) / used) * 100).toFixed(1)} % |`);
    }
    await host.dispose();
    const errs = /(Uncaught [^\n]*|ERROR[^\n]*|OUT OF MEMORY)/.exec(c.out());
    if (errs) console.log("interpreter said: " + errs[1]);
  } finally {
    c.proc.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main(process.argv[2] || "/work/scratch/bin/espruino32-2600");
