/**
 * `npm run upload` (host/cli/upload.ts) against a simulated meter's console: the config
 * goes to Storage as meternet.json in its own CLI run, the bundle to .bootcde
 * (SAVE_ON_SEND=1, PRETOKENISE=2), the key only into the config, and the uploaded program finds its
 * address after load() and after a power cycle.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConsoleDevice } from "./index.ts";
import { RealClock } from "../runtime/index.ts";
import { main, parseArgs, UsageError } from "../cli/upload.ts";
import { meterKey } from "../../modules/can/kdf.ts";
import { fromHex, toHex } from "../../modules/can/hex.ts";
import { nodeAes } from "../ports/aes.ts";
import { tokenise } from "../../tools/build/pretokenise.js";

const MASTER_HEX = "000102030405060708090a0b0c0d0e0f";

/**
 * > 512 bytes as sent, pretokenised (CLI 0.1.67 needs it to finish): the padding is code,
 * since the tokeniser drops comments; reads the config as the meter app does.
 */
function configReadingScript(): string {
  let s = "var cfg = require(\"Storage\").readJSON(\"meternet.json\", true);\nvar cfgSeen = cfg ? cfg.address : -1;\n";
  for (let i = 0; i < 12; i++) s += "function pad" + i + "() {\n  return \"padding so that the espruino CLI reports completion\" + " + i + ";\n}\n";
  return s + "print('config address', cfgSeen);\n";
}

function readFile(dev: ConsoleDevice, name: string): string | undefined {
  const f = dev.runtime.flash.find(name);
  return f ? Buffer.from(dev.runtime.flash.read(f.dataAddr, f.size)).toString("latin1") : undefined;
}

test("upload --role meter --address 5 to a simulated meter: meternet.json and .bootcde in Storage", { timeout: 90000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "meternet-upload-"));
  try {
    const keyFile = join(dir, "key.json");
    writeFileSync(keyFile, JSON.stringify({ masterKeyHex: MASTER_HEX }));
    const bundle = join(dir, "meter.js");
    const code = configReadingScript();
    writeFileSync(bundle, code);
    const flashPath = join(dir, "flash.img");
    const dev = new ConsoleDevice({ clock: new RealClock(), storagePath: flashPath });
    dev.powerOn();
    const port = await dev.listen(0);
    const rc = await main(["--port", "tcp://127.0.0.1:" + port, "--role", "meter", "--address", "5", "--key-file", keyFile, "--bundle", bundle], 20000);
    assert.equal(rc, 0);
    const cfg = JSON.parse(readFile(dev, "meternet.json") || "null");
    const keyHex = toHex(meterKey(nodeAes(), fromHex(MASTER_HEX), 5));
    assert.deepEqual(cfg, { role: "meter", address: 5, keyHex, name: "meter 5" });
    const boot = readFile(dev, ".bootcde") ?? "";
    assert.equal(boot, tokenise(code), "bundle saved as .bootcde, pretokenised by the CLI (PRETOKENISE=2)");
    assert.ok(!boot.includes(keyHex) && !boot.includes(MASTER_HEX), "no key material in the bundle");
    assert.equal(dev.runtime.global.cfgSeen, 5, "load() ran the bundle, which read its address");
    await dev.close();
    const dev2 = new ConsoleDevice({ storagePath: flashPath });
    dev2.powerOn();
    assert.equal(dev2.runtime.global.cfgSeen, 5, "after a power cycle");
    await dev2.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("upload arguments are checked before anything is sent", () => {
  const bad: Array<[string[], RegExp]> = [
    [["--role", "meter", "--address", "5"], /--port is required/],
    [["--port", "tcp://127.0.0.1:1", "--role", "meter"], /needs --address/],
    [["--port", "tcp://127.0.0.1:1", "--role", "meter", "--address", "64"], /^--address: meter address 64 is not an integer 0\.\.63$/],
    [["--port", "tcp://127.0.0.1:1", "--role", "meter", "--address", "5x"], /^--address: meter address "5x" is not an integer 0\.\.63$/],
    [["--port", "tcp://127.0.0.1:1", "--role", "meter", "--address", "-1"], /needs a value|not an integer/],
    [["--port", "tcp://127.0.0.1:1", "--role", "aggregator", "--meters", "1,64"], /--meters needs addresses 0\.\.63.*meter address 64/],
    [["--port", "tcp://127.0.0.1:1", "--role", "bridge"], /meter or aggregator/],
    [["--port", "/dev/ttyUSB0", "--role", "meter", "--address", "1"], /--key-file is required for real hardware/],
    [["--port", "tcp://127.0.0.1:1", "--role", "aggregator", "--address", "1"], /--address is for meters/],
  ];
  for (const [argv, re] of bad) assert.throws(() => parseArgs(argv), (e: unknown) => e instanceof UsageError && re.test((e as Error).message), argv.join(" "));
  const ok = parseArgs(["--port", "/dev/ttyUSB0", "--role", "aggregator", "--meters", "1,2,3", "--key-file", "k.json"]);
  assert.deepEqual(ok.meters, [1, 2, 3]);
  // the same check as the meter's (meterAddressOf): 0 and 63 are addresses
  assert.equal(parseArgs(["--port", "tcp://127.0.0.1:1", "--role", "meter", "--address", "0"]).address, 0);
  assert.equal(parseArgs(["--port", "tcp://127.0.0.1:1", "--role", "meter", "--address", "63"]).address, 63);
  assert.match(ok.bundle, /build\/aggregator\.js$/);
});
