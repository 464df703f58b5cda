/**
 * npm run bench:ui: per screen of the meter's touchscreen UI, with the fixture data
 * (host/ui/fixtureView.ts):
 *  - bytes sent to the LCD to open the screen and for one live update (a new reading a
 *    second later), from the firmware's drawing code (boards/STM32F107/display, compiled
 *    for the host with gcc, counting every SPI byte: commands, windows, pixels);
 *  - the time those bytes take on the wire at the chosen SPI clock (9 MHz, lcdSpiStm32.h);
 *  - the JavaScript work of build/meterUi.js per update: tokens Espruino lexes, counted by
 *    the host runtime's accounting (host/runtime/accounting), x 845.6 x86-64 instructions
 *    per token (its calibration; a proxy, native calls not priced);
 *  - the UI's JsVars with that screen open (host estimate, host/runtime/memoryEstimate.ts).
 * Needs `npm run build` first (build/meterUi.js) and gcc.
 */
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MeterUi, uiSettingsOf } from "../../modules/ui/meterUi.ts";
import { allScreens, screensOf } from "../../modules/ui/screens/index.ts";
import { Rgb565Display } from "../../host/ui/rgb565Display.ts";
import { fixtureView } from "../../host/ui/fixtureView.ts";
import { RecordingDisplay, buildRenderer } from "../../host/ui/nativeRenderer.ts";
import { countWork } from "../../host/runtime/accounting/costHarness.ts";
import { UiRun } from "../../host/ui/uiJsVars.ts";
import { Accounting } from "../../host/runtime/accounting/accounting.ts";

const SPI_HZ = 9e6;
const INSTR_PER_TOKEN = 845.6;
const NAMES = ["home", "measure", "profile", "energy", "quality", "events", "network", "settings", "calibrate"];
const ROOT = new URL("../../", import.meta.url).pathname;
const bundle = readFileSync(join(ROOT, "build/meterUi.js"), "utf8");
/**
 * The screens' Storage modules (build/meterUi/ui<i>.js), instrumented as the resident bundle
 * is (host/runtime/accounting): the program evaluates them from Storage, which the runtime
 * does not instrument, so their instrumented text is what the driver writes there. The
 * instrumentation keeps the module's value (its factory) as the text's last expression.
 */
const instrumenter = new Accounting();
const screenModules = NAMES.map((_, i) => instrumenter.transform(readFileSync(join(ROOT, "build/meterUi/ui" + i + ".js"), "utf8")));

/** SPI bytes of a list of drawing calls, as lcdRender (the firmware's code) counts them. */
function wireBytes(exe: string, lines: string[]): number {
  if (lines.length === 0) return 0;
  const out = execFileSync("sh", ["-c", `"${exe}" 2>&1 >/dev/null`], { input: lines.join("\n") + "\n", encoding: "utf8" });
  return Number(/bytes (\d+)/.exec(out)![1]);
}

/**
 * The fake LCD and MeterADC of the JS runs, and a reading stepping once a second: [UI bundle,
 * fakes and the screens' modules in Storage, start, stepping]; the bundle (part 0) is what countWork instruments.
 */
function driver(screen: number, updates: number, withUi: boolean): string[] {
  const r = JSON.stringify(fixtureView().reading);
  return [
    withUi ? bundle : "",
    (withUi ? screenModules.map((c, i) => `require("Storage").write("ui${i}", ${JSON.stringify(c)});`).join("\n") + "\n" : "") +
    `global.__lcd = { rect: function () {}, text: function () {}, line: function () {}, light: function () {}, on: function (e, f) { this["_" + e] = f; } };
global.__adc = { on: function (e, f) { this["_" + e] = f; } };
global.__r = ${r};`,
    withUi ? `global.__o = global.meterUi(global.__lcd, null, {}, "none.json"); global.__ui = global.__o.ui; global.__adc._reading = global.__o.reading; global.__ui.show(${screen});` : "",
    `(function () {
  var k = 0, r = global.__r, adc = global.__adc;
  function step() {
    k++;
    r.vRmsV = 231 + (k % 7) / 100; r.pW = 1390 + k % 13; r.tS = 3600 + k;
    if (adc._reading) adc._reading(r);
    if (k < ${updates}) setTimeout(step, 1000); else print("@@DONE");
  }
  setTimeout(step, 1000);
})();`,
  ];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "benchui-"));
  try {
    const exe = buildRenderer(dir);
    const rows: string[] = [];
    const run = UiRun.start(bundle);
    const jsVarsOf: number[] = [];
    for (let i = 0; i < 9; i++) jsVarsOf.push(run.screen(i));
    await run.dispose();
    rows.push(`SPI ${SPI_HZ / 1e6} MHz; a full 320x240x16-bit frame is ${wireBytes(exe, ["r 0 0 320 240 0"])} bytes = ${(wireBytes(exe, ["r 0 0 320 240 0"]) * 8 / SPI_HZ * 1000).toFixed(1)} ms on the wire`);
    rows.push("");
    rows.push("| screen | open: bytes to LCD | open: ms at 9 MHz | update: bytes | update: ms | JS tokens per update | ~x86 instr per update | UI JsVars (host estimate) |");
    rows.push("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (let i = 0; i < 9; i++) {
      const host = new Rgb565Display();
      const rec = new RecordingDisplay(host);
      const v = fixtureView();
      const ui = new MeterUi(rec, v, uiSettingsOf({}), screensOf(allScreens()), () => {});
      rec.lines = [];
      ui.show(i);
      const open = wireBytes(exe, rec.lines);
      rec.lines = [];
      v.utcS += 1;
      v.reading = Object.assign({}, v.reading!, { vRmsV: 231.39, pW: 1392.4, iRmsA: 6.183 });
      ui.update(v);
      const upd = wireBytes(exe, rec.lines);
      const a = await countWork(driver(i, 11, true), "bundle", 0), b = await countWork(driver(i, 21, true), "bundle", 0);
      const perUpdate = (b.work.t - a.work.t) / 10;
      const jsVars = jsVarsOf[i];
      rows.push(`| ${NAMES[i]} | ${open} | ${(open * 8 / SPI_HZ * 1000).toFixed(1)} | ${upd} | ${(upd * 8 / SPI_HZ * 1000).toFixed(2)} | ${perUpdate.toFixed(0)} | ${(perUpdate * INSTR_PER_TOKEN / 1e3).toFixed(0)} k | ${jsVars} |`);
    }
    const driverOnly = (await countWork(driver(0, 21, false), "all")).work.t - (await countWork(driver(0, 11, false), "all")).work.t;
    rows.push("");
    rows.push(`The driver's own step (a reading to an absent UI) is ${(driverOnly / 10).toFixed(0)} tokens per update and is included above.`);
    rows.push(`build/meterUi.js: ${Buffer.byteLength(bundle)} bytes.`);
    console.log(rows.join("\n"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
