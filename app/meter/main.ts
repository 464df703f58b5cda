// Meter entry point: wiring only. The native MeterADC hook (types/meterAdc.d.ts)
// delivers kernel windows; modules/metering turns them into readings, events,
// aggregates, energy and the load profile; a reading line is printed each second.
// Mains frequency and declared voltage come from meternet.json "mains" (mainsOf:
// absent 50 Hz / 230 V); a wrong value, or a firmware that cannot make the mains'
// windows (60 Hz on the 50 Hz image), is printed as "NOT measuring: <why>" and the
// meter does not sample: it never measures a 60 Hz supply as a 50 Hz one.
import { MeterChain } from "../../modules/metering/meterChain";
import { referenceCalibration } from "../../modules/metering/referenceFrontEnd";
import { readingLine } from "../../modules/metering/readingLine";
import type { WindowReading } from "../../modules/metering/windowReading";
import { sampleRetune, pairsPerCycle } from "../../modules/metering/sampleRetune";
import { CONFIG_FILE, mainsOf, type Mains } from "../../modules/link/config";
import { espruinoMeterLink } from "../../modules/link/espruinoLink"; // CAN link (modules/link)
import { meterSignals } from "../../modules/link/meterLink"; // CAN link (modules/link)

const calibration = referenceCalibration();
let last: WindowReading | null = null;
let lastFlagged = false;

// CAN link (modules/link): each window's reading becomes the meter's authenticated
// answers (meternet.json in Storage; no file, no link). The relay driver is a stub
// until the board's relay pin is defined: commands are acknowledged, state is kept.
const canLink = espruinoMeterLink(() => true);
// ALARM codes of modules/can/messageDocs.ts for the IEC 61000-4-30 events.
const alarmCode: { [kind: string]: number } = { dip: 2, swell: 3, interruption: 4 };

function measure(mains: Mains): void {
  const adc = new MeterADC();
  // 256 pairs per cycle at 50 Hz (12 800 Hz), 213 at 60 Hz (12 780 Hz), locked to the
  // measured cycle (sampleRetune.ts; a hook without setSampleRate: not retuned).
  const rateHz = pairsPerCycle(mains.hz) * mains.hz;
  const retune = sampleRetune(typeof adc.setSampleRate === "function" ? adc : null, rateHz, mains.hz);
  const chain = new MeterChain({
    calibration: calibration,
    declaredV: mains.v,
    clock: { nowUtcS: () => Date.now() / 1000 },
    sink: {
      window: (r, flagged) => {
        last = r;
        lastFlagged = flagged;
        retune.update(r.fHz, r.flags, flagged);
      },
      event: (e) => {
        print("event " + e.kind + " start=" + e.startS.toFixed(3) + "s duration=" + e.durationS.toFixed(3) + "s residual=" + e.residualPct.toFixed(2) + "%");
        // Sent at once with the highest priority, not left for the next poll; the value is the residual voltage.
        if (canLink) canLink.node.raiseAlarm(alarmCode[e.kind], 0, (e.residualPct * mains.v) / 100);
      },
      aggregate: (a) => {
        print("aggregate " + a.interval + " V=" + a.vRmsV.toFixed(2) + "V I=" + a.iRmsA.toFixed(3) + "A P=" + a.pW.toFixed(1) + "W f=" + a.fHz.toFixed(3) + "Hz" + (a.flagged ? " FLAGGED" : ""));
      },
    },
  });

  adc.setCalibration(calibration.v.zeroLsb, calibration.i.zeroLsb);
  adc.on("window", (w) => chain.process(retune.regrid(w)));
  adc.on("window", () => {
    if (canLink && last) canLink.publish(meterSignals(last, chain.energy.importWh.units(), chain.energy.exportWh.units()));
  });
  // Throws on a firmware that cannot make these windows, naming the image to flash.
  adc.start({ sampleRateHz: rateHz, nominalHz: mains.hz });
  print("meternet meter: sampling at " + rateHz + " Hz, mains " + mains.hz + " Hz " + mains.v + " V");

  setInterval(() => {
    if (last) print(readingLine(last.startS + last.spanS, last, lastFlagged, chain.energy));
  }, 1000);
}

try {
  measure(mainsOf(require("Storage").readJSON(CONFIG_FILE)));
} catch (e) {
  print("meternet meter: NOT measuring: " + e); // "Error: <why>", as the CAN link prints its errors
}
