// Meter entry point: wiring only. The native MeterADC hook (types/meterAdc.d.ts) samples,
// runs the kernel and the C metering chain (boards/STM32F107/metering: readings, IEC
// 61000-4-30 events and flags, aggregates, energy registers, load profile, rate
// retuning) and gives JavaScript only what happens per second, per event and per
// aggregate: a reading line is printed and the CAN answers re-armed once a second.
// Mains frequency and declared voltage come from meternet.json "mains" (mainsOf:
// absent 50 Hz / 230 V); a wrong value, or a firmware that cannot make the mains'
// windows (60 Hz on the 50 Hz image), is printed as "NOT measuring: <why>" and the
// meter does not sample: it never measures a 60 Hz supply as a 50 Hz one.
import { referenceCalibration } from "../../modules/metering/referenceFrontEnd";
import { readingLine } from "../../modules/metering/readingLine";
import { pairsPerCycle } from "../../modules/metering/sampleRate";
import { CONFIG_FILE, mainsOf, type Mains } from "../../modules/link/config";
import { espruinoMeterLink } from "../../modules/link/espruinoLink"; // CAN link (modules/link)
import { meterSignals } from "../../modules/link/meterLink"; // CAN link (modules/link)
import { espruinoKvStore } from "../../modules/ports/device/kvStore";
import { i2cFram } from "../../modules/ports/device/fram";
import { gpioRelay } from "../../modules/ports/device/relay";
import { BillingStore } from "../../modules/persist/billingStore";
import { Relay } from "../../modules/persist/relay";
import { persistConfigOf, PersistConfig } from "../../modules/persist/config";
import { RELAY_PIN, RELAY_SENSE_PIN, RELAY_ACTIVE_LOW, FRAM_SCL, FRAM_SDA, FRAM_I2C_ADDRESS, FRAM_BITRATE, FRAM_BYTES, RING_BASE_ADDR, RING_SLOTS } from "../../modules/persist/boardPins";

const calibration = referenceCalibration();
/** Windows per 'reading' event: 5 of 10 (50 Hz) or 12 (60 Hz) cycles = one second. */
const READING_EVERY = 5;

// Read where used, not kept: the parsed file would hold its JsVars for the program's life.
function configFile(): unknown {
  return require("Storage").readJSON(CONFIG_FILE);
}
let persistCfg: PersistConfig;
try {
  persistCfg = persistConfigOf(configFile());
} catch (e) {
  print("meternet meter: " + e + ": persist and relay on their defaults");
  persistCfg = persistConfigOf({});
}

// Billing state (modules/persist): energy registers, freshness epoch and sync state, relay
// state and the last 10-minute aggregate on the I2C FRAM, restored here before anything
// uses them. Without an answering FRAM the meter still measures, says so, and keeps
// its freshness in Storage as before.
let billing: BillingStore | null = null;
try {
  I2C1.setup({ scl: FRAM_SCL, sda: FRAM_SDA, bitrate: FRAM_BITRATE });
  billing = new BillingStore({ fram: i2cFram(I2C1, FRAM_I2C_ADDRESS, FRAM_BYTES), baseAddr: RING_BASE_ADDR, slots: RING_SLOTS, crc32: E.CRC32, stepWh: persistCfg.stepWh, everyS: persistCfg.everyS });
  print("meternet meter: billing state " + (billing.restore() ? "restored (record " + billing.saved.u32[0] + ")" : "new (no valid record)"));
} catch (e) {
  billing = null;
  print("meternet meter: billing state NOT persisted: " + e);
}
// A pin error (a board without these pins) is printed and the relay left undriven:
// the meter measures and bills whatever its relay does.
const relay = new Relay(gpioRelay({
  write: function (p: string, v: boolean) { try { digitalWrite(p, v); } catch (e) { print("meternet meter: relay pin " + p + ": " + e); } },
  read: function (p: string) { return !!digitalRead(p); },
}, RELAY_PIN, RELAY_SENSE_PIN, RELAY_ACTIVE_LOW), billing, persistCfg.relaySafeClosed, persistCfg.relayRestore, Date.now);

// CAN link (modules/link): each second's reading becomes the meter's authenticated
// answers (meternet.json in Storage; no file, no link); verified relay commands drive the relay.
// A contact that does not follow the coil (relay.fault) is sent as ALARM 7 RELAY_FAULT,
// value relay.fault (1 welded: commanded open; 2 coil: commanded closed, contact open),
// at boot and on a command, which is then acknowledged ACTUATOR_FAILED. (No print and
// no flags: the bundle is at its Storage slot's size.)
const canLink = espruinoMeterLink(function (closed: boolean) {
  const ok = relay.set(closed);
  if (!ok && canLink) canLink.node.raiseAlarm(7, 0, relay.fault);
  return ok;
}, billing ? billing.freshnessStore(espruinoKvStore("mn.")) : undefined, function () { return relay.actual(); }, function () {
  return billing ? { record: billing.saved.u32[0], writes: billing.writes, fails: billing.writeFails, back: billing.backwards, relayFrom: relay.bootFrom } : null;
});
if (canLink) canLink.relayClosed = relay.closed;
if (canLink && relay.fault) canLink.node.raiseAlarm(7, 0, relay.fault);
// ALARM codes of modules/can/messageDocs.ts for the IEC 61000-4-30 events.
const alarmCode: { [kind: string]: number } = { dip: 2, swell: 3, interruption: 4 };

/** The sampling MeterADC, for the touchscreen UI (loaded at top level below). */
let uiAdc: MeterADC | null = null;

function measure(mains: Mains): void {
  const adc = new MeterADC();
  // 256 pairs per cycle at 50 Hz (12 800 Hz), 213 at 60 Hz (12 780 Hz); the C chain
  // keeps the grid locked to the measured cycle.
  const rateHz = pairsPerCycle(mains.hz) * mains.hz;
  adc.setCalibration(calibration.v.zeroLsb, calibration.i.zeroLsb);
  adc.setMetering({ calibration: calibration, declaredV: mains.v, utcAtStartS: Date.now() / 1000, readingEvery: READING_EVERY });
  adc.on("reading", (r) => {
    print(readingLine(r));
    // Persisted on an energy step or the timer; the CAN link publishes the persisted
    // registers, so a power cut never shows the aggregator a register going back.
    let imp = r.importWh, exp = r.exportWh;
    if (billing) {
      const e = adc.getEnergy();
      if (e) billing.update(e, Date.now() / 1000);
      imp = billing.savedUnits(0);
      exp = billing.savedUnits(1);
    }
    if (canLink) {
      // MeterLink counts windows and re-arms every publishEvery of them: one reading
      // stands for READING_EVERY windows (5, with the default publishEvery 5: each reading).
      canLink.publish(meterSignals(r, imp, exp));
      canLink.windows += READING_EVERY - 1;
    }
  });
  adc.on("event", (e) => {
    print("event " + e.kind + " start=" + e.startS.toFixed(3) + "s duration=" + e.durationS.toFixed(3) + "s residual=" + e.residualPct.toFixed(2) + "%");
    // Sent at once with the highest priority, not left for the next poll; the value is the residual voltage.
    if (canLink) canLink.node.raiseAlarm(alarmCode[e.kind], 0, (e.residualPct * mains.v) / 100);
  });
  adc.on("aggregate", (a) => {
    if (billing && a.interval === "10min") billing.setAggregate(Date.now() / 1000, a as unknown as { [k: string]: number }, a.flagged, a.complete);
    print("aggregate " + a.interval + " V=" + a.vRmsV.toFixed(2) + "V I=" + a.iRmsA.toFixed(3) + "A P=" + a.pW.toFixed(1) + "W f=" + a.fHz.toFixed(3) + "Hz" + (a.flagged ? " FLAGGED" : ""));
  });
  // A DMA transfer error stops sampling on the device: say so and start again a second later
  // (the energy registers survive stop/start).
  adc.on("error", (message) => {
    print("meternet meter: " + message + "; restarting in 1 s");
    setTimeout(() => { adc.start({ sampleRateHz: rateHz, nominalHz: mains.hz }); }, 1000);
  });
  // Throws on a firmware that cannot make these windows, naming the image to flash.
  adc.start({ sampleRateHz: rateHz, nominalHz: mains.hz });
  uiAdc = adc;
  const saved = billing ? billing.energy() : null;
  if (saved) adc.setEnergy(saved);
  print("meternet meter: sampling at " + rateHz + " Hz, mains " + mains.hz + " Hz " + mains.v + " V");
}

try {
  measure(mainsOf(configFile()));
} catch (e) {
  print("meternet meter: NOT measuring: " + e); // "Error: <why>", as the CAN link prints its errors
}

// Touchscreen (issue 15): when a display answers, its UI is loaded from Storage ("meterUi.js",
// build/meterUi.js) and follows the MeterADC; without one the meter runs headless. Evaluated
// here at top level, not inside measure(): Espruino runs eval'd code in the caller's scope, and
// every UI function would then keep one more scope level (measured: +143 JsVars).
try {
  if (uiAdc && typeof LCD !== "undefined" && LCD.init()) {
    // global.eval, not eval: a direct eval would stop terser from mangling this bundle's names (+4.9 KB)
    const g = global as unknown as { eval: (s: unknown) => void; meterUi: (l: MeterLcd, a: MeterADC, c: unknown, f: string) => void };
    g.eval(require("Storage").read("meterUi.js"));
    g.meterUi(LCD, uiAdc, canLink, CONFIG_FILE);
  }
} catch (e) {
  print("meternet meter: display: " + e);
}
