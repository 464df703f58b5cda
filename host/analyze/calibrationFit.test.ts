// End to end: a front end with gain and offset errors, calibrated the way the
// reference design did (least squares over reference points), then measured through
// the C kernel and the C metering chain (boards/STM32F107/metering).
import { test } from "node:test";
import assert from "node:assert/strict";
import { meterInput } from "../waveform/meterInput.ts";
import { referenceTransducer } from "../waveform/transducer.ts";
import { referenceAdc } from "../waveform/adc.ts";
import { runKernel } from "./kernelProcess.ts";
import { fitGainOffset, fitPhaseRad } from "../../modules/metering/calibration.ts";
import { windowReading } from "../native/metering.ts";
import { KERNEL_FLAG_PARTIAL } from "../../modules/metering/kernelWindow.ts";
import type { MeterCalibration } from "../../modules/metering/calibration.ts";

// +0.8 % gain and +25 mV offset on the voltage transducer, -0.5 % and -12 mV on the
// current one, 3 LSB ADC offset: 0.8 % and ~9 V of error before calibration.
const transducer = referenceTransducer({ v: { gainError: 0.008, offsetErrorV: 0.025 }, i: { gainError: -0.005, offsetErrorV: -0.012 } });
const adc = referenceAdc({ offsetLsb: 3, seed: 77 });

function meanCodes(vDc: number, iDc: number): { v: number; i: number; vv: number; ii: number } {
  const m = meterInput({ frequencyHz: 50, v: { rms: 0, dc: vDc }, i: { rms: 0, dc: iDc }, seed: 5 }, { sampleRateHz: 12800, durationS: 0.2, transducer, adc });
  let v = 0, i = 0;
  const n = m.codes.length / 2;
  for (let k = 0; k < n; k++) {
    v += m.codes[2 * k]!;
    i += m.codes[2 * k + 1]!;
  }
  v /= n;
  i /= n;
  let vv = 0, ii = 0;
  for (let k = 0; k < n; k++) {
    vv += (m.codes[2 * k]! - v) ** 2;
    ii += (m.codes[2 * k + 1]! - i) ** 2;
  }
  return { v, i, vv: vv / n, ii: ii / n };
}

test("least-squares calibration from DC reference points removes gain and offset errors", () => {
  const refV = [-400, -200, 0, 200, 400], refI = [-30, -15, 0, 15, 30];
  const pts = refV.map((v, k) => meanCodes(v, refI[k]!));
  const zero = pts[2]!; // zero input: its spread about the mean is the noise floor
  const cal: MeterCalibration = {
    v: fitGainOffset(refV, pts.map((p) => p.v), zero.vv),
    i: fitGainOffset(refI, pts.map((p) => p.i), zero.ii),
    phaseRad: 0,
    frontEndHz: 10000,
  };
  const spec = { frequencyHz: 50.1, v: { rms: 230 }, i: { rms: 20 }, displacementRad: 0.6, seed: 9 };
  const m = meterInput(spec, { sampleRateHz: 12800, durationS: 0.8, transducer, adc });
  const wins = runKernel(m.codes, { sampleRateHz: 12800, nominalHz: 50, vMidLsb: Math.round(cal.v.zeroLsb) }).slice(1).filter((w) => (w.flags & KERNEL_FLAG_PARTIAL) === 0);
  assert.ok(wins.length >= 2);
  const nominal = { v: { unitPerLsb: m.scaling.v.a, zeroLsb: -m.scaling.v.b / m.scaling.v.a, noiseLsb2: 0 }, i: { unitPerLsb: m.scaling.i.a, zeroLsb: -m.scaling.i.b / m.scaling.i.a, noiseLsb2: 0 }, phaseRad: 0, frontEndHz: 10000 };
  for (const w of wins) {
    const r = windowReading(w, cal);
    assert.ok(Math.abs(r.vRmsV / 230 - 1) < 2e-4, `calibrated V ${r.vRmsV}`);
    assert.ok(Math.abs(r.iRmsA / 20 - 1) < 3e-4, `calibrated I ${r.iRmsA}`);
    assert.ok(Math.abs(r.pW - 230 * 20 * Math.cos(0.6)) < 3e-4 * 4600, `calibrated P ${r.pW}`);
    const raw = windowReading(w, nominal);
    assert.ok(Math.abs(raw.vRmsV / 230 - 1) > 5e-3, `uncalibrated V is off: ${raw.vRmsV}`);
  }
  // Phase: the fitted zero and gains leave the true displacement; a CT lag would show here.
  const r0 = windowReading(wins[0]!, cal);
  assert.ok(Math.abs(fitPhaseRad(r0.pW, r0.qVar, 0.6)) < 1e-3);
});
