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

const calibration = referenceCalibration();
/** Windows per 'reading' event: 5 of 10 (50 Hz) or 12 (60 Hz) cycles = one second. */
const READING_EVERY = 5;

// CAN link (modules/link): each second's reading becomes the meter's authenticated
// answers (meternet.json in Storage; no file, no link). The relay driver is a stub
// until the board's relay pin is defined: commands are acknowledged, state is kept.
const canLink = espruinoMeterLink(() => true);
// ALARM codes of modules/can/messageDocs.ts for the IEC 61000-4-30 events.
const alarmCode: { [kind: string]: number } = { dip: 2, swell: 3, interruption: 4 };

function measure(mains: Mains): void {
  const adc = new MeterADC();
  // 256 pairs per cycle at 50 Hz (12 800 Hz), 213 at 60 Hz (12 780 Hz); the C chain
  // keeps the grid locked to the measured cycle.
  const rateHz = pairsPerCycle(mains.hz) * mains.hz;
  adc.setCalibration(calibration.v.zeroLsb, calibration.i.zeroLsb);
  adc.setMetering({ calibration: calibration, declaredV: mains.v, utcAtStartS: Date.now() / 1000, readingEvery: READING_EVERY });
  adc.on("reading", (r) => {
    print(readingLine(r));
    if (canLink) {
      // MeterLink counts windows and re-arms every publishEvery of them: one reading
      // stands for READING_EVERY windows (5, with the default publishEvery 5: each reading).
      canLink.publish(meterSignals(r, r.importWh, r.exportWh));
      canLink.windows += READING_EVERY - 1;
    }
  });
  adc.on("event", (e) => {
    print("event " + e.kind + " start=" + e.startS.toFixed(3) + "s duration=" + e.durationS.toFixed(3) + "s residual=" + e.residualPct.toFixed(2) + "%");
    // Sent at once with the highest priority, not left for the next poll; the value is the residual voltage.
    if (canLink) canLink.node.raiseAlarm(alarmCode[e.kind], 0, (e.residualPct * mains.v) / 100);
  });
  adc.on("aggregate", (a) => {
    print("aggregate " + a.interval + " V=" + a.vRmsV.toFixed(2) + "V I=" + a.iRmsA.toFixed(3) + "A P=" + a.pW.toFixed(1) + "W f=" + a.fHz.toFixed(3) + "Hz" + (a.flagged ? " FLAGGED" : ""));
  });
  // Throws on a firmware that cannot make these windows, naming the image to flash.
  adc.start({ sampleRateHz: rateHz, nominalHz: mains.hz });
  print("meternet meter: sampling at " + rateHz + " Hz, mains " + mains.hz + " Hz " + mains.v + " V");
}

try {
  measure(mainsOf(require("Storage").readJSON(CONFIG_FILE)));
} catch (e) {
  print("meternet meter: NOT measuring: " + e); // "Error: <why>", as the CAN link prints its errors
}
