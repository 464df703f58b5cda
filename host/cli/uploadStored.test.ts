/**
 * npm run upload stores the stored (pretokenised) form: byte for byte what the build
 * writes to build/stored/ (tools/build/pretokenise.js). End to end on a simulated meter:
 * the real espruino CLI with PRETOKENISE=2 writes .bootcde, our script writes the UI file
 * (--ui), and the meter, whose host runtime decodes the tokens as the device's lexer,
 * starts measuring.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { byteStringLiteral, main, parseArgs, uiUploadScript, UI_WRITTEN, UsageError } from "./upload.ts";
import { ConsoleDevice } from "../console/index.ts";
import { RealClock } from "../runtime/index.ts";
import { hostMeterAdcClass, conditionSource } from "../meterAdc/hostMeterAdc.ts";

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

test("upload --ui onto a simulated meter: .bootcde and meterUi.js are build/stored's bytes, and the meter measures (needs npm run build)", { timeout: 120000 }, async (t) => {
  if (!existsSync(STORED_METER)) return t.skip("build/stored/meter.js missing: run `npm run build`");
  const dir = mkdtempSync(join(tmpdir(), "meternet-upload-stored-"));
  const adcs: Array<{ stop(): void }> = [];
  let log = "";
  const dev = new ConsoleDevice({
    clock: new RealClock(),
    onConsoleBytes: (b) => { log += b.toString("latin1"); },
    globals: (rt) => {
      const Adc = hostMeterAdcClass(rt, { fftNMax: 1024, source: conditionSource({ frequencyHz: 50, v: { rms: 230 }, i: { rms: 5 }, displacementRad: 0.2, seed: 5 }) }) as new () => { stop(): void };
      return { MeterADC: class extends Adc { constructor() { super(); adcs.push(this); } } };
    },
  });
  try {
    const keyFile = join(dir, "key.json");
    writeFileSync(keyFile, JSON.stringify({ masterKeyHex: "000102030405060708090a0b0c0d0e0f" }));
    dev.powerOn();
    const port = await dev.listen(0);
    const rc = await main(["--port", "tcp://127.0.0.1:" + port, "--role", "meter", "--address", "3", "--key-file", keyFile, "--ui"], 90000);
    assert.equal(rc, 0, log);
    const read = (name: string) => dev.runtime.eval(`require("Storage").read(${JSON.stringify(name)})`) as string;
    assert.equal(read(".bootcde"), readFileSync(STORED_METER, "latin1"), ".bootcde is the CLI's PRETOKENISE=2 form = build/stored/meter.js");
    assert.equal(read("meterUi.js"), readFileSync(join(ROOT, "build/stored/meterUi.js"), "latin1"));
    assert.match(log, /1 UI file written/);
    assert.match(log, /meternet meter: sampling at 12800 Hz/);
    assert.doesNotMatch(log, /Uncaught|NOT measuring/);
  } finally {
    for (const a of adcs) a.stop();
    await dev.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
