/**
 * bench/ota/switchRun.ts: the whole update in the simulator, switch and trial included
 * (issue 18's end-to-end runs), with the real bundles:
 *
 *   npm run build && npx tsx bench/ota/switchRun.ts [--meters 63]
 *
 * 1. every meter is updated to a changed bundle (build/meter.js + a marker line that sets
 *    `otaVersion = 2`), through the boards' C on the bit-timed bus while the aggregator
 *    polls; a meter that switches (its boot record, otaBoot.c, on the meter's FRAM model)
 *    restarts on the staged bytes, as the boot hook will do on the board (the active slot
 *    copied into Storage .bootcde, then a reset); its trial is confirmed once it has run
 *    10 s with no uncaught error and answered polls; prints who runs which version, the
 *    polls after the switch, and how long each meter did not measure across the switch
 *    (simulated time from the switch to its next kernel window);
 * 2. then every meter is updated to a bundle that fails at start (throws before it does
 *    anything): no meter confirms, each trial reaches its 30 s deadline, the record
 *    reverts (reason "deadline"), the meter restarts on the previous script and answers
 *    polls again.
 *
 * What is the simulator's and not the board's: the boot hook is this harness (decide,
 * copy, reset), and "not measuring" is the simulator's restart, not the chip's flash copy
 * and boot (README.md gives the datasheet arithmetic for those).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SimNetwork, type SimNode } from "../../host/sim/network.ts";
import { attachOtaAggregator, attachOtaMeter, type OtaMeterHandle } from "../../host/canbus/otaAttach.ts";
import { secocAddon } from "../../host/native/secoc.ts";
import { tokenise } from "../../tools/build/pretokenise.js";
import { otaAddon, OTA_EV_END, OTA_PH_DONE, OTA_T_SWITCHED, BOOT_F_VALID_A, RESET_POWER, otaCauseName, type NativeOtaBoot } from "../../host/native/ota.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const MASTER = new Uint8Array(16).fill(0x42);
const BOOT_AT = 256; // the boot record's two copies on the meter's FRAM (after the billing ring)
const CONFIRM_AFTER_MS = 10000;
const TRIAL_DEADLINE_MS = 30000;
const REVERT_DEADLINE = 3; // otaBoot.h MN_REVERT_DEADLINE

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}

interface Meter {
  node: SimNode;
  address: number;
  boot: NativeOtaBoot;
  /** The scripts in the two slots (the NOR of the flash map). */
  slots: [string, string];
  counter: number;
  ota: OtaMeterHandle | null;
  trialSinceMs: number;
  answeredAtSwitch: number;
  windowsAtSwitch: number;
  switchedAtMs: number;
  notMeasuringMs: number;
  reverted: number;
  confirmed: boolean;
  uncaughtAtSwitch: number;
}

async function main(): Promise<void> {
  const n = Number(arg("--meters", "8"));
  // the stored (pretokenised) bundle: what a meter's Storage holds and its 22 528-byte slot is for
  const v1 = readFileSync(root + "build/stored/meter.js", "latin1");
  const v2 = v1 + tokenise("\nvar otaVersion = 2;\n");
  const bad = tokenise("throw new Error('ota test: this script fails at start');\n") + v1;
  const net = new SimNetwork({
    meters: n, speed: 1, masterKey: MASTER, aggregatorBundle: readFileSync(root + "build/aggregator.js", "utf8"), meterBundle: v1,
    httpPort: 0, slcanPort: -1, epochMs: Date.UTC(2026, 5, 21, 9, 0), startOfDayS: 11 * 3600, dipsPerSlot: 0, output: () => {}, siteData: false, cogenerator: false, otaBinding: false,
  });
  const bus = net.bus;
  const nowMs = () => bus.scheduler.nowUs() / 1000;
  const linkAnswered = (address: number) => { const o = new Uint32Array(5); net.aggregator.can.linkMeter(address, o); return o[1]; };
  const meters: Meter[] = net.nodes.filter((x) => x.meter).map((node) => {
    const fram = node.board!.fram;
    const boot = new (otaAddon().OtaBoot)({ read: (o, k) => fram.read(BOOT_AT + o, k), write: (o, d) => { fram.write(BOOT_AT + o, d); return 0; } });
    boot.setRecord(0, BOOT_F_VALID_A); // factory: slot A holds the script the meter runs
    boot.save();
    return { node, address: node.meter!.address, boot, slots: [v1, ""], counter: 0, ota: null, trialSinceMs: -1, answeredAtSwitch: 0, windowsAtSwitch: 0, switchedAtMs: 0, notMeasuringMs: -1, reverted: 0, confirmed: false, uncaughtAtSwitch: 0 };
  });
  /** The boot hook: the record decides, the active slot goes to Storage, the runtime restarts on it. */
  const restart = (m: Meter) => {
    m.boot.load();
    const slot = m.boot.decide(RESET_POWER);
    const script = m.slots[slot];
    m.node.rt.eval(`require("Storage").write(".bootcde", ${JSON.stringify(script)})`);
    m.node.rt.load();
  };
  const version = (m: Meter): string => {
    try { return String(m.node.rt.eval("typeof otaVersion === 'undefined' ? 1 : otaVersion")); } catch { return "?"; }
  };
  const update = (bundle: string, counter: number, tag: number): { ms: number; switched: number; failed: string[] } => {
    const bytes = new Uint8Array(Buffer.from(bundle, "latin1"));
    for (const m of meters) {
      m.confirmed = false;
      m.trialSinceMs = -1;
      const inactive = (m.boot.record()[1] as number) ^ 1;
      m.ota = attachOtaMeter(bus, m.node.can, {
        key: secocAddon().meterKey(MASTER, m.address), address: m.address, image: 1, storedCounter: m.counter,
        onEvent: (type, a) => {
          if (type !== OTA_EV_END || a !== 0) return;
          // the commit: the staged slot becomes valid and active in trial, then the boot hook runs
          m.boot.load();
          m.boot.beginStaging();
          m.slots[inactive] = Buffer.from(m.ota!.native.staged()).toString("latin1");
          m.boot.staged();
          m.boot.switchSlot();
          m.answeredAtSwitch = linkAnswered(m.address);
          m.windowsAtSwitch = m.node.adc!.windows;
          m.switchedAtMs = nowMs();
          m.notMeasuringMs = -1;
          m.trialSinceMs = nowMs();
          // the link's part is over (its commit answer is in a mailbox): off before the restart clears the filters
          m.ota!.detach();
          m.ota = null;
          // the restart after the answer has left (the boot hook runs at the reset, not in the receive path)
          pendingRestarts.push({ m, atMs: nowMs() + 50 });
        },
      });
    }
    const t0 = nowMs();
    const a = attachOtaAggregator(bus, net.aggregator.can, { bytes, masterKey: MASTER, addresses: meters.map((m) => m.address), version: counter, counter, image: 1, tag, autoCommit: true });
    while (a.native.phase() < OTA_PH_DONE) {
      net.clock.advance(20);
      flushRestarts();
      if (nowMs() - t0 > 120000) throw new Error("update not done in 120 s");
    }
    const ms = nowMs() - t0;
    const t = a.native.targets();
    const failed: string[] = [];
    let switched = 0;
    for (let i = 0; i < t.length; i += 5) {
      if (t[i + 1] === OTA_T_SWITCHED) switched++;
      else failed.push(t[i] + ": " + otaCauseName(t[i + 2]));
    }
    a.detach();
    for (const m of meters) { if (m.ota) m.ota.detach(); m.ota = null; m.counter = counter; }
    return { ms, switched, failed };
  };
  const pendingRestarts: { m: Meter; atMs: number }[] = [];
  const flushRestarts = () => {
    for (let i = 0; i < pendingRestarts.length;) {
      if (pendingRestarts[i].atMs <= nowMs()) { restart(pendingRestarts[i].m); pendingRestarts.splice(i, 1); } else i++;
    }
  };
  /** The trial, as the meter's JavaScript and the watchdog would run it: confirm when healthy, revert at the deadline. */
  const trial = (limitMs: number) => {
    const t0 = nowMs();
    while (nowMs() - t0 < limitMs) {
      net.clock.advance(100);
      flushRestarts();
      for (const m of meters) {
        if (m.notMeasuringMs < 0 && m.node.adc!.windows > m.windowsAtSwitch) m.notMeasuringMs = nowMs() - m.switchedAtMs;
        if (m.trialSinceMs < 0) continue;
        const age = nowMs() - m.trialSinceMs;
        if (age >= CONFIRM_AFTER_MS && m.node.uncaught === m.uncaughtAtSwitch && linkAnswered(m.address) > m.answeredAtSwitch) {
          m.boot.load();
          m.boot.confirm();
          m.confirmed = true;
          m.trialSinceMs = -1;
        } else if (age >= TRIAL_DEADLINE_MS) {
          m.boot.load();
          m.boot.fail(REVERT_DEADLINE);
          m.reverted = m.boot.record()[4];
          m.trialSinceMs = -1;
          m.answeredAtSwitch = linkAnswered(m.address);
          restart(m);
        }
      }
    }
  };
  try {
    await net.start();
    net.clock.advance(6000);
    for (const m of meters) m.uncaughtAtSwitch = m.node.uncaught;
    console.log(`bench/ota switchRun: ${n} meters, build/stored/meter.js (${v1.length} B) on the bit-timed bus, the aggregator polling all of them`);

    const u1 = update(v2, 10, 21);
    trial(TRIAL_DEADLINE_MS + 5000);
    const nm = meters.map((m) => m.notMeasuringMs).filter((x) => x >= 0);
    console.log(`\n1. update to the changed bundle (${v2.length} B): ${(u1.ms / 1000).toFixed(2)} s, ${u1.switched}/${n} switched${u1.failed.length ? ", failed: " + u1.failed.join(", ") : ""}`);
    console.log(`   running version 2: ${meters.filter((m) => version(m) === "2").length}/${n}; trials confirmed: ${meters.filter((m) => m.confirmed).length}/${n}; ` +
      `polls answered since the switch: ${meters.filter((m) => linkAnswered(m.address) > m.answeredAtSwitch).length}/${n} meters; uncaught errors: ${meters.reduce((s, m) => s + m.node.uncaught, 0)}`);
    console.log(`   not measuring across the switch (simulator: switch to the next kernel window): min ${Math.min(...nm).toFixed(0)} ms, max ${Math.max(...nm).toFixed(0)} ms`);

    for (const m of meters) { m.uncaughtAtSwitch = m.node.uncaught; m.reverted = 0; }
    const u2 = update(bad, 11, 22);
    trial(TRIAL_DEADLINE_MS + 10000);
    const reasons = meters.map((m) => m.reverted);
    console.log(`\n2. update to a bundle that fails at start: ${(u2.ms / 1000).toFixed(2)} s, ${u2.switched}/${n} switched (the transfer, verification and switch do not judge the script)`);
    console.log(`   trials confirmed: ${meters.filter((m) => m.confirmed).length}/${n}; reverted at the ${TRIAL_DEADLINE_MS / 1000} s deadline (reason ${REVERT_DEADLINE} "deadline"): ${reasons.filter((r) => r === REVERT_DEADLINE).length}/${n}`);
    console.log(`   back on version 2: ${meters.filter((m) => version(m) === "2").length}/${n}; answering polls again: ${meters.filter((m) => linkAnswered(m.address) > m.answeredAtSwitch).length}/${n}`);
    const ok = u1.switched === n && meters.filter((m) => version(m) === "2").length === n && reasons.every((r) => r === REVERT_DEADLINE);
    console.log(ok ? "\nok" : "\nFAILED");
    if (!ok) process.exitCode = 1;
  } finally {
    await net.stop();
  }
}

await main();
