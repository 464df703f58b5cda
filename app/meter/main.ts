// Meter entry point: wiring only. Every Espruino global it needs comes through
// modules/ports/device; meternet.json is read once, here, and validated before anything
// is installed (mains, persist/relay settings, the CAN link's address against the ID plan).
// The native MeterADC hook (types/meterAdc.d.ts) samples, runs the kernel and the C
// metering chain (boards/STM32F107/metering: readings, IEC 61000-4-30 events and flags,
// aggregates, energy registers, load profile, rate retuning) and gives JavaScript only
// what happens per second, per event and per aggregate. Each of those has one listener
// here, which hands it on in a fixed order (modules/metering/meterOutputs.ts): console
// line, billing state, CAN link, then the touchscreen UI.
// A wrong "mains", or a firmware that cannot make the mains' windows (60 Hz on the 50 Hz
// image), is printed as "NOT measuring: <why>" and the meter does not sample: it never
// measures a 60 Hz supply as a 50 Hz one.
import { referenceCalibration } from "../../modules/metering/referenceFrontEnd";
import { readingLine } from "../../modules/metering/readingLine";
import { pairsPerCycle } from "../../modules/metering/sampleRate";
import type { MeterOutputs } from "../../modules/metering/meterOutputs";
import type { MeterCalibration } from "../../modules/metering/calibration";
import { CONFIG_FILE, mainsOf, meterConfigOf, type Mains, type MeterConfig } from "../../modules/link/config";
import { espruinoMeterLink } from "../../modules/link/espruinoLink"; // CAN link (modules/link)
import { alarmCodeOf, ALARM_RELAY_FAULT } from "../../modules/link/meterLink"; // CAN link (modules/link)
import { espruinoKvStore } from "../../modules/ports/device/kvStore";
import { deviceFram } from "../../modules/ports/device/boardFram";
import { gpioRelay } from "../../modules/ports/device/relay";
import { deviceGpio } from "../../modules/ports/device/gpio";
import { readConfigFile } from "../../modules/ports/device/configFile";
import { deviceLog, globalEval } from "../../modules/ports/device/console";
import { deviceCrc32 } from "../../modules/ports/device/crc32";
import { deviceMeterAdc } from "../../modules/ports/device/meterAdc";
import { deviceDisplay, readUiProgram, uiProgramEntry } from "../../modules/ports/device/display";
import { BillingStore, freshnessStore, restoreBilling, restoredEnergy } from "../../modules/persist/billingStore";
import { Relay } from "../../modules/persist/relay";
import { persistConfigOf, PersistConfig } from "../../modules/persist/config";
import { RELAY_PIN, RELAY_SENSE_PIN, RELAY_ACTIVE_LOW, RING_BASE_ADDR, RING_SLOTS } from "../../modules/persist/boardPins";
import { startMeterOta, OTA_CONFIRM_S } from "../../modules/ota/meterOta";
import { deviceMeterOta } from "../../modules/ports/device/ota";
import { key16 } from "../../modules/link/config";

/** Handed to the C chain at start, then released (a top-level const would hold its 26 JsVars for good). */
let calibration: MeterCalibration | null = referenceCalibration();
/** Windows per 'reading' event: 5 of 10 (50 Hz) or 12 (60 Hz) cycles = one second. */
const READING_EVERY = 5;

// meternet.json, read once: each part taken and validated, then the parsed file let go
// (kept, it would hold its JsVars for the program's life) once the UI has had its part.
let file = readConfigFile();
// One call of persistConfigOf (the file's, else the defaults): called from one place, it is
// built into this boot code and let go with it (from two, it stays a function for good).
// (Not in a loop: terser never builds a function into one.)
let persistCfg = null as PersistConfig | null;
[file, {}].some(function (f) {
  try {
    persistCfg = persistConfigOf(f);
  } catch (e) {
    deviceLog("meternet meter: " + e + ": persist and relay on their defaults");
  }
  return persistCfg !== null;
});

// Billing state (modules/persist): energy registers, freshness epoch and sync state, relay
// state and the last 10-minute aggregate on the I2C FRAM, restored here before anything
// uses them. Without an answering FRAM the meter still measures, says so, and keeps
// its freshness in Storage as before.
let billing: BillingStore | null = null;
try {
  billing = new BillingStore({ fram: deviceFram(), baseAddr: RING_BASE_ADDR, slots: RING_SLOTS, crc32: deviceCrc32, stepWh: persistCfg!.stepWh, everyS: persistCfg!.everyS });
  deviceLog("meternet meter: billing state " + (restoreBilling(billing) ? "restored (record " + billing.saved.u32[0] + ")" : "new (no valid record)"));
} catch (e) {
  billing = null;
  deviceLog("meternet meter: billing state NOT persisted: " + e);
}
// A pin error (a board without these pins) is printed and the relay left undriven:
// the meter measures and bills whatever its relay does.
const relay = new Relay(gpioRelay(deviceGpio, RELAY_PIN, RELAY_SENSE_PIN, RELAY_ACTIVE_LOW), billing, persistCfg!.relaySafeClosed, persistCfg!.relayRestore, Date.now);
persistCfg = null; // taken by the billing state and the relay; kept, it would hold its JsVars for good

// CAN link (modules/link): each second's reading becomes the meter's authenticated
// answers (no meter in meternet.json, or a wrong address or key: no link, and why);
// verified relay commands drive the relay.
// A contact that does not follow the coil (relay.fault) is sent as ALARM 7 RELAY_FAULT,
// value relay.fault (1 welded: commanded open; 2 coil: commanded closed, contact open),
// at boot and on a command, which is then acknowledged ACTUATOR_FAILED.
// The freshness state's Storage files "mn.*": the store itself without the FRAM, else
// what the billing record's store falls back to for other keys (made in one place: built
// into this boot code, not a function held for good).
const legacyKv = espruinoKvStore("mn.");
const canLink = espruinoMeterLink(meterConfigOf(file as MeterConfig | undefined), function (closed: boolean) {
  const ok = relay.set(closed);
  if (!ok && canLink) canLink.node.raiseAlarm(ALARM_RELAY_FAULT, 0, relay.fault);
  return ok;
}, billing ? freshnessStore(billing, legacyKv) : legacyKv, function () { return relay.actual(); }, function () {
  return billing ? { record: billing.saved.u32[0], writes: billing.writes, fails: billing.writeFails, back: billing.backwards, relayFrom: relay.bootFrom } : null;
});
if (canLink) canLink.relayClosed = relay.closed;
if (canLink && relay.fault) canLink.node.raiseAlarm(ALARM_RELAY_FAULT, 0, relay.fault);

/** The touchscreen UI's outputs, once loaded (below): the last stop of each value. */
let ui: MeterOutputs | null = null;

// The listeners below keep measure()'s scope (m, adc, rateHz) for good: nothing else may
// live in it (the calibration and the restored registers are passed, not held).
function measure(m: Mains): void {
  const adc = deviceMeterAdc();
  // 256 pairs per cycle at 50 Hz (12 800 Hz), 213 at 60 Hz (12 780 Hz); the C chain
  // keeps the grid locked to the measured cycle.
  const rateHz = pairsPerCycle(m.hz) * m.hz;
  adc.setCalibration(calibration!.v.zeroLsb, calibration!.i.zeroLsb);
  adc.setMetering({ calibration: calibration!, declaredV: m.v, utcAtStartS: Date.now() / 1000, readingEvery: READING_EVERY });
  adc.on("reading", (r) => {
    deviceLog(readingLine(r));
    // Persisted on an energy step or the timer; the CAN link publishes the persisted
    // registers, so a power cut never shows the aggregator a register going back.
    let imp = r.importWh, exp = r.exportWh;
    if (billing) {
      const e = adc.getEnergy();
      if (e) billing.update(e, Date.now() / 1000);
      imp = billing.savedUnits(0);
      exp = billing.savedUnits(1);
    }
    // one reading stands for READING_EVERY windows (MeterLink re-arms every publishEvery windows)
    if (canLink) canLink.publish(r, imp, exp, READING_EVERY);
    if (ui) ui.reading(r);
  });
  adc.on("event", (e) => {
    deviceLog("event " + e.kind + " start=" + e.startS.toFixed(3) + "s duration=" + e.durationS.toFixed(3) + "s residual=" + e.residualPct.toFixed(2) + "%");
    // sent at once, not left for the next poll; the value is the residual voltage
    if (canLink) canLink.node.raiseAlarm(alarmCodeOf(e.kind), 0, (e.residualPct * m.v) / 100);
    if (ui) ui.event(e);
  });
  adc.on("aggregate", (a) => {
    if (billing && a.interval === "10min") billing.setAggregate(Date.now() / 1000, a as unknown as { [k: string]: number }, a.flagged, a.complete);
    deviceLog("aggregate " + a.interval + " V=" + a.vRmsV.toFixed(2) + "V I=" + a.iRmsA.toFixed(3) + "A P=" + a.pW.toFixed(1) + "W f=" + a.fHz.toFixed(3) + "Hz" + (a.flagged ? " FLAGGED" : ""));
    if (ui) ui.aggregate(a);
  });
  // A DMA transfer error stops sampling on the device: say so and start again a second later
  // (the energy registers survive stop/start).
  adc.on("error", (message) => {
    deviceLog("meternet meter: " + message + "; restarting in 1 s");
    setTimeout(() => { adc.start({ sampleRateHz: rateHz, nominalHz: m.hz }); }, 1000);
  });
  // Throws on a firmware that cannot make these windows, naming the image to flash.
  adc.start({ sampleRateHz: rateHz, nominalHz: m.hz });
  if (billing && billing.newestSlot >= 0) adc.setEnergy(restoredEnergy(billing)!);
  deviceLog("meternet meter: sampling at " + rateHz + " Hz, mains " + m.hz + " Hz " + m.v + " V");
}

try {
  measure(mainsOf(file));
} catch (e) {
  deviceLog("meternet meter: NOT measuring: " + e); // "Error: <why>", as the CAN link prints its errors
}
calibration = null;

// key16 is built into both of its calls (here and modules/link/espruinoLink.ts, INLINE):
// boot-only code, not a function held for good.
// Script updates over CAN (issue 18, modules/ota): the C behind CAN1 takes the transfer;
// JavaScript persists its counters on the FRAM, prints it, and confirms a new script's
// trial once it has measured and answered polls for meternet.json "otaConfirmS" seconds.
if (canLink) {
  try {
    startMeterOta({
      port: deviceMeterOta(), fram: deviceFram, crc32: deviceCrc32, key16: /*@__INLINE__*/ key16((file as MeterConfig).keyHex, "keyHex"), address: canLink.node.address,
      image: (file as MeterConfig).mains && (file as MeterConfig).mains!.hz === 60 ? 2 : 1, log: deviceLog, after: setTimeout,
      health: function () { return [canLink.windows, canLink.can.counters().autoReplies]; }, confirmAfterS: (file as { otaConfirmS?: number }).otaConfirmS || OTA_CONFIRM_S,
    });
  } catch (e) {
    deviceLog("ota: NOT listening: " + e);
  }
}

// Touchscreen (issue 15): when a display answers, its UI program is loaded from Storage
// ("meterUi.js", build/meterUi.js) and becomes the last output of the path (a meter that
// is not measuring shows its network and settings screens); without one it runs headless. Evaluated here at top level, not inside a function: Espruino
// runs eval'd code in the caller's scope, and every UI function would then keep one more
// scope level (measured: +143 JsVars).
try {
  const lcd = deviceDisplay();
  if (lcd) {
    globalEval(readUiProgram("meterUi.js"));
    ui = uiProgramEntry()(lcd, canLink, file, CONFIG_FILE);
  }
} catch (e) {
  deviceLog("meternet meter: display: " + e);
}
file = undefined;
