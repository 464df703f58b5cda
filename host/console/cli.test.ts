/**
 * The real espruino CLI (0.1.67) against a simulated device's TCP console: upload to
 * RAM, upload with SAVE_ON_SEND=1 (Storage .bootcde, then load()), the meter bundle,
 * and an interactive REPL session driven through the CLI's stdin.
 * REPL decision: the CLI runs with plain pipes (it warns "No process.stdin.setRawMode()
 * - Ctrl-C/etc won't function correctly" and forwards what stdin gives it), so no
 * `script`/tmux pseudo-terminal is needed; it exits when stdin ends.
 *
 * Compared with the real 2v29 Linux interpreter (`espruino --telnet`, port 2323) running
 * the same CLI commands on the same 1.8 KB script (uploadScript()): the upload's console
 * output as the CLI prints it, RAM and SAVE_ON_SEND=1, is byte-identical except
 * (1) the first CLI newline: the telnet console had no prompt on screen so it answered
 * ">", a board whose prompt is up (ours) answers "
>"; (2) the banner starts with
 * "[?7l" on non-Linux boards. A REPL session (var, 1+2, an object, a multi-line
 * function, a ReferenceError) is identical except Espruino's stack-trace lines after
 * "Uncaught ..." ("    at REPL (:1:1)", the line, a caret), which we do not print.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConsoleDevice } from "./index.ts";
import { RealClock } from "../runtime/index.ts";
import { runCli, uploadScript } from "./cliHarness.ts";

function bootcde(dev: ConsoleDevice): string | undefined {
  const f = dev.runtime.flash.find(".bootcde");
  return f ? Buffer.from(dev.runtime.flash.read(f.dataAddr, f.size)).toString("latin1") : undefined;
}

async function withDevice(body: (dev: ConsoleDevice, port: number, dir: string, log: () => string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "meternet-console-"));
  let log = "";
  const dev = new ConsoleDevice({ clock: new RealClock(), storagePath: join(dir, "flash.img"), onConsoleBytes: (b) => { log += b.toString("latin1"); } });
  dev.powerOn();
  const port = await dev.listen(0);
  try {
    await body(dev, port, dir, () => log);
  } finally {
    await dev.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test("espruino CLI uploads a script to RAM over tcp:// (reset, process.env, DLE lines)", { timeout: 90000 }, async () => {
  await withDevice(async (dev, port, dir, log) => {
    const file = join(dir, "up.js");
    writeFileSync(file, uploadScript());
    const cli = runCli(["-p", "tcp://127.0.0.1:" + port, file]);
    const code = await cli.exit(60000);
    assert.equal(code, 0, cli.output());
    assert.match(cli.output(), /Upload Complete/);
    assert.match(cli.output(), /upload ran 20/);
    assert.equal((dev.runtime.global.uploaded as { count: number }).count, 20);
    // the CLI asked for process.env and got our board; reset() printed the banner
    assert.match(log(), /< << \{"VERSION":"2v29","BOARD":"METERNET_F107",.*\} >> >\r\n/);
    assert.match(log(), /espruino\.com/);
    assert.equal(bootcde(dev), undefined, "a RAM upload writes nothing to Storage");
  });
});

test("espruino CLI with SAVE_ON_SEND=1 writes .bootcde through Storage.write, load() runs it, power cycle keeps it", { timeout: 90000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "meternet-console-"));
  const flashPath = join(dir, "flash.img");
  try {
    const file = join(dir, "up.js");
    writeFileSync(file, uploadScript());
    let log = "";
    const dev = new ConsoleDevice({ clock: new RealClock(), storagePath: flashPath, onConsoleBytes: (b) => { log += b.toString("latin1"); } });
    dev.powerOn();
    const port = await dev.listen(0);
    const cli = runCli(["--config", "SAVE_ON_SEND=1", "-p", "tcp://127.0.0.1:" + port, file]);
    const code = await cli.exit(60000);
    assert.equal(code, 0, cli.output());
    assert.match(cli.output(), /upload ran 20/, "load() ran the saved code");
    const saved = bootcde(dev);
    assert.ok(saved && saved.includes("function step19(x)") && saved.includes("print('upload ran', uploaded.count);"), String(saved));
    assert.equal((dev.runtime.global.uploaded as { count: number }).count, 20);
    await dev.close();
    // power cycle: a new device on the same flash image boots .bootcde
    let log2 = "";
    const dev2 = new ConsoleDevice({ storagePath: flashPath, onConsoleBytes: (b) => { log2 += b.toString("latin1"); } });
    dev2.powerOn();
    assert.equal((dev2.runtime.global.uploaded as { count: number }).count, 20);
    assert.match(log2, /upload ran 20/);
    await dev2.close();
    assert.ok(log.length > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("espruino CLI REPL session through stdin: =3, inspect the uploaded program, save() survives a power cycle", { timeout: 90000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "meternet-console-"));
  const flashPath = join(dir, "flash.img");
  let cli: ReturnType<typeof runCli> | undefined;
  let dev: ConsoleDevice | undefined;
  try {
    dev = new ConsoleDevice({ clock: new RealClock(), storagePath: flashPath });
    dev.powerOn();
    dev.execute(uploadScript(), "up.js");
    const port = await dev.listen(0);
    cli = runCli(["-p", "tcp://127.0.0.1:" + port]);
    await cli.waitFor(/Connected/);
    cli.child.stdin.write("1+2\n");
    // No '>' required before the echo: without network the CLI's own getURL error can
    // land between the device's prompt and the echoed line.
    await cli.waitFor(/1\+2\r\n=3\r\n>/);
    cli.child.stdin.write("uploaded.count*2\n");
    await cli.waitFor(/=40\r\n>/);
    cli.child.stdin.write("function twice(v){\n return 2*v;\n}\n");
    await cli.waitFor(/:\}\r\n=function \(v\) \{ \.\.\. \}\r\n>/);
    cli.child.stdin.write("var fromRepl = twice(uploaded.count)\n");
    await cli.waitFor(/=40\r\n>/);
    cli.child.stdin.write("save()\n");
    await cli.waitFor(/Compressed \d+ bytes to \d+\r\n/);
    cli.child.stdin.end();
    assert.equal(await cli.exit(20000), 0, cli.output());
    await dev.close();
    dev = undefined;
    const dev2 = new ConsoleDevice({ storagePath: flashPath });
    dev2.powerOn();
    assert.equal(dev2.runtime.global.fromRepl, 40, "the REPL change was saved");
    assert.equal((dev2.runtime.global.uploaded as { count: number }).count, 20, "the program was saved with it");
    await dev2.close();
  } finally {
    // A failed wait must not leave the CLI or the device holding the test process open.
    cli?.child.kill("SIGKILL");
    if (dev) await dev.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

const METER = new URL("../../build/meter.js", import.meta.url);

test("espruino CLI uploads build/meter.js (with the host MeterADC hook) and the meter starts", { timeout: 90000 }, async (t) => {
  if (!existsSync(METER)) {
    t.skip("build/meter.js missing: run `npm run build`");
    return;
  }
  const { hostMeterAdcClass, conditionSource } = await import("../meterAdc/hostMeterAdc.ts");
  const { demoCondition } = await import("../meterAdc/runMeter.ts");
  const dir = mkdtempSync(join(tmpdir(), "meternet-console-"));
  try {
    const file = join(dir, "meter.js");
    writeFileSync(file, readFileSync(METER));
    let log = "";
    const adcs: Array<{ stop(): void }> = [];
    const dev = new ConsoleDevice({
      clock: new RealClock(),
      onConsoleBytes: (b) => { log += b.toString("latin1"); },
      globals: (rt) => {
        const Adc = hostMeterAdcClass(rt, { source: conditionSource(demoCondition()) }) as new () => { stop(): void };
        return { MeterADC: class extends Adc { constructor() { super(); adcs.push(this); } } };
      },
    });
    dev.powerOn();
    const port = await dev.listen(0);
    const cli = runCli(["-p", "tcp://127.0.0.1:" + port, file]);
    const code = await cli.exit(60000);
    assert.equal(code, 0, cli.output());
    assert.match(log, /meternet meter: sampling at 12800 Hz/);
    assert.doesNotMatch(log, /Uncaught/);
    // the host MeterADC stays subscribed to the clock after dispose(): stop it first
    for (const a of adcs) a.stop();
    await dev.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
