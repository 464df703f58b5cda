// Records that used to be analysed silently wrong (issue 13 item 9): each gives a note or
// an error that names the file and the line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeRecord } from "./analyzeRecord.ts";
import { jsonLines } from "./format.ts";
import { generateRecord } from "../waveform/generateRecord.ts";
import type { ConditionSpec } from "../waveform/condition.ts";

const dir = mkdtempSync(join(tmpdir(), "meternet-oddities-test-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const SPEC: ConditionSpec = { frequencyHz: 60, v: { rms: 230 }, i: { rms: 5 }, seed: 1 };

/** A 1999 ASCII record (1 s at 12.8 kHz); edit(lines) rewrites its .cfg lines. */
function record(name: string, edit: (lines: string[]) => void, spec = SPEC): string {
  const base = join(dir, name);
  generateRecord(spec, base, { durationS: 1, rev: 1999, format: "ASCII" });
  const lines = readFileSync(base + ".cfg", "utf8").split("\r\n");
  edit(lines);
  writeFileSync(base + ".cfg", lines.join("\r\n"));
  return base + ".cfg";
}

test("a .cfg that declares 6 000 of the .dat's 12 800 samples: a note naming the line, the rest said not analysed", () => {
  const cfg = record("short", (l) => (l[6] = "12800,6000"));
  const res = analyzeRecord(cfg);
  assert.ok(res.notes.some((n) => /short\.cfg:7: the \.cfg declares 6000 samples \(endsamp of the last rate\), the \.dat holds 12800: samples 6001-12800 \(0\.5313 s\) are not analysed/.test(n)), res.notes.join("\n"));
});

test("lf = 0: the nominal frequency from the voltage's zero crossings, said with the line", () => {
  const cfg = record("lf0", (l) => (l[4] = "0"));
  const res = analyzeRecord(cfg);
  assert.equal(res.input.nominalHz, 60);
  assert.ok(res.notes.some((n) => /lf0\.cfg:5: lf \(line frequency\) is 0: nominal 60 Hz taken from the voltage's zero crossings \(60\.0\d* Hz\)/.test(n)), res.notes.join("\n"));
  assert.ok(Math.abs(res.windows[1]!.r.fHz - 60) < 0.01);
  const bad = record("lf400", (l) => (l[4] = "400"));
  assert.throws(() => analyzeRecord(bad), /lf400\.cfg:5: lf \(line frequency\) is 400 Hz; the meter's kernel measures 50 and 60 Hz systems/);
});

test("a multiplier of 1e400 (not a finite number) or 0: an error naming the line and field", () => {
  const big = record("big", (l) => (l[2] = l[2]!.replace(/^(1,V,A,,V,)[^,]+/, "$11e400")));
  assert.throws(() => analyzeRecord(big), /big\.cfg:3: analog channel 1: field 'a' \(multiplier\) is '1e400', beyond the range of a number/);
  const zero = record("zero", (l) => (l[2] = l[2]!.replace(/^(1,V,A,,V,)[^,]+/, "$10")));
  assert.throws(() => analyzeRecord(zero), /zero\.cfg:3: channel 1 V: multiplier a is 0: every sample would be b/);
});

test("BINARY declared over an ASCII .dat: an error that says so", () => {
  const cfg = record("binover", (l) => (l[9] = "BINARY"));
  assert.throws(() => analyzeRecord(cfg), /binover\.cfg:10: ft \(data file type\) is BINARY but binover\.dat is ASCII text \(its first line: '1,0,/);
});

test("a dead line: its windows' frequency is no measurement (null in JSON) and a note says so", () => {
  const spec: ConditionSpec = { ...SPEC, events: [{ kind: "interruption", startS: 0.45, durationS: 1 }] };
  const base = join(dir, "deadline");
  generateRecord(spec, base, { durationS: 1.4, rev: 1999, format: "ASCII" });
  const res = analyzeRecord(base + ".cfg", { nominalV: 230 });
  const objs = jsonLines(res).map((l) => JSON.parse(l)).filter((o) => o.type === "window");
  const dead = objs.filter((o) => o.flags.includes("below-range-v"));
  assert.ok(dead.length >= 2, JSON.stringify(objs.map((o) => o.flags)));
  for (const o of dead) assert.equal(o.fHz, null);
  assert.ok(res.notes.some((n) => /^\d+ windows? without a measurable voltage \(below its measuring range\): no frequency, no THD V \(null in JSON, - in the table/.test(n)), res.notes.join("\n"));
});

test("a DC-only current: no THD I (null), flagged no-fundamental-i", () => {
  const base = join(dir, "dci");
  generateRecord({ frequencyHz: 50, v: { rms: 230 }, i: { rms: 0, dc: 5, noiseRms: 0.01 }, seed: 1 }, base, { durationS: 1 });
  const res = analyzeRecord(base + ".cfg");
  const objs = jsonLines(res).map((l) => JSON.parse(l)).filter((o) => o.type === "window");
  for (const o of objs) {
    assert.ok(o.flags.includes("no-fundamental-i"), JSON.stringify(o.flags));
    assert.equal(o.thdIPct, null);
    assert.ok(o.thdVPct !== null);
  }
});
