/**
 * `npm run upload -- ... --mains-hz 60 --mains-v 120`: the options, what goes into
 * meternet.json, and end to end on a simulated 60 Hz meter: the built bundle uploaded
 * by the real espruino CLI starts sampling at 12 780 Hz with 60 Hz / 120 V, and the same
 * upload onto an emulated 50 Hz-only firmware fails (exit 1) with the meter's message.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import { cliCommands, main, nodeConfig, parseArgs, UsageError } from "./upload.ts";
import { withSimulatedMeter } from "./simulatedMeterConsole.ts";

const MASTER = new Uint8Array(16).map((_, k) => k);
const BASE = ["--port", "/dev/ttyUSB0", "--role", "meter", "--address", "5", "--key-file", "k.json"];

test("--mains-hz / --mains-v: checked, and written as meternet.json \"mains\"", () => {
  const a = parseArgs([...BASE, "--mains-hz", "60", "--mains-v", "120"]);
  assert.deepEqual(a.mains, { hz: 60, v: 120 });
  const cfg = nodeConfig(a, MASTER) as { mains: object; address: number };
  assert.deepEqual(cfg.mains, { hz: 60, v: 120 });
  assert.equal(cfg.address, 5);
  assert.match(cliCommands(a, cfg)[0]!.at(-1)!, /\\"mains\\":\{\\"hz\\":60,\\"v\\":120\}/);
  assert.deepEqual(parseArgs([...BASE, "--mains-hz", "50", "--mains-v", "230.5"]).mains, { hz: 50, v: 230.5 });
  const none = parseArgs(BASE);
  assert.equal(none.mains, undefined);
  assert.equal("mains" in nodeConfig(none, MASTER), false, "no options: no mains key (the meter's 50 Hz / 230 V)");
  const bad: Array<[string[], RegExp]> = [
    [[...BASE, "--mains-hz", "55", "--mains-v", "120"], /--mains-hz must be 50 or 60, not '55'/],
    [[...BASE, "--mains-hz", "60", "--mains-v", "12o"], /--mains-v must be the declared voltage in volts, 100\.\.400, not '12o'/],
    [[...BASE, "--mains-hz", "60", "--mains-v", "1200"], /100\.\.400, not '1200'/],
    [[...BASE, "--mains-hz", "60"], /--mains-hz and --mains-v go together/],
    [[...BASE, "--mains-v", "120"], /--mains-hz and --mains-v go together/],
    [["--port", "/dev/ttyUSB0", "--role", "aggregator", "--key-file", "k.json", "--mains-hz", "60", "--mains-v", "120"], /are for meters/],
  ];
  for (const [argv, re] of bad) assert.throws(() => parseArgs(argv), (e: unknown) => e instanceof UsageError && re.test((e as Error).message), argv.join(" "));
});

const METER = new URL("../../build/meter.js", import.meta.url);

/** Uploads build/meter.js with --mains-hz 60 --mains-v 120 to a simulated meter fed 60 Hz; returns the exit code and the console. */
async function uploadTo60HzMeter(fftNMax: 1024 | 2048): Promise<{ rc: number; log: string }> {
  const { result, log } = await withSimulatedMeter({ fftNMax, frequencyHz: 60.02, v: 120 }, async (m) => {
    const bundle = join(m.dir, "meter.js");
    copyFileSync(METER, bundle);
    return main(["--port", "tcp://127.0.0.1:" + m.port, "--role", "meter", "--address", "3", "--key-file", m.keyFile, "--bundle", bundle, "--mains-hz", "60", "--mains-v", "120"], 60000);
  });
  return { rc: result, log };
}

test("upload --mains-hz 60 --mains-v 120 onto a 60 Hz meter: it samples at 12780 Hz (needs npm run build)", { timeout: 90000 }, async (t) => {
  if (!existsSync(METER)) return t.skip("build/meter.js missing: run `npm run build`");
  const { rc, log } = await uploadTo60HzMeter(2048);
  assert.equal(rc, 0, log);
  assert.match(log, /meternet meter: sampling at 12780 Hz, mains 60 Hz 120 V/);
  assert.doesNotMatch(log, /Uncaught|NOT measuring/);
});

test("the same upload onto the 50 Hz firmware fails, naming the image to flash (needs npm run build)", { timeout: 90000 }, async (t) => {
  if (!existsSync(METER)) return t.skip("build/meter.js missing: run `npm run build`");
  const { rc, log } = await uploadTo60HzMeter(1024);
  assert.equal(rc, 1, log);
  assert.match(log, /NOT measuring: Error: MeterADC\.start: 60 Hz mains needs 12-cycle windows.*make BOARD=METERNET_F107_60HZ/);
});
