// meternet ota --slcan (host/cli/otaSlcan.ts): the aggregator's OTA sender C run by the CLI over
// an SLCAN adapter, here the virtual bus's TCP endpoint (RealClock) with meters whose OTA C sits
// behind bxCAN models (otaAttach.ts); a wrong master key is refused by every meter, per meter.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VirtualCanBus } from "../canbus/bus.ts";
import { linkToClock } from "../canbus/clockLink.ts";
import { attachOtaMeter, type OtaMeterHandle, otaMeterModel } from "../canbus/otaAttach.ts";
import { startSlcanTcpServer } from "../canbus/slcanTcpServer.ts";
import { secocAddon } from "../native/secoc.ts";
import { OTA_BOOT_TRIAL, OTA_EV_END, OTA_EV_PROGRESS, OTA_EV_START, OTA_EV_VERDICT, OTA_VERIFIED, otaBootReport } from "../native/ota.ts";
import { RealClock } from "../runtime/clock.ts";
import { defaultCounter, openSlcan, otaOverSlcan, parseOtaSlcanArgs } from "./otaSlcan.ts";

const MASTER = new Uint8Array(16).map((_, i) => 0x30 + i);
const hex = (k: Uint8Array) => Buffer.from(k).toString("hex");

type Meter = OtaMeterHandle & { events: number[][] };

/** boot: what a meter's boot does after the switch (its trial, then confirm or revert), as the boot report the watch reads. */
async function withBus(addresses: number[], run: (port: number, meters: Meter[]) => Promise<void>, boot?: (address: number, report: (r: number) => void) => void): Promise<void> {
  const bus = new VirtualCanBus({ bitrate: 125000 });
  const link = linkToClock(bus.scheduler, new RealClock());
  const meters = addresses.map((address) => {
    const model = otaMeterModel(bus, address);
    const events: number[][] = [];
    const onEvent = (t: number, a: number, b: number) => {
      events.push([t, a, b]);
      if (t === OTA_EV_END && a === 0 && boot) boot(address, (r) => h.native.setBootReport(r)); // switched: it boots the new script
    };
    const h = attachOtaMeter(bus, model, { key: secocAddon().meterKey(MASTER, address), address, image: 1, storedCounter: 4, onEvent });
    return Object.assign(h, { events });
  });
  const server = await startSlcanTcpServer(bus, 0);
  try {
    await run(server.port, meters);
  } finally {
    for (const m of meters) m.detach();
    await server.close();
    link.detach();
  }
}

/** Runs `meternet ota --slcan ...` in this process; returns its exit code and what it printed. */
async function cli(argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = console.log, err = console.error;
  console.log = (...a: unknown[]) => { lines.push(a.join(" ")); };
  console.error = (...a: unknown[]) => { lines.push(a.join(" ")); };
  try {
    const { main: otaMain } = await import("./ota.ts"); // the --slcan switch of meternet ota
    return { code: await otaMain(argv), out: lines.join("\n") };
  } finally {
    console.log = log;
    console.error = err;
  }
}

function files(bytes: Uint8Array, key: Uint8Array): { bundle: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), "otaslcan-"));
  writeFileSync(join(dir, "meter.js"), bytes);
  writeFileSync(join(dir, "key.json"), JSON.stringify({ masterKeyHex: hex(key) }));
  return { bundle: join(dir, "meter.js"), key: join(dir, "key.json") };
}

test("--slcan needs the adapter, the bundle, the meters and the key file; the counter defaults to the minute", () => {
  const a = parseOtaSlcanArgs(["--slcan", "/dev/ttyACM0", "--bundle", "b", "--meters", "1-3", "--key-file", "k.json"]);
  assert.deepEqual([a.slcan, a.meters, a.counter, a.image, a.bitrate, a.watch], ["/dev/ttyACM0", [1, 2, 3], undefined, 1, 125000, true]);
  assert.equal(parseOtaSlcanArgs(["--slcan", "x", "--bundle", "b", "--meters", "1", "--key-file", "k", "--counter", "77", "--no-watch"]).counter, 77);
  assert.throws(() => parseOtaSlcanArgs(["--slcan", "x", "--bundle", "b", "--key-file", "k"]), /--meters LIST is needed/);
  assert.throws(() => parseOtaSlcanArgs(["--slcan", "x", "--bundle", "b", "--meters", "1"]), /--key-file F is needed/);
  assert.throws(() => parseOtaSlcanArgs(["--slcan", "x", "--bundle", "b", "--meters", "1", "--key-file", "k", "--counter", "0"]), /--counter/);
  assert.equal(defaultCounter(Date.UTC(2026, 11, 7, 23, 30, 59)), Math.floor(Date.UTC(2026, 11, 7, 23, 30) / 60000));
});

test("meternet ota --slcan updates 3 meters on the virtual bus over SLCAN/TCP: each holds, verifies and switches", async () => {
  const image = new Uint8Array(randomBytes(3000));
  const f = files(image, MASTER);
  await withBus([1, 2, 3], async (port, meters) => {
    const r = await cli(["--slcan", "socket://127.0.0.1:" + port, "--bundle", f.bundle, "--meters", "1-3", "--key-file", f.key, "--counter", "5", "--no-watch"]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /security counter 5/);
    assert.match(r.out, /ota: all 3 meters switched/);
    assert.match(r.out, /1 switched 500\/500, 2 switched 500\/500, 3 switched 500\/500/);
    for (const m of meters) {
      assert.deepEqual(Buffer.from(m.native.staged()), Buffer.from(image), "the meter holds the image");
      assert.deepEqual(m.events[0], [OTA_EV_START, 5, 500], "the transfer of counter 5 began");
      assert.ok(m.events.some((e) => e[0] === OTA_EV_VERDICT && e[1] === OTA_VERIFIED), "verified: " + JSON.stringify(m.events));
      assert.equal(m.native.info()[3], 5, "the new counter is stored");
    }
  });
});

test("a wrong key file: every meter refuses the manifest (mac), the CLI says so per meter and exits 1", async () => {
  const f = files(new Uint8Array(randomBytes(600)), new Uint8Array(16).fill(0x99));
  await withBus([1, 2], async (port, meters) => {
    const r = await cli(["--slcan", "socket://127.0.0.1:" + port, "--bundle", f.bundle, "--meters", "1,2", "--key-file", f.key, "--counter", "5", "--no-watch"]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /ota: 2 of 2 meters NOT switched: 1 failed \(mac\), 2 failed \(mac\)/);
    for (const m of meters) {
      assert.equal(m.native.refused()[2], 1, "one refusal for its MAC");
      assert.ok(!m.events.some((e) => e[0] === OTA_EV_START), "no transfer began");
      assert.equal(m.native.info()[3], 4, "the stored counter is unchanged");
    }
  });
});

test("watching (the default): the CLI waits for each meter's boot report; one confirms its trial, one reverts (deadline): exit 1", async () => {
  const f = files(new Uint8Array(randomBytes(600)), MASTER);
  const timers: NodeJS.Timeout[] = [];
  const boot = (address: number, report: (r: number) => void) => {
    report(OTA_BOOT_TRIAL);
    timers.push(setTimeout(() => report(address === 1 ? otaBootReport(false, 0) : otaBootReport(false, 3)), 4500)); // 3: MN_REVERT_DEADLINE
  };
  await withBus([1, 2], async (port) => {
    const r = await cli(["--slcan", "socket://127.0.0.1:" + port, "--bundle", f.bundle, "--meters", "1-2", "--key-file", f.key, "--counter", "6"]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /watching: 1 trial 100\/100, 2 trial 100\/100/, "the watch sees the trials (asked every 2 s)");
    assert.match(r.out, /ota: 1 of 2 meters did NOT confirm the new script: 2 reverted \(deadline\)/);
  }, boot);
  for (const t of timers) clearTimeout(t);
});

test("a bundle of the real meter bundle's size (20 221 B, build/stored/meter.js) to 3 meters over SLCAN/TCP: the time it takes", async (t) => {
  const image = new Uint8Array(randomBytes(20221));
  const f = files(image, MASTER);
  await withBus([1, 2, 3], async (port, meters) => {
    const t0 = Date.now();
    const r = await cli(["--slcan", "socket://127.0.0.1:" + port, "--bundle", f.bundle, "--meters", "1-3", "--key-file", f.key, "--counter", "7", "--no-watch"]);
    const s = (Date.now() - t0) / 1000;
    assert.equal(r.code, 0, r.out);
    for (const m of meters) assert.deepEqual(Buffer.from(m.native.staged()), Buffer.from(image));
    const frames = Math.ceil(image.length / 6);
    t.diagnostic(`20221 B (${frames} chunk frames) to 3 meters over SLCAN/TCP at 125 kbit/s: ${s.toFixed(1)} s, ${Math.round(frames / s)} chunk frames/s; ` + (/adapter: .*/.exec(r.out) || [""])[0]);
    assert.ok(s < 25, "well under the test's budget: " + s + " s");
  });
});

test("cancelled mid-transfer (Ctrl-C): each meter hears the abort and drops the transfer; reported per meter", async () => {
  const f = files(new Uint8Array(randomBytes(9000)), MASTER);
  const ac = new AbortController();
  await withBus([1, 2], async (port, meters) => {
    const link = await openSlcan("socket://127.0.0.1:" + port);
    const lines: string[] = [];
    const watch = setInterval(() => { // cancel once every meter has some of the image (under load, whenever that is)
      if (meters.every((m) => m.events.some((e) => e[0] === OTA_EV_PROGRESS))) { clearInterval(watch); ac.abort(); }
    }, 20);
    const out = await otaOverSlcan({ link, bitrate: 125000, bytes: new Uint8Array(readFileSync(f.bundle)), masterKey: MASTER, meters: [1, 2], image: 1, counter: 8, version: 8, watch: false, log: (l) => lines.push(l), signal: ac.signal });
    assert.deepEqual(out.map((t) => [t.a, t.state, t.cause]), [[1, "failed", "cancelled"], [2, "failed", "cancelled"]], lines.join("\n"));
    assert.match(lines.join("\n"), /adapter: .*; ([1-9]\d*) chunk frames/, "cancelled mid-transfer, after chunks went out");
    for (const m of meters) assert.equal(m.events[0][0], OTA_EV_START, "the transfer had begun");
    for (const m of meters) assert.ok(!m.events.some((e) => e[0] === OTA_EV_VERDICT), "no verdict: the image was incomplete");
    for (const m of meters) assert.deepEqual(m.events[m.events.length - 1], [OTA_EV_END, 3, 8], "the meter's JavaScript hears the abort (3: aborted, of version 8)");
  });
});
