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
import { otaCounters } from "./otaCounters";

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

/** The callback's own event, at boot (not from the C): read the counters in force; returns them. */
const EV_READ = 0;

/**
 * The transfer's events' callback: the only part resident after boot (see the file's
 * comment). What it does for an event is declared inside it, past the progress events
 * (most of them): on Espruino a nested function exists only while its event is handled
 * (its code stays in flash), where a top-level helper is 6-8 JsVars for good. At boot it
 * reads the counters (EV_READ) before the C listens, so the FRAM is reached from one place.
 */
function eventsCallback(restart: () => void, fram: () => FramPort, crc32: Crc, log: Log, after: After): (type: number, a: number, b: number) => number[] | undefined {
  let quarter = 0, stored = 0;
  return function (type: number, a: number, b: number): number[] | undefined {
    if (type === OTA_EV_PROGRESS) {
      // every eighth chunk: the console hears each quarter only
      const q = ((a * 4) / b) | 0;
      if (q > quarter) { quarter = q; log("ota: " + a + "/" + b + " chunks"); }
      return undefined;
    }
    // null: read the counters in force; [stored, restart]: persist them (the update still runs when it cannot: said)
    const counters = function (write: number[] | null): number[] {
      let c: number[] | null = null;
      try { c = otaCounters(fram(), crc32, write); } catch (e) { /* no FRAM: said below */ }
      if (!c) log(write ? "ota: counters NOT persisted (FRAM)" : "ota: counters 0, 0: none on the FRAM");
      return c || [0, 0, 0];
    };
    if (type === EV_READ) {
      const c = counters(null);
      stored = c[1];
      return c;
    }
    if (type === OTA_EV_START) {
      stored = a;
      quarter = 0;
      counters([a, a]);
      log("ota: update " + a + " started, " + b + " chunks");
    } else if (type === OTA_EV_VERDICT) {
      // a manifest's or an image's refusal: otaManifest.h MN_OTA_R_*, the causes a meter itself gives
      log("ota: " + (a === 2 ? "image verified" : (a === 0 ? "manifest refused: " : "image FAILED: ") + (b < 10 ? "ok,format,mac,address,rollback,image,size,hash,staging,no manifest body".split(",")[b] : "cause " + b)));
      if (a === 3) counters([stored, 0]);
    } else if (type === OTA_EV_END) {
      counters([stored, 0]);
      log(a === 0 ? "ota: switched to version " + b + ", restarting in trial" : "ota: ended, " + "switched,not verified,switch failed,aborted".split(",")[a]);
      // the restart once the commit's answer has left (the boot hook runs the new slot in trial)
      if (a === 0) after(restart, 200);
    }
    return undefined;
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
  // not inlined by terser: inlined, the callback's scope chain would hold startMeterOta's (the options, the port: measured +95 JsVars)
  const cb = /*@__NOINLINE__*/ eventsCallback(port.restart, o.fram, o.crc32, o.log, o.after);
  const c = cb(EV_READ, 0, 0)!;
  const r = port.listen(o.key16, o.address, o.image, c[1], c[2]);
  if (r !== 0) { o.log("ota: NOT listening: " + r); return false; }
  port.onEvent(cb);
  const boot = port.boot();
  if (boot && boot.reverted && !boot.trial) o.log("ota: last update REVERTED (" + revertReason(boot.reverted) + ")");
  if (boot && boot.trial) trial(port, o.health, o.log, o.after, o.confirmAfterS);
  return true;
}
