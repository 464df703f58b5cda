/**
 * The meter's quality flags as the pages show them: a mark after a value (letters in an
 * <abbr> whose title names the flags: text, not colour) and a legend under the table.
 * The bits are the meter's MEAS_QUALITY signals (modules/can/messageDocs.ts; the
 * kernel's MK_FLAG_* and mtReading.h's MT_FLAG_*), carried by the API as
 * quality = [latest window, every window since the reading before]. Names and marks are
 * those of `meternet analyze` (host/analyze/windowFlags.ts), so a flag reads the same in
 * a record's table and on the site.
 */
import { h } from "./dom";
import type { ApiQuality } from "./apiTypes";

/** Which shown value a flag puts in doubt: voltage, current, power. */
const U = 1, I = 2, P = 4;

/** One row per bit (bit = row index): name, mark, values it affects, legend text. */
const FLAGS: [string, string, number, string][] = [
  ["clipped-v", "V", U | P, "a voltage sample reached the ADC's end: voltage and power read low"],
  ["clipped-i", "I", I | P, "a current sample reached the ADC's end: current and power read low"],
  ["crossings-estimated", "X", U | I | P, "zero crossings missing or not measurable were placed at the predicted period"],
  ["first-window", "1", U | I | P, "first window after the meter started or resynchronised"],
  ["frequency-range", "F", U | I | P, "a period outside 0.7..1.4 of nominal"],
  ["urms-overflow", "U", U, "more half cycles than the meter keeps: some Urms(1/2) values missing"],
  ["sync-error", "S", 0, "the frequency moved inside the window: harmonics leak"],
  ["partial", "P", U | I | P, "the window was cut short"],
  ["cycle-dropped", "Y", U, "a half cycle of odd length was left out of Urms(1/2)"],
  ["no-fundamental-v", "n", U, "no fundamental voltage (dead line or DC)"],
  ["no-fundamental-i", "d", I, "no fundamental current (DC-only or no load)"],
  ["below-range-v", "v", U | P, "voltage below 1 % of the meter's full scale: not reliable"],
  ["below-range-i", "i", I | P, "current below 1 % of the meter's full scale: current and power not reliable"],
  ["iec-flagged", "*", U | I | P, "IEC 61000-4-30 flag: a dip, swell or interruption during the window"],
];

/** The bits of q that matter to a value: those of the latest window and of every window since the reading before. */
const bitsOf = (q: ApiQuality) => (q ? q[0] | q[1] : 0);

/** The flags of `bits` that affect value kind `what` (U, I or P; 0: all). */
function names(bits: number, what: number): [string, string, number, string][] {
  return FLAGS.filter((f, k) => (bits >> k) & 1 && (!what || f[2] & what));
}

/** The mark after a value ("I1" in an <abbr> titled with the flags' names), or null when nothing affects it. */
export function qualityMark(q: ApiQuality, what: "U" | "I" | "P"): HTMLElement | null {
  const f = names(bitsOf(q), what === "U" ? U : what === "I" ? I : P);
  return f.length ? h("abbr", { class: "qf", title: "quality flags: " + f.map((x) => x[0]).join(", ") }, " ⚑" + f.map((x) => x[1]).join("")) : null;
}

/** A legend of every flag set in `qs` (null when none): "⚑ I clipped-i: ...". */
export function qualityLegend(qs: ApiQuality[]): HTMLElement | null {
  let bits = 0;
  for (const q of qs) bits |= bitsOf(q);
  const f = names(bits, 0);
  return f.length ? h("div", { class: "legend" }, h("p", null, "⚑ marks a value the meter flagged (in its latest windows):"),
    h("ul", null, ...f.map((x) => h("li", null, h("b", null, x[1]), " " + x[0] + ": " + x[3])))) : null;
}
