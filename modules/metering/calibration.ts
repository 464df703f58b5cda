/**
 * Per-channel calibration of the meter's analog inputs: the shape the C metering chain
 * applies once per window (boards/STM32F107/metering/mtCalibration.h, which also undoes
 * the front-end pole), and the factory fits that produce it.
 *
 * Model of one channel (transducer + 12-bit ADC, the reference design's front end):
 *   x = unitPerLsb * (code - zeroLsb)          x in V or A at the meter's input
 * unitPerLsb may be negative (the reference transducer inverts). Two more terms:
 *   - noiseLsb2: mean square of the code about zeroLsb with zero input (ADC noise +
 *     quantisation, measured during calibration). It is an additive bias of every
 *     mean square (E[(s+n)^2] = s^2 + sigma^2 for noise independent of the signal),
 *     so it is subtracted from rms^2; at 5 % of range it is 4e-5 of I^2, which would
 *     otherwise bias S and therefore N = sqrt(S^2 - P^2) near PF = 1.
 *   - frontEndHz: -3 dB frequency of a first-order low-pass in the front end
 *     (anti-alias RC; 10 kHz on the reference transducer), 0 = none. Its gain
 *     |H(f)| = 1 / sqrt(1 + (f/fc)^2) is undone per harmonic group, which matters
 *     for THD (2.4 % of the 39th harmonic at 57.5 Hz). Both channels share it, so
 *     its phase cancels in P.
 * The meter-level phaseRad advances the current relative to the voltage (positive =
 * the current channel lags its input by that much, e.g. a current transformer's
 * phase error); the C chain applies it at the fundamental (mtReading.c).
 */
export interface ChannelCalibration {
  unitPerLsb: number;
  zeroLsb: number;
  noiseLsb2: number;
}

export interface MeterCalibration {
  v: ChannelCalibration;
  i: ChannelCalibration;
  phaseRad: number;
  frontEndHz: number;
}

/**
 * Gain and offset by ordinary least squares (the reference design's method) from
 * reference points: refUnits[k] is the true input (V or A; a DC source, or a window's
 * mean value), measuredLsb[k] the mean code the meter read for it. Fits
 *   x = a * code + b   minimising sum (x_k - a c_k - b)^2:
 *   a = sum (c - cMean)(x - xMean) / sum (c - cMean)^2,  b = xMean - a cMean,
 * then unitPerLsb = a, zeroLsb = -b / a. Needs two or more distinct codes.
 */
export function fitGainOffset(refUnits: ArrayLike<number>, measuredLsb: ArrayLike<number>, noiseLsb2: number): ChannelCalibration {
  const n = refUnits.length;
  if (n < 2 || measuredLsb.length !== n) throw new Error("calibration needs two or more reference points with one reading each, got " + n + " and " + measuredLsb.length);
  let cm = 0;
  let xm = 0;
  for (let k = 0; k < n; k++) {
    cm += measuredLsb[k];
    xm += refUnits[k];
  }
  cm /= n;
  xm /= n;
  let scc = 0;
  let scx = 0;
  for (let k = 0; k < n; k++) {
    const dc = measuredLsb[k] - cm;
    scc += dc * dc;
    scx += dc * (refUnits[k] - xm);
  }
  if (!(scc > 0) || scx === 0) throw new Error("calibration points must have distinct readings that vary with the reference");
  const a = scx / scc;
  return { unitPerLsb: a, zeroLsb: cm - xm / a, noiseLsb2: noiseLsb2 };
}

/**
 * Phase compensation from one reference point with a known displacement: the meter
 * measured fundamental P and Q (phaseRad = 0) for a source whose current truly lags
 * by trueRad. The current channel's own lag is the difference of the two angles.
 */
export function fitPhaseRad(measuredPW: number, measuredQVar: number, trueRad: number): number {
  return Math.atan2(measuredQVar, measuredPW) - trueRad;
}
