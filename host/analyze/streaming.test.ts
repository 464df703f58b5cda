// analyze streams (issue 13 item 10): with a sink nothing grows with the record, and
// what the sink gets is what the lists give, in the order jsonLines puts them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeRecord, type AnalyzeOptions } from "./analyzeRecord.ts";
import { aggregateJson, eventJson, jsonLines, summaryJson, windowJson } from "./format.ts";
import { generateRecord } from "../waveform/generateRecord.ts";
import { slidingReference, SlidingTracker, SLIDING_WEIGHT, STEADY_RMS, STEADY_URMS, STEADY_WINDOWS, type SlidingReference, type WindowLevel } from "./voltageReference.ts";

/** The sliding reference as it was computed over the whole list (before streaming): the oracle. */
function overList(windows: WindowLevel[], minV: number): SlidingReference | null {
  const steadyAt = (k: number): number | null => {
    const s = windows.slice(k, k + STEADY_WINDOWS);
    if (s.length < STEADY_WINDOWS || s.some((w) => w.run !== s[0]!.run)) return null;
    const mean = s.reduce((a, w) => a + w.rmsV, 0) / s.length;
    if (!(mean > 0) || mean < minV) return null;
    if (s.some((w) => Math.abs(w.rmsV - mean) > STEADY_RMS * mean)) return null;
    if (s.some((w) => w.urmsV.some((u) => Math.abs(u - mean) > STEADY_URMS * mean))) return null;
    return mean;
  };
  for (let k = 0; k + STEADY_WINDOWS <= windows.length; k++) {
    const mean = steadyAt(k);
    if (mean === null) continue;
    let usr = mean, slid = 0;
    for (const w of windows.slice(k + STEADY_WINDOWS)) {
      usr = (1 - SLIDING_WEIGHT) * usr + SLIDING_WEIGHT * w.rmsV;
      slid = Math.max(slid, Math.abs(usr - mean) / mean);
    }
    const ref: SlidingReference = { startV: mean, endV: usr, slidPct: 100 * slid, fromS: windows[k]!.startS, toS: windows[k + STEADY_WINDOWS - 1]!.endS };
    for (let j = k + 1; j + STEADY_WINDOWS <= windows.length; j++) {
      const other = steadyAt(j);
      if (other !== null && Math.abs(other - mean) > STEADY_URMS * mean) {
        ref.conflict = { atS: windows[j]!.startS, levelV: other };
        break;
      }
    }
    return ref;
  }
  return null;
}

const dir = mkdtempSync(join(tmpdir(), "meternet-streaming-test-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** The JSON lines of a streamed run (the CLI's way), and the result. */
function streamed(cfg: string, opts: AnalyzeOptions): { lines: string[]; res: ReturnType<typeof analyzeRecord> } {
  const lines: string[] = [];
  let cur = true;
  const res = analyzeRecord(cfg, {
    ...opts,
    sink: {
      begin: (h) => { cur = h.hasCurrent; },
      window: (w) => lines.push(windowJson(w.r, w.flagged, cur, w.flags, w.thdMaxOrder)),
      event: (e) => lines.push(eventJson(e)),
      aggregate: (a) => lines.push(aggregateJson(a, cur, a.flags)),
    },
  });
  lines.push(summaryJson(res));
  return { lines, res };
}

for (const [name, opts] of [["--nominal-v", { nominalV: 230 }], ["the sliding reference (an extra pass)", {}]] as const) {
  test(`streamed output equals the lists' output line for line, with ${name}: windows, events and aggregates interleaved in time`, () => {
    const base = join(dir, "dips" + (opts.nominalV ? "-v" : ""));
    // 7 s: 150-cycle aggregates, two dips and a swell whose ends fall between windows
    generateRecord({ frequencyHz: 50, v: { rms: 230 }, i: { rms: 5 }, seed: 3, events: [
      { kind: "dip", startS: 1.03, durationS: 0.31, residualPct: 60 }, { kind: "swell", startS: 3.01, durationS: 0.05, residualPct: 115 }, { kind: "dip", startS: 5.97, durationS: 0.5, residualPct: 80 },
    ] }, base, { durationS: 7, sampleRateHz: 6400 });
    const lists = analyzeRecord(base + ".cfg", opts);
    const s = streamed(base + ".cfg", opts);
    assert.equal(lists.events.length, 3, JSON.stringify(lists.events));
    assert.ok(lists.aggregates.length >= 2);
    assert.deepEqual(s.lines, jsonLines(lists));
    assert.equal(s.res.windows.length, 0, "the sink mode keeps no windows");
    assert.equal(s.res.events.length, 0);
    assert.deepEqual(s.res.notes, lists.notes);
    assert.deepEqual([s.res.windowCount, s.res.eventCount], [lists.windows.length, 3]);
  });
}

test("the sliding reference computed window by window equals the one over the list (start, slide, conflict)", () => {
  const lv = (k: number, v: number, run = 0): WindowLevel => ({ startS: k * 0.2, endS: k * 0.2 + 0.2, rmsV: v, urmsV: [v, v * 1.001], run });
  const lists: WindowLevel[][] = [
    [lv(0, 13.5), lv(1, 200), lv(2, 230), lv(3, 230.5), lv(4, 230.2), lv(5, 231), lv(6, 229)],
    [lv(0, 230), lv(1, 230), lv(2, 230), lv(3, 150), lv(4, 150), lv(5, 150), lv(6, 150)],
    [lv(0, 230), lv(1, 230), lv(2, 230, 1), lv(3, 230, 1)],
    // a random walk with level steps: start, slide and conflict wherever they fall
    Array.from({ length: 400 }, (_, k) => lv(k, 230 * (k > 250 ? 0.85 : 1) * (1 + 0.004 * Math.sin(k * 1.7)) * (k % 37 === 5 ? 0.5 : 1), k > 300 ? 1 : 0)),
  ];
  for (const l of lists) {
    const t = new SlidingTracker(1);
    for (const w of l) t.add(w);
    assert.deepEqual(t.result(), overList(l, 1));
    assert.deepEqual(slidingReference(l, 1), overList(l, 1));
  }
  assert.equal(slidingReference(lists[2]!, 1), null, "a stretch never spans two runs");
  assert.deepEqual(slidingReference(lists[1]!, 1)!.conflict, { atS: 0.6000000000000001, levelV: 150 });
});
