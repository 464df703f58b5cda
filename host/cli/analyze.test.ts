import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "./analyze.ts";
import { generateRecord } from "../waveform/generateRecord.ts";
import type { ConditionSpec } from "../waveform/condition.ts";

const DATA = join(import.meta.dirname, "../../../shared/data/comtrade");

/** Runs `meternet analyze` in process; returns exit code, stdout lines, stderr text. */
async function analyze(args: string[]): Promise<{ code: number; out: string[]; err: string }> {
  let out = "", err = "";
  const w = process.stdout.write.bind(process.stdout);
  const e = console.error, l = console.log;
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  console.error = (...a: unknown[]) => void (err += a.join(" ") + "\n");
  console.log = (...a: unknown[]) => void (out += a.join(" ") + "\n");
  try {
    const code = await main(args);
    return { code, out: out.split("\n").filter((x) => x), err };
  } finally {
    process.stdout.write = w;
    console.error = e;
    console.log = l;
  }
}

const parse = (lines: string[]): Record<string, any>[] => lines.map((x) => JSON.parse(x));

const dir = mkdtempSync(join(tmpdir(), "meternet-analyze-test-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const steady: ConditionSpec = {
  frequencyHz: 50.2,
  v: { rms: 230, components: [{ order: 5, ratio: 0.05, phaseRad: 0.4 }] },
  i: { rms: 10, components: [{ order: 3, ratio: 0.1, phaseRad: -1 }] },
  displacementRad: 0.5,
  vPhaseRad: 1,
  seed: 3,
};

test("generated ADC-code record: JSON lines with the issue's field names, values at the truth", async () => {
  const base = join(dir, "steady");
  const g = generateRecord(steady, base, { stage: "adc", durationS: 1.2 });
  const r = await analyze([base + ".cfg", "--json", "--nominal-v", "230", "--front-end-hz", "10000"]);
  assert.equal(r.code, 0, r.err);
  const objs = parse(r.out);
  const wins = objs.filter((o) => o.type === "window");
  assert.ok(wins.length >= 4, `windows ${wins.length}`);
  assert.deepEqual(Object.keys(wins[0]!), ["type", "t", "fHz", "vRmsV", "iRmsA", "pW", "sVA", "nVA", "pf", "thdVPct", "thdIPct", "hV", "hI", "flagged", "flags", "thdMaxOrder"]);
  assert.equal(wins[0]!.hV.length, 51);
  assert.equal(wins[0]!.hI.length, 51);
  const last = objs[objs.length - 1]!;
  assert.deepEqual({ ...last, segments: undefined }, { type: "summary", windows: wins.length, events: 0, segments: undefined, declaredV: 230, declaredFrom: "--nominal-v", thdMaxOrder: 40 });
  assert.equal(last.segments.length, 1);
  const seg = last.segments[0];
  assert.deepEqual([seg.fromS, seg.toS, seg.rateHz, seg.examined, seg.windows], [0, 1.2, 12800, true, wins.length]);
  assert.ok(Math.abs(seg.unexaminedS - (1.2 - seg.examinedToS)) < 1e-6 && seg.unexaminedS > 0, `tail ${seg.unexaminedS}`);
  assert.match(r.err, new RegExp(`note: record \\(0\\.000-1\\.200 s, 12800 Hz\\): ${wins.length} windows, then \\d+ Urms\\(1/2\\) values of a partial window to [\\d.]+ s; last ${seg.unexaminedS.toFixed(3)} s not examined`));
  const t = g.truth;
  for (const w of wins.slice(1)) {
    assert.ok(Math.abs(w.vRmsV / t.vRmsV - 1) < 2e-4, `V ${w.vRmsV} vs ${t.vRmsV}`);
    assert.ok(Math.abs(w.iRmsA / t.iRmsA - 1) < 5e-4, `I ${w.iRmsA} vs ${t.iRmsA}`);
    assert.ok(Math.abs(w.pW - t.pW) < 5e-4 * t.sVA, `P ${w.pW} vs ${t.pW}`);
    assert.ok(Math.abs(w.nVA - t.nVA) < 1e-3 * t.sVA, `N ${w.nVA} vs ${t.nVA}`);
    assert.ok(Math.abs(w.fHz - 50.2) < 0.002);
    assert.ok(Math.abs(w.thdVPct - 5) < 0.05, `THD V ${w.thdVPct}`);
    assert.ok(Math.abs(w.thdIPct - 10) < 0.05, `THD I ${w.thdIPct}`);
    assert.ok(Math.abs(w.hV[5] - 0.05 * 230 / Math.sqrt(1.0025)) < 0.1, `H5 ${w.hV[5]}`);
    assert.equal(w.flagged, false);
  }
  assert.ok(wins[1]!.t > wins[0]!.t && Math.abs(wins[1]!.t - wins[0]!.t - 10 / 50.2) < 1e-3, "t in seconds from record start");
  const agg = objs.filter((o) => o.type === "aggregate");
  assert.equal(agg.length, 1, "1.2 s: no 150-cycle block, one partial 10-minute aggregate");
  assert.equal(agg[0]!.interval, "10min");
});

test("generated analog record (float32, true values): scaled to codes, same readings within quantisation", async () => {
  const base = join(dir, "analog");
  const g = generateRecord(steady, base, { stage: "analog", durationS: 0.8 });
  const r = await analyze([base + ".cfg", "--json"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /declared voltage .*sliding reference \(IEC 61000-4-30 5\.4\.4\) from the first steady windows/);
  const wins = parse(r.out).filter((o) => o.type === "window");
  for (const w of wins.slice(1)) {
    assert.ok(Math.abs(w.vRmsV / g.truth.vRmsV - 1) < 2e-4, `V ${w.vRmsV}`);
    assert.ok(Math.abs(w.pW - g.truth.pW) < 5e-4 * g.truth.sVA, `P ${w.pW}`);
  }
});

test("dips on generated records: start within half a cycle, residual within 0.2 % of nominal, windows flagged", async () => {
  const cases: [number, number, number, number][] = [
    // residual %, start s, duration s, point on wave deg
    [50, 0.41, 0.1, 90],
    [20, 0.43, 0.25, 0],
    [85, 0.47, 0.06, 45],
  ];
  for (const [res, start, dur, pow] of cases) {
    const spec: ConditionSpec = { ...steady, v: { rms: 230 }, events: [{ kind: "dip", startS: start, durationS: dur, residualPct: res, pointOnWaveDeg: pow }] };
    const base = join(dir, `dip${res}`);
    const g = generateRecord(spec, base, { stage: "adc", durationS: 1.2, declaredV: 230 });
    const r = await analyze([base + ".cfg", "--json", "--nominal-v", "230"]);
    assert.equal(r.code, 0, r.err);
    const objs = parse(r.out);
    const ev = objs.filter((o) => o.type === "event");
    assert.equal(ev.length, 1, `one event for ${res} %: ${JSON.stringify(ev)}`);
    const truth = g.events[0]!;
    const T = 1 / 50.2;
    assert.equal(ev[0]!.kind, "dip");
    assert.ok(Math.abs(ev[0]!.start - truth.startS) <= T / 2, `start ${ev[0]!.start} vs ${truth.startS}`);
    assert.ok(Math.abs(ev[0]!.start + ev[0]!.durationS - truth.endS) <= T / 2, `end ${ev[0]!.start + ev[0]!.durationS} vs ${truth.endS}`);
    assert.ok(Math.abs(ev[0]!.residualPct - truth.residualOfDeclaredPct) <= 0.2, `residual ${ev[0]!.residualPct} vs ${truth.residualOfDeclaredPct}`);
    const wins = objs.filter((o) => o.type === "window");
    for (const w of wins) {
      const overlaps = w.t < truth.endS && w.t + 10 / 50.2 > truth.startS;
      if (overlaps) assert.equal(w.flagged, true, `window at ${w.t} overlaps the dip`);
    }
    assert.ok(wins.some((w) => !w.flagged), "windows clear of the dip are not flagged");
  }
});

test("interruption and swell on a generated record", async () => {
  const spec: ConditionSpec = { ...steady, v: { rms: 230 }, events: [{ kind: "interruption", startS: 0.3, durationS: 0.15 }, { kind: "swell", startS: 0.7, durationS: 0.2, residualPct: 115 }] };
  const base = join(dir, "intswell");
  generateRecord(spec, base, { stage: "adc", durationS: 1.2, declaredV: 230 });
  const r = await analyze([base + ".cfg", "--json", "--nominal-v", "230"]);
  const ev = parse(r.out).filter((o) => o.type === "event");
  assert.deepEqual(ev.map((e) => e.kind), ["interruption", "swell"]);
  assert.ok(ev[0]!.residualPct < 2);
  assert.ok(Math.abs(ev[1]!.residualPct - 115) < 0.3, `swell ${ev[1]!.residualPct}`);
});

test("real record, generator station (kV primary, 5760 Hz): a 151 % swell on VA for 1.43 s", async () => {
  const r = await analyze([join(DATA, "generator-station/test1.cfg"), "--v", "VA_G1", "--i", "IA_G1", "--json"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /declared voltage 3464\.1\d* V \(VT 6000 V line-to-line/);
  const objs = parse(r.out);
  const wins = objs.filter((o) => o.type === "window");
  assert.equal(wins.length, 21);
  assert.ok(Math.abs(wins[0]!.vRmsV - 3484) < 5, `pre-event ${wins[0]!.vRmsV} V`);
  assert.ok(Math.abs(wins[0]!.fHz - 49.99) < 0.01);
  const ev = objs.filter((o) => o.type === "event");
  assert.equal(ev.length, 1);
  assert.equal(ev[0]!.kind, "swell");
  assert.ok(Math.abs(ev[0]!.start - 1.435) < 0.01, `start ${ev[0]!.start}`);
  assert.ok(Math.abs(ev[0]!.durationS - 1.43) < 0.02, `duration ${ev[0]!.durationS}`);
  assert.ok(Math.abs(ev[0]!.residualPct - 151) < 1, `peak ${ev[0]!.residualPct}`);
  // window 6 (from about 1.24 s: the first window starts one period after the first crossing) holds the swell's start
  assert.deepEqual(wins.map((w) => (w.flagged ? 1 : 0)).join(""), "000000111111111000000");
  // Table output names the channels and the event.
  const t = await analyze([join(DATA, "generator-station/test1.cfg")]);
  assert.equal(t.code, 0);
  assert.ok(t.out.some((l) => /voltage\s+channel 4 VA_G1 \[kV\]/.test(l)));
  assert.ok(t.out.some((l) => /swell\s+start\s+1\.43/.test(l)));
});

test("real record, 2013 line fault CFF: truncated before the fault, reported as such", async () => {
  const r = await analyze([join(DATA, "line-fault-2013/ascii_cff_2013.cff"), "--json"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /holds 186 samples, the configuration announces 45600 \(truncated data\)/);
  assert.match(r.err, /no complete window: the record holds 186 samples \(0\.0186 s\)/);
  assert.match(r.err, /declared voltage 127017 V/);
  assert.deepEqual(parse(r.out), [
    { type: "summary", windows: 0, events: 0, segments: [{ fromS: 0, toS: 0.0186, rateHz: 10000, recordSegments: [1, 1], examined: false, why: "shorter than one window (0.0186 s of 0.2 s)", windows: 0, unexaminedS: 0.0186, samples: [1, 186] }], declaredV: 127017, declaredFrom: "VT primary 127017 V phase-to-neutral (secondary 57.735 V)", thdMaxOrder: 50 },
  ]);
});

test("real record, 1991 substation: timestamp gaps split the 1200 Hz segments; Ua1 (de-energised) gives no declared voltage and no events", async () => {
  const cfg = join(DATA, "substation-1991/ascii_1991.cfg");
  const r = await analyze([cfg, "--json"]);
  assert.equal(r.code, 0, r.err);
  const objs = parse(r.out);
  const sum = objs[objs.length - 1]!;
  // The stamps jump after samples 289, 506, 1045, 1812 and 2099 (segments 4-6 are continuous).
  assert.deepEqual(sum.segments.map((s: any) => [s.recordSegments, s.samples]), [
    [[1, 1], [1, 289]],
    [[2, 2], [290, 506]],
    [[3, 3], [507, 1045]],
    [[4, 6], [1046, 1812]],
    [[7, 7], [1813, 2099]],
    [[8, 8], [2100, 2131]],
  ]);
  const gaps = [undefined, 3.2808, 3.2025, 2.6775, 0.2808, 6.1192];
  sum.segments.forEach((s: any, k: number) => (gaps[k] === undefined ? assert.equal(s.gapBeforeS, undefined) : assert.ok(Math.abs(s.gapBeforeS - gaps[k]!) < 1e-3, `gap ${k}: ${s.gapBeforeS}`)));
  // Times follow the stamps from the first sample's (-77.5 ms): sample 290 at 3.444166 + 0.0775 s.
  assert.ok(Math.abs(sum.segments[1].fromS - 3.521666) < 1e-5, `segment 2 from ${sum.segments[1].fromS}`);
  assert.ok(Math.abs(sum.segments[5].fromS - 17.31) < 1e-5, `segment 8 from ${sum.segments[5].fromS}`);
  for (const w of objs.filter((o) => o.type === "window")) assert.ok(sum.segments.some((s: any) => w.t >= s.fromS && w.t < s.toS), `window at ${w.t}`);
  assert.match(r.err, /note: timestamp gap between samples 289 and 290: 0\.2400 s -> 3\.5217 s, 3\.2808 s without samples/);
  // Every voltage channel is dead (rms 0.01..1.6 V of a 1000 V full scale): Ua1 stays, no declared voltage, no events.
  assert.equal(sum.declaredV, null);
  assert.equal(sum.declaredFrom, "voltage channel Ua1 carries no voltage (rms 0.014 V, full scale 1000 V): no declared voltage; give --nominal-v");
  assert.equal(sum.events, 0);
  assert.equal(objs.filter((o) => o.type === "event").length, 0);
  const t = await analyze([cfg]);
  assert.ok(t.out.some((l) => /^record .*8 rate segment\(s\), 5 timestamp gaps, 50 Hz system$/.test(l)), t.out.join("\n"));
  assert.ok(t.out.some((l) => /^voltage +channel 5 Ua1 \[V\] \(codes: scaled; default: the first voltage channel; none of the 11 carries voltage/.test(l)), t.out.join("\n"));
  assert.ok(t.out.includes("events: none"));
  // A declared voltage given: each examined snapshot is an interruption, nothing else.
  const n = await analyze([cfg, "--json", "--nominal-v", "57.7"]);
  const ev = parse(n.out).filter((o) => o.type === "event");
  assert.deepEqual(ev.map((e) => e.kind), ["interruption", "interruption", "interruption", "interruption", "interruption"]);
  assert.ok(ev.every((e) => e.residualPct < 0.1 && e.open === true));
});

test("bad input exits 2 with a message naming the problem", async () => {
  let r = await analyze([join(dir, "missing.cfg")]);
  assert.equal(r.code, 2);
  assert.match(r.err, /missing\.cfg: file not found/);
  r = await analyze([join(DATA, "generator-station/test1.cfg"), "--v", "VX"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /no analog channel named 'VX' \(channels: 1 IA_G1 \[A\]/);
  r = await analyze([join(DATA, "generator-station/test1.cfg"), "--v", "IA_G1"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /channel 'IA_G1' is in 'A' \(.*test1\.cfg:3\), not a voltage unit/);
  r = await analyze([join(DATA, "generator-station/test1.cfg"), "--nominal-v", "abc"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /--nominal-v needs a positive number/);
  r = await analyze(["--json"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /no record given/);
  r = await analyze([join(DATA, "generator-station/test1.cfg"), "--frobnicate"]);
  assert.equal(r.code, 2);
});
