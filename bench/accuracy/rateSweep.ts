// The accuracy bench's rate sweep (issue 13): the reference's non-sinusoidal conditions
// (8 % THD from five harmonics of orders 3..39 on each channel, V 50..100 % of 230 V, I 5..100 %
// of 30 A) recorded at 1, 4, 8, 12.8, 25.6, 44.1, 48, 51.2 and 102.4 kHz and analysed by
// `meternet analyze` (bench/accuracy/cases.ts), for 50 Hz systems at 42.5..57.5 Hz and 60 Hz
// systems at 51..69 Hz (frequencies spread evenly, both ends included).
//
// Two things a real record has are modelled: harmonics at or above half the sampling rate are
// left out (a recorder's anti-aliasing filter; without it the 39th of 50 Hz sampled at 1 kHz
// lands on the fundamental), and THD is scored against the truth over the orders the window
// states it includes (2..thdMaxOrder: 0.3 fs / f, at most 40). Every complete window is scored,
// the first one included; clipped windows are left out and counted. "flagged" counts windows
// with any kernel flag but FIRST and clipping (a clean record should have none).
import type { ConditionSpec } from "../../host/waveform/condition.ts";
import { referenceNonSinusoidalSet } from "../../host/waveform/testSets.ts";
import { KERNEL_FLAG_CLIP_I, KERNEL_FLAG_CLIP_V, KERNEL_FLAG_FIRST } from "../../modules/metering/kernelWindow.ts";
import { runCase } from "./cases.ts";

export const SWEEP_RATES_HZ = [1000, 4000, 8000, 12800, 25600, 44100, 48000, 51200, 102400];

interface Row {
  rateHz: number;
  windows: number;
  clipped: number;
  flagged: number;
  flagsSeen: number;
  err: Record<string, number[]>;
  thdOrders: [number, number];
}

const rms = (x: number[]): number => (x.length ? Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length) : NaN);
const maxAbs = (x: number[]): number => (x.length ? Math.max(...x.map(Math.abs)) : NaN);

/** THD in % of the components of orders 2..maxOrder (ratios are of the fundamental). */
function thdUpTo(components: ConditionSpec["v"]["components"], maxOrder: number): number {
  let s = 0;
  for (const c of components ?? []) if (Number.isInteger(c.order) && c.order >= 2 && c.order <= Math.min(40, maxOrder)) s += c.ratio * c.ratio;
  return 100 * Math.sqrt(s);
}

function sweepRow(rateHz: number, nominalHz: 50 | 60, count: number, dir: string, noise: { v: number; i: number }): Row {
  const [lo, hi] = nominalHz === 50 ? [42.5, 57.5] : [51, 69];
  const specs = referenceNonSinusoidalSet(count, { seed: 13 });
  const row: Row = { rateHz, windows: 0, clipped: 0, flagged: 0, flagsSeen: 0, err: { v: [], i: [], f: [], p: [], thdV: [], thdI: [] }, thdOrders: [99, 0] };
  specs.forEach((s, k) => {
    const f = count > 1 ? lo + ((hi - lo) * k) / (count - 1) : lo;
    const alias = (c: { order: number }): boolean => c.order * f < rateHz / 2;
    const spec: ConditionSpec = {
      ...s,
      frequencyHz: f,
      v: { ...s.v, components: (s.v.components ?? []).filter(alias) },
      i: { ...s.i, components: (s.i.components ?? []).filter(alias) },
    };
    // 3 windows after the first at the lowest frequency
    const durationS = ((nominalHz === 50 ? 10 : 12) * 4 + 3) / lo;
    const c = runCase(spec, dir, `sweep${rateHz}-${nominalHz}-${k}`, durationS, noise, 230, rateHz, nominalHz);
    for (const w of c.result.windows) {
      const flags = w.kernel.flags;
      if (flags & (KERNEL_FLAG_CLIP_V | KERNEL_FLAG_CLIP_I)) {
        row.clipped++;
        continue;
      }
      row.windows++;
      if (flags & ~KERNEL_FLAG_FIRST) {
        row.flagged++;
        row.flagsSeen |= flags & ~KERNEL_FLAG_FIRST;
      }
      const t = c.truth, r = w.r;
      const maxOrder = w.kernel.thdMaxOrder ?? Math.min(40, w.kernel.harmonicMaxOrder);
      row.thdOrders = [Math.min(row.thdOrders[0], maxOrder), Math.max(row.thdOrders[1], maxOrder)];
      row.err.v!.push((100 * (r.vRmsV - t.vRmsV)) / t.vRmsV);
      row.err.i!.push((100 * (r.iRmsA - t.iRmsA)) / t.iRmsA);
      row.err.f!.push(1000 * (r.fHz - t.fHz));
      row.err.p!.push((100 * (r.pW - t.pW)) / t.sVA);
      row.err.thdV!.push(r.thdVPct - thdUpTo(spec.v.components, maxOrder));
      row.err.thdI!.push(r.thdIPct - thdUpTo(spec.i.components, maxOrder));
    }
  });
  return row;
}

/** Prints the sweep's tables (Markdown); returns the rows for callers that check them. */
export function rateSweep(dir: string, noise: { v: number; i: number }, count: number): Row[] {
  const all: Row[] = [];
  for (const nominalHz of [50, 60] as const) {
    const range = nominalHz === 50 ? "42.5..57.5" : "51..69";
    console.log("");
    console.log(`rate sweep, ${nominalHz} Hz system, ${count} non-sinusoidal conditions (8 % THD) at ${range} Hz per rate, every complete window (the first included):`);
    console.log("rms error (max abs); THD against the truth over orders 2..thdMaxOrder");
    console.log("");
    console.log("| rate Hz | windows | V rms % | I rms % | f mHz | P % of S | THD V pp | THD I pp | thdMaxOrder | clipped | flagged |");
    console.log("|---|---|---|---|---|---|---|---|---|---|---|");
    for (const rateHz of SWEEP_RATES_HZ) {
      let r: Row;
      try {
        r = sweepRow(rateHz, nominalHz, count, dir, noise);
      } catch (e) {
        console.log(`| ${rateHz} | refused: ${(e as Error).message.replace(/^\S*: /, "")} |`);
        continue;
      }
      all.push(r);
      const cell = (x: number[], d: number): string => `${rms(x).toFixed(d)} (${maxAbs(x).toFixed(d)})`;
      const flagged = r.flagged ? `${r.flagged} (0x${r.flagsSeen.toString(16)})` : "0";
      console.log(`| ${rateHz} | ${r.windows} | ${cell(r.err.v!, 4)} | ${cell(r.err.i!, 4)} | ${cell(r.err.f!, 3)} | ${cell(r.err.p!, 4)} | ${cell(r.err.thdV!, 4)} | ${cell(r.err.thdI!, 4)} | ${r.thdOrders[0]}..${r.thdOrders[1]} | ${r.clipped} | ${flagged} |`);
    }
  }
  return all;
}
