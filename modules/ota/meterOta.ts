/**
 * The meter's JavaScript of a script update (issue 18). The transfer runs in C behind
 * CAN1 (chunks never reach JavaScript); this file:
 *
 * - at boot, hands the C the two counters persisted on the FRAM (otaCounters.ts) and
 *   listens; a meter without FRAM listens with 0, 0 and says so (it then accepts any
 *   counter above 0: the C still checks the manifest's CMAC under its own key);
 * - on "start", persists the new security counter and "receiving" first thing, so a
 *   restart mid-transfer neither loses the anti-rollback floor nor refuses to resume;
 * - prints what an engineer at the console needs: start, each quarter, the verdict with
 *   its cause, the end; after a switch it restarts the chip (E.reboot, 200 ms later so the
 *   commit's answer leaves first) and the boot hook runs the new script in trial;
 * - in a trial (the boot hook says so), confirms only once the new script has run healthy
 *   for `confirmAfterS`: windows measured AND polls answered since it started. A script
 *   that never gets there is not confirmed, and the boot hook's deadline (or the
 *   watchdog) reverts it; nothing here decides a revert.
 *
 * Resident on the meter: one callback whose scope holds only what it uses (eventsCallback's
 * parameters: on Espruino a closure keeps its whole enclosing scope, so the options
 * object and the port's other methods are let go after boot), measured in
 * modules/ota/README.md.
 */
import type { FramPort } from "../ports/fram";
import { MeterOtaPort, OTA_EV_START, OTA_EV_PROGRESS, OTA_EV_VERDICT, OTA_EV_END, revertReason } from "../ports/otaPort";
import { readOtaCounters, writeOtaCounters } from "./otaCounters";

type Crc = (b: Uint8Array) => number;
type Log = (line: string) => void;
type After = (fn: () => void, ms: number) => void;

export interface MeterOtaOptions {
  /** null: the firmware has no OTA binding (said on the console). */
  port: MeterOtaPort | null;
  /** The FRAM, made when needed (it throws without one). */
  fram: () => FramPort;
  crc32: Crc;
  key16: Uint8Array;
  address: number;
  /** The firmware image this script runs on: 1 the 50 Hz meter, 2 the 60 Hz meter (otaManifest.h). */
  image: number;
  log: Log;
  /** Runs fn once after ms (setTimeout on the device, the simulator's clock on the host). */
  after: After;
  /** [windows measured, polls answered] so far: both must rise during the trial. */
  health: () => number[];
  /** Healthy running before the trial is confirmed (meternet.json "otaConfirmS"; default OTA_CONFIRM_S). */
  confirmAfterS: number;
}

/** Default healthy time before a trial is confirmed: 60 s (the boot hook's deadline is 15 min). */
export const OTA_CONFIRM_S = 60;

/** A manifest's or an image's refusal (otaManifest.h MN_OTA_R_*: the causes a meter itself gives). */
function refusal(c: number): string {
  return c < 10 ? "ok,format,mac,address,rollback,image,size,hash,staging,no manifest body".split(",")[c] : "cause " + c;
}

/** Persists [stored, restart]; says so when it cannot (the update still runs). */
function persist(fram: () => FramPort, crc32: Crc, log: Log, stored: number, restart: number): void {
  let ok = false;
  try { ok = writeOtaCounters(fram(), crc32, stored, restart); } catch (e) { /* no FRAM: said below */ }
  if (!ok) log("ota: counters NOT persisted (FRAM)");
}

/** The transfer's events' callback: the only part resident after boot (see the file's comment). */
function eventsCallback(restart: () => void, fram: () => FramPort, crc32: Crc, log: Log, after: After, stored: number): (type: number, a: number, b: number) => void {
  let quarter = 0;
  return function (type: number, a: number, b: number) {
    if (type === OTA_EV_PROGRESS) {
      // every eighth chunk: the console hears each quarter only
      const q = ((a * 4) / b) | 0;
      if (q > quarter) { quarter = q; log("ota: " + a + "/" + b + " chunks"); }
    } else if (type === OTA_EV_START) {
      stored = a;
      quarter = 0;
      persist(fram, crc32, log, a, a);
      log("ota: update " + a + " started, " + b + " chunks");
    } else if (type === OTA_EV_VERDICT) {
      log("ota: " + (a === 2 ? "image verified" : (a === 0 ? "manifest refused: " : "image FAILED: ") + refusal(b)));
      if (a === 3) persist(fram, crc32, log, stored, 0);
    } else if (type === OTA_EV_END) {
      persist(fram, crc32, log, stored, 0);
      log(a === 0 ? "ota: switched to version " + b + ", restarting in trial" : "ota: ended, " + "switched,not verified,switch failed,aborted".split(",")[a]);
      // the restart once the commit's answer has left (the boot hook runs the new slot in trial)
      if (a === 0) after(restart, 200);
    }
  };
}

/** The trial: confirm after confirmAfterS if windows were measured and polls answered since boot; else look again every 10 s. */
function trial(port: MeterOtaPort, health: () => number[], log: Log, after: After, confirmAfterS: number): void {
  const h0 = health();
  log("ota: on trial, confirming after " + confirmAfterS + " s healthy");
  const look = function () {
    const h = health();
    if (h[0] > h0[0] && h[1] > h0[1]) log("ota: trial " + (port.confirm() ? "confirmed" : "confirm FAILED") + ", windows " + (h[0] - h0[0]) + ", answers " + (h[1] - h0[1]));
    else {
      log("ota: not healthy, windows " + (h[0] - h0[0]) + ", answers " + (h[1] - h0[1]));
      after(look, 10000);
    }
  };
  after(look, confirmAfterS * 1000);
}

/** Starts listening; returns false (and says why) when the firmware has no OTA binding or it refused. */
export function startMeterOta(o: MeterOtaOptions): boolean {
  const port = o.port;
  if (!port) { o.log("ota: none in this firmware"); return false; }
  let c = [0, 0, 0];
  try { c = readOtaCounters(o.fram(), o.crc32); } catch (e) { o.log("ota: counter 0: " + e); }
  const r = port.listen(o.key16, o.address, o.image, c[1], c[2]);
  if (r !== 0) { o.log("ota: NOT listening: " + r); return false; }
  // not inlined by terser: inlined, the callback's scope chain would hold startMeterOta's (the options, the port: measured +95 JsVars)
  port.onEvent(/*@__NOINLINE__*/ eventsCallback(port.restart, o.fram, o.crc32, o.log, o.after, c[1]));
  const boot = port.boot();
  if (boot && boot.reverted && !boot.trial) o.log("ota: last update REVERTED (" + revertReason(boot.reverted) + ")");
  if (boot && boot.trial) trial(port, o.health, o.log, o.after, o.confirmAfterS);
  return true;
}
