// The measuring range of a channel as analyze reads it: from the front end's full scale
// and the ADC when the record holds the ADC's codes (recordInput.ts case 1: the codes
// 0..4095 about the calibration's zero), else from the recorder's own full scale, the
// .cfg's min..max scaled by a and b (case 2: the codes analyze makes from the values
// use the record's peak, which says nothing of a range). Values below RANGE_LOW_FRACTION
// of the full-scale rms are flagged (windowFlags.ts below-range-v / -i): there a 12-bit
// code carries a few LSB of signal, and the 0.05 A of a 30 A front end read +3.5 % with
// a PF off by 0.03. Values above it clip, which the kernel flags (clipped-v / -i).
import type { ChannelCalibration } from "../../modules/metering/calibration.ts";

export const RANGE_LOW_FRACTION = 0.01;

export interface MeasuringRange {
  unit: "V" | "A";
  /** Full scale as a peak, and as the rms of a sine at that peak. */
  peak: number;
  fullRms: number;
  /** Lowest rms inside the range. */
  lowRms: number;
  /** Where the full scale comes from, for the note. */
  source: string;
}

const n4 = (x: number): string => String(+x.toPrecision(4));

/**
 * Range of one channel. codes "record": the ADC's codes, full scale the smaller distance
 * of the zero code to 0 or 4095; "scaled": cfgFullScale (primary SI units, 0 when the
 * .cfg gives none: no range, null).
 */
export function channelRange(unit: "V" | "A", codes: "record" | "scaled", cal: ChannelCalibration, cfgFullScale: number): MeasuringRange | null {
  let peak: number, source: string;
  if (codes === "record") {
    peak = Math.abs(cal.unitPerLsb) * Math.min(cal.zeroLsb, 4095 - cal.zeroLsb);
    source = "ADC codes 0..4095";
  } else {
    peak = cfgFullScale;
    source = "the .cfg's min..max";
  }
  if (!(peak > 0) || !Number.isFinite(peak)) return null;
  const fullRms = peak / Math.SQRT2;
  return { unit, peak, fullRms, lowRms: RANGE_LOW_FRACTION * fullRms, source };
}

/** "measuring range 0.3..30 A rms (1..100 % of the full scale 42.43 A peak, ADC codes 0..4095)" */
export function rangeText(r: MeasuringRange): string {
  return `measuring range ${n4(r.lowRms)}..${n4(r.fullRms)} ${r.unit} rms (${100 * RANGE_LOW_FRACTION}..100 % of the full scale ${n4(r.peak)} ${r.unit} peak, ${r.source})`;
}
