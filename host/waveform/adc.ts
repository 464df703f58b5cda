// The 12-bit successive-approximation ADC of the STM32F107 (two ADCs in regular simultaneous
// mode, one per channel). Ideal mid-tread transfer: code k stands for k*LSB, transitions at
// (k - 0.5)*LSB, LSB = vref/4096; input-referred Gaussian noise in LSB rms; clipping at 0 and 4095.
// Reference voltage: 3.3 V (VREF+ tied to VDDA on the board). The transducer's 0–3 V swing then
// leaves 10 % headroom above the 460 V rms / 30 A rms full scale, so 110 % swells and current
// peaks are not clipped; a 3.0 V reference would gain 0.8 dB of resolution and lose all headroom.
import { createPrng } from "./prng.ts";

export interface AdcModel {
  bits: number;
  vrefV: number;
  /** Input-referred noise, LSB rms (0.5 in the accuracy bench). */
  noiseLsbRms: number;
  /** Offset error in LSB and relative gain error. */
  offsetLsb?: number;
  gainError?: number;
  /** Seed of the ADC noise (independent of the condition's seed). */
  seed?: number;
}

export function referenceAdc(overrides: Partial<AdcModel> = {}): AdcModel {
  return { bits: 12, vrefV: 3.3, noiseLsbRms: 0.5, ...overrides };
}

export function lsbV(adc: AdcModel): number {
  return adc.vrefV / 2 ** adc.bits;
}

export interface Conversion {
  codes: Uint16Array;
  /** Samples clipped at 0 or full scale. */
  clipped: number;
}

/** streamId selects an independent noise stream (channel, chunk) under the same seed. */
export function convert(pinV: Float64Array, adc: AdcModel, streamId = 0): Conversion {
  const lsb = lsbV(adc);
  const top = 2 ** adc.bits - 1;
  const rng = createPrng(Math.imul(adc.seed ?? 12345, 0x9e3779b1) ^ Math.imul(streamId + 1, 0x85ebca6b));
  const g = 1 + (adc.gainError ?? 0);
  const off = adc.offsetLsb ?? 0;
  const codes = new Uint16Array(pinV.length);
  let clipped = 0;
  for (let k = 0; k < pinV.length; k++) {
    const noise = adc.noiseLsbRms > 0 ? adc.noiseLsbRms * rng.gaussian() : 0;
    let c = Math.floor((pinV[k]! / lsb) * g + off + noise + 0.5);
    if (c < 0) {
      c = 0;
      clipped++;
    } else if (c > top) {
      c = top;
      clipped++;
    }
    codes[k] = c;
  }
  return { codes, clipped };
}
