// What may be wrong with a window, named the same way in every output of `meternet
// analyze` (JSON `flags`, the table's flag column and its legend, the aggregates):
// the kernel's own flags (boards/STM32F107/kernel/meterKernel.h MK_FLAG_*, carried by
// the window reading) and what analyze adds from the record (the measuring range).
// The IEC 61000-4-30 flag (a dip, swell or interruption during the window) stays the
// separate `flagged` boolean and the table's '*'.
import {
  KERNEL_FLAG_CLIP_I, KERNEL_FLAG_CLIP_V, KERNEL_FLAG_CYCLE, KERNEL_FLAG_FIRST, KERNEL_FLAG_FREQ_RANGE, KERNEL_FLAG_PARTIAL,
  KERNEL_FLAG_SYNC, KERNEL_FLAG_SYNTHETIC, KERNEL_FLAG_URMS_FULL, KERNEL_FLAG_NO_FUND_V, KERNEL_FLAG_NO_FUND_I,
  READING_FLAG_BELOW_RANGE_V, READING_FLAG_BELOW_RANGE_I,
} from "../../modules/metering/kernelWindow.ts";

export interface FlagInfo {
  name: string;
  /** One character in the table's flag column. */
  mark: string;
  /** The legend's explanation. */
  text: string;
}

/** Kernel flag bits, in the order they are listed. */
export const KERNEL_FLAGS: (FlagInfo & { bit: number })[] = [
  { bit: KERNEL_FLAG_CLIP_V, name: "clipped-v", mark: "V", text: "a voltage sample reached the ADC's end (code 0 or 4095): rms, THD and power read low" },
  { bit: KERNEL_FLAG_CLIP_I, name: "clipped-i", mark: "I", text: "a current sample reached the ADC's end (code 0 or 4095): rms, THD and power read low" },
  { bit: KERNEL_FLAG_SYNTHETIC, name: "crossings-estimated", mark: "X", text: "voltage zero crossings missing or not measurable were placed at the predicted period: frequency and harmonics are estimates" },
  { bit: KERNEL_FLAG_FIRST, name: "first-window", mark: "1", text: "first window after the start or a resynchronisation: it starts at a crossing that ends a measured period; if no period could be measured it also carries sync-error" },
  { bit: KERNEL_FLAG_FREQ_RANGE, name: "frequency-range", mark: "F", text: "a period outside 0.7..1.4 of nominal" },
  { bit: KERNEL_FLAG_URMS_FULL, name: "urms-overflow", mark: "U", text: "more half cycles than the kernel keeps: some Urms(1/2) values are missing" },
  { bit: KERNEL_FLAG_SYNC, name: "sync-error", mark: "S", text: "the resampled span differs from the measured one (the frequency moved inside the window, or the crossings are estimates): harmonic groups leak" },
  { bit: KERNEL_FLAG_CYCLE, name: "cycle-dropped", mark: "Y", text: "a Urms(1/2) cycle between crossings was not 0.7..1.3 of the period: its value was dropped" },
  { bit: KERNEL_FLAG_PARTIAL, name: "partial", mark: "P", text: "the data ended inside the window" },
];

/** Kernel bits that mean what an analyze flag means (the kernel's own test: a fundamental under 14 LSB rms). */
const KERNEL_ALIASES: { bit: number; name: string }[] = [
  { bit: KERNEL_FLAG_NO_FUND_V, name: "no-fundamental-v" },
  { bit: KERNEL_FLAG_NO_FUND_I, name: "no-fundamental-i" },
];

/** Flags analyze adds (measuringRange.ts) and the kernel's windows dropped before a window. */
export const ANALYZE_FLAGS: FlagInfo[] = [
  { name: "below-range-v", mark: "v", text: "voltage rms below the measuring range (see the note): frequency, THD and power are not reliable" },
  { name: "below-range-i", mark: "i", text: "current rms below the measuring range (see the note): current, power, PF and THD I are not reliable" },
  { name: "no-fundamental-v", mark: "n", text: "no fundamental voltage within the measuring range (a dead line, a DC voltage): no frequency, no THD V" },
  { name: "no-fundamental-i", mark: "d", text: "no fundamental current within the measuring range (a DC-only or dead current): no THD I" },
  { name: "windows-dropped", mark: "D", text: "the kernel dropped windows just before this one" },
];

const ALL: FlagInfo[] = [...KERNEL_FLAGS, ...ANALYZE_FLAGS];
const KNOWN_BITS = KERNEL_FLAGS.concat(KERNEL_ALIASES.map((a) => ({ ...a, mark: "", text: "" }))).reduce((m, f) => m | f.bit, 0);

/**
 * The chain's range bits (mtReading.h MT_FLAG_BELOW_RANGE_*: 1 % of the calibration's
 * full scale) are left out: analyze states the range of the record itself
 * (measuringRange.ts), which for scaled records is the .cfg's, not the calibration's.
 */
const CHAIN_RANGE_BITS = READING_FLAG_BELOW_RANGE_V | READING_FLAG_BELOW_RANGE_I;

/** The kernel's flag bits as names; a bit this table does not know as "kernel-0x0200". */
export function kernelFlagNames(bits: number): string[] {
  bits &= ~CHAIN_RANGE_BITS;
  const out = KERNEL_FLAGS.filter((f) => (bits & f.bit) !== 0).map((f) => f.name);
  for (const a of KERNEL_ALIASES) if ((bits & a.bit) !== 0) out.push(a.name);
  for (let b = 1; b <= 0x8000; b <<= 1) if ((bits & b) !== 0 && (KNOWN_BITS & b) === 0) out.push(`kernel-0x${b.toString(16).padStart(4, "0")}`);
  return out;
}

export function flagInfo(name: string): FlagInfo {
  return ALL.find((f) => f.name === name) ?? { name, mark: "?", text: "a kernel flag this version of meternet analyze does not know" };
}

/** The table's marks for a window: '*' for the IEC flag, then one character per flag. */
export function marks(flagged: boolean, flags: string[]): string {
  return (flagged ? "*" : "") + flags.map((n) => flagInfo(n).mark).join("");
}

/** Union of flag lists, in the canonical order. */
export function unionFlags(lists: string[][]): string[] {
  const seen = new Set<string>();
  for (const l of lists) for (const n of l) seen.add(n);
  const order = ALL.map((f) => f.name);
  return [...seen].sort((a, b) => (order.indexOf(a) < 0 ? 99 : order.indexOf(a)) - (order.indexOf(b) < 0 ? 99 : order.indexOf(b)) || a.localeCompare(b));
}

/** Legend lines for the flags that occur ("flags    X name: text", then indented). */
export function legend(used: string[], anyFlagged: boolean): string[] {
  const lines: string[] = [];
  if (anyFlagged) lines.push("* IEC 61000-4-30 flag: a dip, swell or interruption occurred during the window (or the aggregate's windows)");
  for (const n of unionFlags([used])) {
    const f = flagInfo(n);
    lines.push(`${f.mark} ${n}: ${f.text}`);
  }
  return lines.map((l, k) => (k === 0 ? "flags    " : "         ") + l);
}

/**
 * Highest harmonic order the window's THD and groups include. The kernel's own
 * (thdMaxOrder when it gives one, else harmonicMaxOrder, its interpolator's passband);
 * failing both, the highest order the rate allows, floor(fs / (2 f0)) capped at 50.
 */
export function thdMaxOrderOf(w: { thdMaxOrder?: number; harmonicMaxOrder?: number }, sampleRateHz: number, fHz: number): number {
  if (typeof w.thdMaxOrder === "number" && w.thdMaxOrder > 0) return w.thdMaxOrder;
  if (typeof w.harmonicMaxOrder === "number" && w.harmonicMaxOrder > 0) return w.harmonicMaxOrder;
  return Math.min(50, Math.floor(sampleRateHz / (2 * (fHz > 0 ? fHz : 50))));
}
