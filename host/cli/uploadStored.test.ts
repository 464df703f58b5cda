/**
 * npm run upload stores the stored (pretokenised) form: byte for byte what the build
 * writes to build/stored/ (tools/build/pretokenise.js). End to end on a simulated meter:
 * the real espruino CLI with PRETOKENISE=2 writes .bootcde, our script writes the UI file
 * (--ui), and the meter, whose host runtime decodes the tokens as the device's lexer,
 * starts measuring.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { byteStringLiteral, main, parseArgs, uiUploadScript, UI_WRITTEN, UsageError } from "./upload.ts";
import { withSimulatedMeter } from "./simulatedMeterConsole.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

test("byteStringLiteral: printable ASCII only, and evaluates back to every byte", () => {
  let all = "";
  for (let c = 0; c < 256; c++) all += String.fromCharCode(c);
  const lit = byteStringLiteral(all + "07\x0007");
  assert.match(lit, /^[\x20-\x7e]*$/);
  assert.equal(eval(lit), all + "07\x0007");
  assert.throws(() => byteStringLiteral("\u0100"), /not a byte/);
});

test("--ui is for meters; the UI script names its file and confirms without quoting itself", () => {
  assert.equal(parseArgs(["--port", "tcp://127.0.0.1:1", "--role", "meter", "--address", "1", "--ui"]).ui, true);
  assert.throws(() => parseArgs(["--port", "tcp://127.0.0.1:1", "--role", "aggregator", "--ui"]), (e: unknown) => e instanceof UsageError && /--ui is for meters/.test((e as Error).message));
  const script = uiUploadScript(new Map([["meterUi.js", "\xd1\x02hi"]]));
  assert.ok(script.includes('S.write("meterUi.js","\\xd1\\x02hi",0,4);'), script);
  assert.ok(!script.includes(UI_WRITTEN));
});

const STORED_METER = join(ROOT, "build/stored/meter.js");

test("upload --ui onto a simulated meter: .bootcde, meterUi.js and the screens' ui<i> are build/stored's bytes, and the meter measures (needs npm run build)", { timeout: 120000 }, async (t) => {
  if (!existsSync(STORED_METER)) return t.skip("build/stored/meter.js missing: run `npm run build`");
  const { result: stored, log } = await withSimulatedMeter({ fftNMax: 1024, frequencyHz: 50, v: 230 }, async (m) => {
    const rc = await main(["--port", "tcp://127.0.0.1:" + m.port, "--role", "meter", "--address", "3", "--key-file", m.keyFile, "--ui"], 90000);
    const read = (name: string) => m.dev.runtime.eval(`require("Storage").read(${JSON.stringify(name)})`) as string;
    return { rc, bootcde: read(".bootcde"), ui: read("meterUi.js"), screens: [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => read("ui" + i)) };
  });
  assert.equal(stored.rc, 0, log);
  assert.equal(stored.bootcde, readFileSync(STORED_METER, "latin1"), ".bootcde is the CLI's PRETOKENISE=2 form = build/stored/meter.js");
  assert.equal(stored.ui, readFileSync(join(ROOT, "build/stored/meterUi.js"), "latin1"));
  // the screens' Storage modules too (app/meterUi/screens/, evaluated when a screen opens)
  stored.screens.forEach((code, i) => assert.equal(code, readFileSync(join(ROOT, "build/stored/meterUi/ui" + i + ".js"), "latin1"), "ui" + i));
  assert.match(log, /10 UI files written/);
  assert.match(log, /meternet meter: sampling at 12800 Hz/);
  assert.doesNotMatch(log, /Uncaught|NOT measuring/);
});
