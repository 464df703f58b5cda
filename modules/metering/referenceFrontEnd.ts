/**
 * Nominal calibration of the reference front end (issue 3): resistive transducers
 * mapping 460 V rms and 30 A rms full scale to a 1.5 V peak swing around 1.5 V,
 * inverted, into a 12-bit ADC with a 3.3 V reference; first-order 10 kHz pole.
 *   LSB = 3.3 V / 4096; zero code = 1.5 V / LSB = 1861.82;
 *   unitPerLsb = -(full-scale peak) / (1.5 V / LSB)  (negative: inverting)
 * noiseLsb2 = 0.5 LSB rms ADC noise + 1/12 LSB^2 quantisation. A meter replaces
 * these with its own fit (calibration.ts) from reference points at the factory.
 */
import type { MeterCalibration } from "./calibration";

export function referenceCalibration(): MeterCalibration {
  const lsbV = 3.3 / 4096;
  const swingLsb = 1.5 / lsbV;
  const noise = 0.25 + 1 / 12;
  return {
    v: { unitPerLsb: -(460 * Math.SQRT2) / swingLsb, zeroLsb: swingLsb, noiseLsb2: noise },
    i: { unitPerLsb: -(30 * Math.SQRT2) / swingLsb, zeroLsb: swingLsb, noiseLsb2: noise },
    phaseRad: 0,
    frontEndHz: 10000,
  };
}
