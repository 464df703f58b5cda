// Meter entry point: wiring only. The native MeterADC hook (types/meterAdc.d.ts)
// delivers kernel windows; modules/metering turns them into readings, events,
// aggregates, energy and the load profile; a reading line is printed each second.
import { MeterChain } from "../../modules/metering/meterChain";
import { referenceCalibration } from "../../modules/metering/referenceFrontEnd";
import { readingLine } from "../../modules/metering/readingLine";
import type { WindowReading } from "../../modules/metering/windowReading";
import { sampleRetune } from "../../modules/metering/sampleRetune";
import { espruinoMeterLink } from "../../modules/link/espruinoLink"; // CAN link (modules/link)
import { meterSignals } from "../../modules/link/meterLink"; // CAN link (modules/link)

const calibration = referenceCalibration();
const DECLARED_V = 230;
let last: WindowReading | null = null;
let lastFlagged = false;

const adc = new MeterADC();
// Sampling locked to 256 pairs per measured cycle (a hook without setSampleRate: not retuned).
const retune = sampleRetune(typeof adc.setSampleRate === "function" ? adc : null, 12800, 50);

// CAN link (modules/link): each window's reading becomes the meter's authenticated
// answers (meternet.json in Storage; no file, no link). The relay driver is a stub
// until the board's relay pin is defined: commands are acknowledged, state is kept.
const canLink = espruinoMeterLink(() => true);
// ALARM codes of modules/can/messageDocs.ts for the IEC 61000-4-30 events.
const alarmCode: { [kind: string]: number } = { dip: 2, swell: 3, interruption: 4 };

const chain = new MeterChain({
  calibration: calibration,
  declaredV: DECLARED_V,
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
      if (canLink) canLink.node.raiseAlarm(alarmCode[e.kind], 0, (e.residualPct * DECLARED_V) / 100);
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
adc.start({ sampleRateHz: 12800, nominalHz: 50 });
print("meternet meter: sampling at 12800 Hz");

setInterval(() => {
  if (last) print(readingLine(last.startS + last.spanS, last, lastFlagged, chain.energy));
}, 1000);
