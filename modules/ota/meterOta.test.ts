// The meter's OTA JavaScript (meterOta.ts, otaCounters.ts) over a fake port, the FRAM model
// and a manual timer: counters persisted on "start" and kept across a torn write, the trial
// confirmed only when windows AND answers rose, never when either did not.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FramModel, PowerCut } from "../../host/runtime/fram.ts";
import { crc32 } from "../persist/crc32.ts";
import { readOtaCounters, writeOtaCounters, OTA_COUNTERS_AT } from "./otaCounters.ts";
import { startMeterOta, type MeterOtaOptions } from "./meterOta.ts";
import type { MeterOtaPort, OtaBootReport } from "../ports/otaPort.ts";

class FakePort implements MeterOtaPort {
  listened: number[] | null = null;
  cb: ((t: number, a: number, b: number) => void) | null = null;
  confirms = 0;
  constructor(public report: OtaBootReport | null) {}
  listen(_k: Uint8Array, address: number, image: number, counter: number, restart: number): number { this.listened = [address, image, counter, restart]; return 0; }
  onEvent(cb: (t: number, a: number, b: number) => void): void { this.cb = cb; }
  boot(): OtaBootReport | null { return this.report; }
  confirm(): boolean { this.confirms++; return true; }
  restarts = 0;
  readonly restart = (): void => { this.restarts++; };
}

function rig(report: OtaBootReport | null, fram = new FramModel()) {
  const port = new FakePort(report);
  const lines: string[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const health = [0, 0];
  const o: MeterOtaOptions = {
    port, fram: () => fram, crc32, key16: new Uint8Array(16), address: 7, image: 1, log: (l) => lines.push(l),
    after: (fn, ms) => { timers.push({ fn, ms }); }, health: () => health.slice(), confirmAfterS: 60,
  };
  const runTimer = () => { const t = timers.shift(); assert.ok(t, "a timer is armed"); t.fn(); return t.ms; };
  return { port, lines, timers, health, o, fram, runTimer };
}

test("counters: the newer copy wins; a write torn at any byte leaves the previous pair", () => {
  const fram = new FramModel();
  assert.deepEqual(readOtaCounters(fram, crc32), [0, 0, 0]);
  writeOtaCounters(fram, crc32, 5, 5);
  writeOtaCounters(fram, crc32, 5, 0);
  assert.deepEqual(readOtaCounters(fram, crc32).slice(1), [5, 0]);
  for (let kept = 0; kept < 16; kept++) {
    const f = new FramModel();
    writeOtaCounters(f, crc32, 5, 0);
    writeOtaCounters(f, crc32, 6, 6);
    f.armCut(0, kept);
    assert.throws(() => writeOtaCounters(f, crc32, 7, 7), PowerCut);
    f.powerOn();
    const c = readOtaCounters(f, crc32).slice(1);
    assert.ok((c[0] === 6 && c[1] === 6) || (kept === 16 && c[0] === 7), "torn after " + kept + " bytes: " + c);
  }
  // big-endian words at 384 (host/native/otaPowerCut.test.ts reads the same layout)
  const b = fram.read(OTA_COUNTERS_AT, 32);
  const words = (k: number) => [0, 4, 8].map((i) => (b[16 * k + i] << 24 >>> 0) + (b[16 * k + i + 1] << 16) + (b[16 * k + i + 2] << 8) + b[16 * k + i + 3]);
  assert.deepEqual([words(0), words(1)], [[1, 5, 5], [2, 5, 0]]);
});

test("listens with the persisted counters and persists a start before anything else", () => {
  const r = rig(null);
  writeOtaCounters(r.fram, crc32, 41, 0);
  assert.equal(startMeterOta(r.o), true);
  assert.deepEqual(r.port.listened, [7, 1, 41, 0]);
  r.port.cb!(1, 42, 3468);
  assert.deepEqual(readOtaCounters(r.fram, crc32).slice(1), [42, 42], "receiving 42 persisted on start");
  for (let held = 8; held <= 3468; held += 8) r.port.cb!(2, held, 3468);
  assert.equal(r.lines.filter((l) => / chunks$/.test(l) && /\//.test(l)).length, 3, "progress printed at each quarter: " + r.lines.join(" | "));
  r.port.cb!(3, 2, 0);
  r.port.cb!(4, 0, 9);
  assert.deepEqual(readOtaCounters(r.fram, crc32).slice(1), [42, 0], "receiving cleared at the end");
  assert.equal(r.port.restarts, 0, "not in the event: the commit's answer leaves first");
  assert.equal(r.runTimer(), 200);
  assert.equal(r.port.restarts, 1, "then the chip restarts into the boot hook");
  assert.ok(r.lines.some((l) => l === "ota: switched to version 9, restarting in trial"), r.lines.join(" | "));
  // a refusal says its cause, a failure clears "receiving"
  r.port.cb!(3, 0, 4);
  assert.ok(r.lines.some((l) => l === "ota: manifest refused: rollback"));
});

test("a restart mid-transfer listens with restart = the counter it was receiving", () => {
  const r = rig(null);
  writeOtaCounters(r.fram, crc32, 42, 42);
  startMeterOta(r.o);
  assert.deepEqual(r.port.listened, [7, 1, 42, 42]);
});

test("trial: confirmed only when windows and answers both rose; else looked at again, never confirmed", () => {
  const ok = rig({ trial: 1, reverted: 0, slot: 1, action: 1 });
  startMeterOta(ok.o);
  assert.equal(ok.timers[0].ms, 60000);
  ok.health[0] = 300; // windows, but no poll answered yet
  ok.runTimer();
  assert.equal(ok.port.confirms, 0);
  assert.equal(ok.timers[0].ms, 10000, "looked at again 10 s later");
  ok.health[1] = 12;
  ok.runTimer();
  assert.equal(ok.port.confirms, 1);
  assert.equal(ok.timers.length, 0);

  const dead = rig({ trial: 1, reverted: 0, slot: 1, action: 1 });
  startMeterOta(dead.o);
  for (let i = 0; i < 10; i++) dead.runTimer();
  assert.equal(dead.port.confirms, 0, "a script that does not measure is never confirmed: the deadline reverts it");
});

test("a revert is said at boot, with its reason", () => {
  const r = rig({ trial: 0, reverted: 3, slot: 0, action: 1 });
  startMeterOta(r.o);
  assert.ok(r.lines.includes("ota: last update REVERTED (deadline)"), r.lines.join(" | "));
  assert.equal(r.timers.length, 0);
});

test("no binding or no FRAM: said, and the meter runs on", () => {
  const r = rig(null);
  r.o.port = null;
  assert.equal(startMeterOta(r.o), false);
  assert.deepEqual(r.lines, ["ota: none in this firmware"]);
  const nf = rig(null);
  nf.o.fram = () => { throw new Error("no FRAM"); };
  assert.equal(startMeterOta(nf.o), true);
  assert.deepEqual(nf.port.listened, [7, 1, 0, 0]);
  nf.port.cb!(1, 3, 10);
  assert.ok(nf.lines.includes("ota: counters NOT persisted (FRAM)"));
});
