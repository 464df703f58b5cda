// `meternet analyze` on generated records that real fault recorders produce and the
// first version mishandled (scratch report on real DFR records): several sampling-rate
// segments, a dip after the last complete window, a record ending inside a dip, and
// voltage-only records.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeRecord } from "./analyzeRecord.ts";
import { jsonLines, table } from "./format.ts";
import { synthesize } from "../waveform/synthesize.ts";
import { writeComtrade } from "../comtrade/writer.ts";
import type { ConditionSpec, EventSpec } from "../waveform/condition.ts";
import type { ResolvedEvent } from "../waveform/events.ts";

const dir = mkdtempSync(join(tmpdir(), "meternet-segments-test-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const F = 50.1;
const T = 1 / F;
const spec = (events: EventSpec[]): ConditionSpec => ({
  frequencyHz: F,
  v: { rms: 230 },
  i: { rms: 10 },
  displacementRad: 0.3,
  seed: 7,
  events,
});
/** The last written record's events as the synthesizer placed them (point on wave applied). */
let truth: ResolvedEvent[] = [];
const start = { year: 2026, month: 1, day: 1, hour: 0, minute: 0, second: 0, nanosecond: 0 };

/**
 * Writes a record of the synthesized waveform in rate segments: segments[k] = [rate Hz,
 * duration s]. Sample instants follow IEEE C37.111's rule (a segment's first sample one
 * of its own periods after the previous segment's last); each segment is synthesized at
 * its own rate from that instant (the synthesizer depends only on absolute time).
 */
function writeRecord(name: string, events: EventSpec[], segments: ([number, number] | [number, number, number])[], opts: { voltageOnly?: boolean; oneRateLine?: boolean; stamps?: "true" | "zero" | "oldRate" } = {}): string {
  const vs: number[] = [], is: number[] = [], ends: number[] = [], times: number[] = [];
  truth = synthesize(spec(events), { sampleRateHz: 1000, durationS: 0.01 }).events;
  let last = NaN;
  // "oldRate" stamps: a segment's first sample one period of the previous rate after the
  // previous sample (as the ygz 220 kV recorder stamps), the rate table says otherwise.
  let stampShift = 0, prevRate = NaN;
  // segments[k][2]: seconds without samples before the segment (a snapshot recorder's gap);
  // the rate table does not show it, the .dat timestamps do (opts.stamps "true").
  for (const [rate, dur, gapS] of segments) {
    const n = Math.round(dur * rate);
    const t0 = Number.isNaN(last) ? 0 : last + 1 / rate + (gapS ?? 0);
    if (!Number.isNaN(prevRate)) stampShift += 1 / prevRate - 1 / rate;
    prevRate = rate;
    const w = synthesize(spec(events), { sampleRateHz: rate, durationS: (n + 0.5) / rate, startS: t0 });
    assert.ok(w.vV.length >= n);
    for (let s = 0; s < n; s++) {
      vs.push(w.vV[s]!);
      is.push(w.iA[s]!);
      times.push(t0 + s / rate + (opts.stamps === "oldRate" ? stampShift : 0));
    }
    last = t0 + (n - 1) / rate;
    ends.push(vs.length);
  }
  const base = join(dir, name);
  writeComtrade(
    base,
    {
      stationName: "meternet test",
      recDevId: "segments",
      lineFrequencyHz: 50,
      sampleRateHz: segments[0]![0],
      startTime: start,
      analog: [{ id: "V", phase: "A", unit: "V", values: Float64Array.from(vs) }, ...(opts.voltageOnly ? [] : [{ id: "I", phase: "A", unit: "A", values: Float64Array.from(is) }])],
    },
    { rev: 1999, format: "ASCII" },
  );
  if (opts.stamps) {
    // The writer stamps sample k at k / rate; write the true instants (timemult 1: µs), or zeros.
    assert.match(readFileSync(base + ".cfg", "utf8"), /\r\nASCII\r\n1\r\n/);
    const rows = readFileSync(base + ".dat", "utf8").split("\r\n");
    writeFileSync(base + ".dat", rows.map((r, k) => (r ? r.replace(/^(\d+),\d+,/, (_, n) => `${n},${opts.stamps === "zero" ? 0 : Math.round(times[k]! * 1e6)},`) : r)).join("\r\n"));
  }
  if (segments.length > 1 && !opts.oneRateLine) {
    const cfg = readFileSync(base + ".cfg", "utf8");
    const one = `\r\n1\r\n${segments[0]![0]},${vs.length}\r\n`;
    assert.ok(cfg.includes(one), "writer's single-rate lines found");
    writeFileSync(base + ".cfg", cfg.replace(one, `\r\n${segments.length}\r\n${segments.map(([r], k) => `${r},${ends[k]}`).join("\r\n")}\r\n`));
  }
  return base + ".cfg";
}

const json = (path: string, opts: Parameters<typeof analyzeRecord>[1] = {}) => {
  const res = analyzeRecord(path, { nominalV: 230, ...opts });
  const objs = jsonLines(res).map((l) => JSON.parse(l) as Record<string, any>);
  return { res, objs, events: objs.filter((o) => o.type === "event"), windows: objs.filter((o) => o.type === "window"), summary: objs[objs.length - 1]! };
};

test("multi-rate record: the dip in the second (3200 Hz) segment is found at its record time; the 400 Hz segment is skipped and said so", () => {
  // 0..0.6 s at 6400 Hz, 0.6..1.6 s at 3200 Hz (dip 1.1..1.2 s to 40 %), 1.6..2.6 s at 400 Hz.
  const path = writeRecord("multirate", [{ kind: "dip", startS: 1.1, durationS: 0.1, residualPct: 40, pointOnWaveDeg: 30 }], [[6400, 0.6], [3200, 1.0], [400, 1.0]]);
  const dipStart = truth[0]!.startS, dipEnd = truth[0]!.endS;
  assert.ok(dipStart > 1.1 && dipStart < 1.1 + T, `30 degrees on the wave: ${dipStart}`);
  const { res, events, windows, summary } = json(path);
  assert.equal(events.length, 1, JSON.stringify(events));
  assert.equal(events[0]!.kind, "dip");
  assert.ok(Math.abs(events[0]!.start - dipStart) <= T / 2, `start ${events[0]!.start} vs ${dipStart}`);
  assert.ok(Math.abs(events[0]!.start + events[0]!.durationS - dipEnd) <= T / 2, `end ${events[0]!.start + events[0]!.durationS}`);
  assert.ok(Math.abs(events[0]!.residualPct - 40) < 0.5, `residual ${events[0]!.residualPct}`);
  assert.equal(events[0]!.open, undefined);
  // Windows of the second segment carry record time: the first starts within two cycles of 0.6 s
  // (the kernel restarts there; its first window begins at the crossing that ends its first period).
  const second = windows.filter((w) => w.t > 0.6);
  assert.ok(second.length >= 4 && second[0]!.t < 0.6 + 2.5 * T, `second segment windows from ${second[0]?.t}`);
  assert.ok(windows.every((w) => w.t < 1.6), "nothing from the 400 Hz segment");
  const segs = summary.segments as Record<string, any>[];
  assert.deepEqual(segs.map((s) => [s.rateHz, s.examined]), [[6400, true], [3200, true], [400, false]]);
  assert.match(segs[2]!.why, /rate 400 Hz is below the kernel's 1000 Hz/);
  assert.ok(Math.abs(segs[1]!.fromS - (0.6 - 1 / 6400 + 1 / 3200)) < 1e-6, `segment 2 from ${segs[1]!.fromS}`);
  assert.ok(Math.abs(segs[2]!.toS - 2.6) < 0.01);
  assert.ok(res.notes.some((n) => /segment 3 \(1\.60\d-2\.60\d s, 400 Hz\): not examined, rate 400 Hz is below/.test(n)), res.notes.join("\n"));
  // Aggregates stay inside a segment: one partial 10-minute aggregate per examined segment.
  const agg = jsonLines(res).map((l) => JSON.parse(l)).filter((o) => o.type === "aggregate");
  assert.equal(agg.length, 2);
  assert.ok(agg[1]!.t > 0.6);
});

// The dip at 0.90..0.95 s lies after the last complete window (windows end near 0.8 s):
// the kernel's partial window (mk_flush) still gives its Urms(1/2) values.
test("dip after the last complete window: found through the kernel's partial window, the tail examined", () => {
  const path = writeRecord("tail", [{ kind: "dip", startS: 0.9, durationS: 0.05, residualPct: 50 }], [[12800, 1.0]]);
  const { res, events, windows, summary } = json(path);
  const lastEnd = windows[windows.length - 1]!.t + 10 * T;
  assert.ok(lastEnd < 0.9, `last window ends at ${lastEnd}`);
  assert.equal(events.length, 1, JSON.stringify(events));
  assert.equal(events[0]!.kind, "dip");
  assert.ok(Math.abs(events[0]!.start - 0.9) <= T / 2, `start ${events[0]!.start}`);
  assert.ok(Math.abs(events[0]!.start + events[0]!.durationS - 0.95) <= T / 2, `end ${events[0]!.start + events[0]!.durationS}`);
  assert.ok(Math.abs(events[0]!.residualPct - 50) <= 0.2, `residual ${events[0]!.residualPct}`);
  assert.equal("open" in events[0]!, false);
  const seg = summary.segments[0];
  assert.equal(seg.examined, true);
  assert.ok(seg.unexaminedS < T, `unexaminedS ${seg.unexaminedS} (at most the last half cycle or so)`);
  assert.ok(res.notes.some((n) => /windows, then \d+ Urms\(1\/2\) values of a partial window to 0\.9\d+ s; last 0\.0\d\d s not examined/.test(n)), res.notes.join("\n"));
});

test("record ending inside a dip: the event is open, lasts to the end of the examined data, and the table says so", () => {
  const path = writeRecord("open", [{ kind: "dip", startS: 0.5, durationS: 5, residualPct: 60 }], [[12800, 1.0]]);
  const { res, events, summary } = json(path);
  assert.equal(events.length, 1);
  assert.equal(events[0]!.open, true);
  assert.ok(Math.abs(events[0]!.start - 0.5) <= T / 2, `start ${events[0]!.start}`);
  const endS = summary.segments[0].examinedToS;
  assert.ok(Math.abs(events[0]!.start + events[0]!.durationS - endS) < 1e-6, `ends at ${events[0]!.start + events[0]!.durationS} vs ${endS}`);
  assert.ok(table(res).some((l) => /dip .*residual +\d+\.\d\d %  \(still in progress at end of data\)/.test(l)), table(res).join("\n"));
  // A dip that ends inside the data is not open.
  const closed = json(writeRecord("closed", [{ kind: "dip", startS: 0.3, durationS: 0.1, residualPct: 60 }], [[12800, 1.0]]));
  assert.equal(closed.events.length, 1);
  assert.equal("open" in closed.events[0]!, false);
});

test("voltage-only record with a dip: analysed, current quantities null / '-', explicit --i of a voltage channel still refused", () => {
  const path = writeRecord("vonly", [{ kind: "dip", startS: 0.4, durationS: 0.12, residualPct: 70 }], [[6400, 1.2]], { voltageOnly: true });
  const { res, events, windows, summary } = json(path);
  assert.equal(events.length, 1);
  assert.equal(events[0]!.kind, "dip");
  assert.ok(Math.abs(events[0]!.start - 0.4) <= T / 2, `start ${events[0]!.start}`);
  assert.ok(Math.abs(events[0]!.residualPct - 70) < 0.5, `residual ${events[0]!.residualPct}`);
  assert.ok(windows.length >= 4);
  for (const w of windows) {
    for (const k of ["iRmsA", "pW", "sVA", "nVA", "pf", "thdIPct", "hI"]) assert.equal(w[k], null, `${k} null`);
    assert.equal(typeof w.vRmsV, "number");
  }
  assert.ok(Math.abs(windows[windows.length - 1]!.vRmsV - 230) < 0.5, `V ${windows[windows.length - 1]!.vRmsV}`);
  assert.equal(summary.current, false);
  assert.ok(res.notes.some((n) => /no current channel .*voltage is analysed alone/.test(n)));
  const t = table(res);
  assert.ok(t.some((l) => /^current +none \(voltage-only record\)/.test(l)));
  const row = t.find((l) => /^ +\d+\.\d{3} +50\.\d{4}/.test(l))!;
  assert.match(row, /V +- +- +- +- +- +\d+\.\d{3} +- /, row);
  assert.throws(() => analyzeRecord(path, { i: "V" }), /channel 'V' is in 'V' \(.*vonly\.cfg:3\), not a current unit/);
  assert.throws(() => analyzeRecord(path, { i: "I" }), /no analog channel named 'I'/);
});

test("frequency-tracking record (a new rate every half cycle, within 2 %): one run, times and frequency from the record's instants", () => {
  // 120 half-cycle segments alternating 6400 and 6450 Hz (0.8 % apart), dip 0.7..0.8 s.
  const segs: [number, number][] = [];
  for (let k = 0; k < 120; k++) segs.push([k % 2 ? 6450 : 6400, 0.01]);
  const path = writeRecord("tracking", [{ kind: "dip", startS: 0.7, durationS: 0.1, residualPct: 50 }], segs);
  const { res, events, windows, summary } = json(path);
  assert.equal(summary.segments.length, 1, "one run");
  assert.deepEqual(summary.segments[0].recordSegments, [1, 120]);
  assert.ok(Math.abs(summary.segments[0].rateHz - 6425) < 1, `mean rate ${summary.segments[0].rateHz}`);
  assert.ok(res.notes.some((n) => /segments 1-120 .*120 segments at nearly one rate \(frequency tracking\) analysed as one run/.test(n)), res.notes.join("\n"));
  assert.equal(events.length, 1);
  assert.ok(Math.abs(events[0]!.start - 0.7) <= T / 2, `start ${events[0]!.start}`);
  assert.ok(Math.abs(events[0]!.start + events[0]!.durationS - 0.8) <= T / 2, `end ${events[0]!.start + events[0]!.durationS}`);
  assert.ok(windows.length >= 5);
  for (const w of windows) assert.ok(Math.abs(w.fHz - F) < 0.02, `f ${w.fHz}`);
});

// Timestamp gaps (recordInput.ts recordTimes): a recorder that keeps separate snapshots
// writes them with one rate table; the stamps show the jump.
test("timestamp gap between two snapshots at one rate: two runs, no window across the gap, times follow the stamps", () => {
  // Snapshot 1: 0..0.6 s; 2.0 s without samples; snapshot 2: 2.6..3.2 s with a dip 2.9..3.0 s.
  const path = writeRecord("gap", [{ kind: "dip", startS: 2.9, durationS: 0.1, residualPct: 50 }], [[6400, 0.6], [6400, 0.6, 2.0]], { stamps: "true" });
  const { res, events, windows, summary } = json(path);
  const segs = summary.segments as Record<string, any>[];
  assert.equal(segs.length, 2, JSON.stringify(segs));
  assert.deepEqual(segs.map((s) => [s.recordSegments, s.samples, s.examined]), [[[1, 1], [1, 3840], true], [[2, 2], [3841, 7680], true]]);
  assert.equal(segs[0]!.gapBeforeS, undefined);
  assert.ok(Math.abs(segs[1]!.gapBeforeS - 2.0) < 2e-6, `gap ${segs[1]!.gapBeforeS}`);
  const t1 = 0.6 - 1 / 6400 + 1 / 6400 + 2.0; // snapshot 2's first sample
  assert.ok(Math.abs(segs[1]!.fromS - t1) < 2e-6, `snapshot 2 from ${segs[1]!.fromS}`);
  assert.ok(Math.abs(segs[0]!.toS - 0.6) < 1e-6, `snapshot 1 to ${segs[0]!.toS}`);
  // No window straddles the gap: each lies inside one snapshot, both snapshots have windows.
  for (const w of windows) {
    const end = w.t + 10 / w.fHz;
    assert.ok(end <= segs[0]!.toS + 1e-9 || w.t >= segs[1]!.fromS, `window ${w.t}..${end}`);
  }
  assert.ok(windows.filter((w) => w.t < 0.6).length >= 2 && windows.filter((w) => w.t > 2.6).length >= 2, windows.map((w) => w.t).join(" "));
  // The dip at its record time (the rates alone would put it at 0.9 s).
  assert.equal(events.length, 1, JSON.stringify(events));
  assert.equal(events[0]!.kind, "dip");
  assert.ok(Math.abs(events[0]!.start - truth[0]!.startS) <= T / 2, `start ${events[0]!.start} vs ${truth[0]!.startS}`);
  assert.ok(Math.abs(events[0]!.start + events[0]!.durationS - truth[0]!.endS) <= T / 2, `end ${events[0]!.start + events[0]!.durationS}`);
  assert.ok(res.notes.some((n) => /^timestamp gap between samples 3840 and 3841: 0\.5998 s -> 2\.6000 s, 2\.0000 s without samples/.test(n)), res.notes.join("\n"));
  assert.ok(table(res).some((l) => /^record .*2 rate segment\(s\), 1 timestamp gap, 50 Hz system/.test(l)));
});

test("timestamp gap inside one rate segment splits it; all-zero stamps (rate-only timing) do not", () => {
  const path = writeRecord("gapinside", [], [[6400, 0.6], [6400, 0.6, 1.0]], { stamps: "true", oneRateLine: true });
  const { res, summary } = json(path);
  const segs = summary.segments as Record<string, any>[];
  assert.deepEqual(segs.map((s) => [s.recordSegments, s.samples]), [[[1, 1], [1, 3840]], [[1, 1], [3841, 7680]]]);
  assert.ok(Math.abs(segs[1]!.gapBeforeS - 1.0) < 2e-6 && Math.abs(segs[1]!.fromS - 1.6) < 2e-6, JSON.stringify(segs[1]));
  assert.ok(res.notes.some((n) => /^segment 1 samples 3841-7680 \(1\.600-2\.200 s, 6400 Hz\): \d+ windows/.test(n)), res.notes.join("\n"));
  const zero = json(writeRecord("zerostamps", [], [[6400, 0.6], [6400, 0.6, 1.0]], { stamps: "zero", oneRateLine: true }));
  assert.equal(zero.summary.segments.length, 1);
  assert.deepEqual(zero.summary.segments[0].samples, [1, 7680]);
  assert.equal(zero.res.input.gaps.length, 0);
});

// Dead voltage channel (recordInput.ts ChannelLevel: rms below 1 % of the .cfg full scale).
function writeDead(name: string, live: boolean): string {
  const rate = 6400, dur = 1.0;
  const dead = synthesize({ frequencyHz: F, v: { rms: 0.01, noiseRms: 0.01 }, i: { rms: 5 }, seed: 11 }, { sampleRateHz: rate, durationS: dur });
  const on = synthesize(spec([]), { sampleRateHz: rate, durationS: dur });
  const scale = { a: 0.01, b: 0 }; // ASCII codes +-99998: full scale 999.98 V, a few codes of noise
  const base = join(dir, name);
  writeComtrade(
    base,
    {
      stationName: "meternet test",
      recDevId: "dead",
      lineFrequencyHz: 50,
      sampleRateHz: rate,
      startTime: start,
      analog: [
        { id: "Ua", phase: "A", unit: "V", values: dead.vV, scale },
        ...(live ? [{ id: "Ub", phase: "B", unit: "V", values: on.vV, scale }] : []),
        { id: "Ia", phase: "A", unit: "A", values: on.iA },
      ],
    },
    { rev: 1999, format: "ASCII" },
  );
  return base + ".cfg";
}

test("dead voltage channel: no declared voltage from its noise, the message, no events; with --nominal-v an interruption", () => {
  const path = writeDead("dead", false);
  const res = analyzeRecord(path);
  assert.equal(res.declaredV, null);
  assert.match(res.declaredFrom, /^voltage channel Ua carries no voltage \(rms 0\.0\d+ V, full scale 1000 V\): no declared voltage; give --nominal-v$/);
  assert.ok(res.input.vLevel.dead && res.input.vLevel.rmsV < 0.03, JSON.stringify(res.input.vLevel));
  assert.ok(res.windows.length >= 3, "windows are still measured");
  assert.equal(res.events.length, 0);
  assert.ok(res.windows.every((w) => !w.flagged) && res.aggregates.every((a) => !a.flagged));
  // What the noise's own level as declared voltage gives (the defect): events of nothing.
  const noise = analyzeRecord(path, { nominalV: res.input.vLevel.rmsV });
  assert.ok(noise.events.length >= 2, `noise events ${noise.events.length}`);
  const objs = jsonLines(res).map((l) => JSON.parse(l));
  assert.deepEqual([objs.filter((o) => o.type === "event").length, objs[objs.length - 1].declaredV], [0, null]);
  const t = table(res);
  assert.ok(t.some((l) => /^voltage +channel 1 Ua \[V\] \(codes: scaled; default: the first voltage channel; none of the 1 carries voltage .*\), voltage channel Ua carries no voltage/.test(l)), t.join("\n"));
  assert.ok(t.includes("events: none"));
  // Given a declared voltage, the data is what it is: one interruption over the whole record.
  const given = analyzeRecord(path, { nominalV: 230 });
  assert.equal(given.declaredV, 230);
  assert.deepEqual(given.events.map((e) => e.kind), ["interruption"]);
  assert.ok(given.events[0]!.residualPct < 0.1 && given.events[0]!.open === true, JSON.stringify(given.events[0]));
  assert.ok(given.notes.some((n) => /^voltage channel Ua carries no voltage \(rms 0\.0\d+ V, full scale 1000 V\); declared 230 V from --nominal-v/.test(n)), given.notes.join("\n"));
});

test("dead first voltage channel, live second: the live one is chosen by default and said so; --v names the dead one", () => {
  const path = writeDead("deadlive", true);
  const res = analyzeRecord(path);
  assert.equal(res.input.v.id, "Ub");
  assert.ok(res.declaredV !== null && Math.abs(res.declaredV - 230) < 1, `declared ${res.declaredV}`);
  assert.match(res.declaredFrom, /^sliding reference \(IEC 61000-4-30 5\.4\.4\) from the first steady windows, 0\.\d{3}-0\.\d{3} s$/);
  assert.equal(res.events.length, 0);
  assert.ok(table(res).some((l) => /^voltage +channel 2 Ub \[V\] \(codes: scaled; chosen: the first voltage channel carrying voltage; channel 1 Ua carries none\), declared 2\d\d\.\d{3} V/.test(l)), table(res).join("\n"));
  assert.ok(res.notes.some((n) => /^voltage channel Ua carries no voltage .*: channel 2 Ub, the first voltage channel that carries voltage, is analysed/.test(n)));
  const named = analyzeRecord(path, { v: "Ua" });
  assert.equal(named.declaredV, null);
  assert.equal(named.events.length, 0);
  assert.equal(named.input.v.why, undefined);
});

test("stamps that step by the previous segment's period at a rate change are no gap", () => {
  const path = writeRecord("oldrate", [], [[6400, 0.6], [3200, 0.6], [6400, 0.6]], { stamps: "oldRate" });
  const { res, summary } = json(path);
  assert.equal(res.input.gaps.length, 0, res.notes.join("\n"));
  assert.deepEqual(summary.segments.map((s: any) => s.gapBeforeS), [undefined, undefined, undefined]);
  // The same record with a 0.5 s gap before the third segment: that one is found.
  const gap = json(writeRecord("oldrategap", [], [[6400, 0.6], [3200, 0.6], [6400, 0.6, 0.5]], { stamps: "oldRate" }));
  assert.deepEqual(gap.res.input.gaps.map((g) => [g.sample, +g.missingS.toFixed(6)]), [[3840 + 1920, 0.5]]);
});
