// Every window's kernel flags reach analyze's outputs (issue 13 item 3): JSON `flags`,
// the table's marks and legend, the aggregates (union of their windows' flags), the
// highest harmonic order (`thdMaxOrder`) and the measuring range (item 9).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeRecord } from "./analyzeRecord.ts";
import { jsonLines, table } from "./format.ts";
import { generateRecord } from "../waveform/generateRecord.ts";

const dir = mkdtempSync(join(tmpdir(), "meternet-flags-test-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const json = (path: string, opts = {}) => {
  const res = analyzeRecord(path, opts);
  return { res, objs: jsonLines(res).map((l) => JSON.parse(l)), table: table(res) };
};

test("a current that clips the ADC (35 A on a 30 A front end): every window flagged clipped-i, the aggregate too, the table marks and explains it", () => {
  const base = join(dir, "clip");
  generateRecord({ frequencyHz: 50, v: { rms: 230 }, i: { rms: 35 }, displacementRad: 0.3, seed: 1 }, base, { stage: "adc", durationS: 1 });
  const { objs, table: t } = json(base + ".cfg");
  const wins = objs.filter((o) => o.type === "window");
  assert.ok(wins.length >= 3);
  for (const w of wins) assert.ok(w.flags.includes("clipped-i"), JSON.stringify(w.flags));
  for (const w of wins) assert.ok(!w.flags.includes("clipped-v"), JSON.stringify(w.flags));
  const agg = objs.filter((o) => o.type === "aggregate");
  assert.ok(agg.length >= 1 && agg.every((a) => a.flags.includes("clipped-i")), JSON.stringify(agg.map((a) => a.flags)));
  const rows = t.filter((l) => /^ +0\.\d{3} +50\.0/.test(l));
  assert.equal(rows.length, wins.length);
  for (const r of rows) assert.match(r, / I\S*$| \S*I\S*$/);
  assert.ok(t.some((l) => /^flags +I clipped-i: a current sample reached the ADC's end \(code 0 or 4095\)/.test(l)), t.join("\n"));
});

test("first window at 42.5 Hz: flagged first-window; the next ones are not", () => {
  const base = join(dir, "f42");
  generateRecord({ frequencyHz: 42.5, v: { rms: 230 }, i: { rms: 5 }, seed: 1 }, base, { durationS: 1 });
  const { objs } = json(base + ".cfg");
  const wins = objs.filter((o) => o.type === "window");
  assert.ok(wins[0].flags.includes("first-window"), JSON.stringify(wins[0].flags));
  for (const w of wins.slice(1)) assert.ok(!w.flags.includes("first-window"));
  assert.deepEqual(Object.keys(wins[0]).slice(-3), ["flagged", "flags", "thdMaxOrder"]);
});

test("4 kHz record: thdMaxOrder 24 < 50 and a note that the rate limits the harmonics", () => {
  const base = join(dir, "h25");
  generateRecord({ frequencyHz: 50, v: { rms: 230, components: [{ order: 25, ratio: 0.05 }] }, i: { rms: 5 }, seed: 1 }, base, { durationS: 1, sampleRateHz: 4000 });
  const { res, objs } = json(base + ".cfg");
  const wins = objs.filter((o) => o.type === "window");
  for (const w of wins) assert.ok(w.thdMaxOrder >= 20 && w.thdMaxOrder <= 40, `thdMaxOrder ${w.thdMaxOrder}`);
  const n = wins[1].thdMaxOrder;
  assert.ok(res.notes.some((x) => x.includes(`harmonics limited to order ${n} by the sample rate (4000 Hz)`)), res.notes.join("\n"));
  const sum = objs[objs.length - 1];
  assert.equal(sum.thdMaxOrder, n);
  // 12.8 kHz: THD over its defined orders 2..40 (IEC 61000-4-7), every group to 50, no note.
  const b2 = join(dir, "h50");
  generateRecord({ frequencyHz: 50, v: { rms: 230 }, i: { rms: 5 }, seed: 1 }, b2, { durationS: 0.8 });
  const r2 = json(b2 + ".cfg");
  assert.ok(r2.objs.filter((o) => o.type === "window").every((w) => w.thdMaxOrder === 40));
  assert.ok(!r2.res.notes.some((x) => x.includes("harmonics limited")));
});

test("0.05 A on a 30 A front end: below the measuring range, flagged, the range stated", () => {
  const base = join(dir, "lowi");
  generateRecord({ frequencyHz: 50, v: { rms: 230 }, i: { rms: 0.05 }, displacementRad: 0.3, seed: 1 }, base, { stage: "adc", durationS: 1 });
  const { res, objs, table: t } = json(base + ".cfg");
  const wins = objs.filter((o) => o.type === "window");
  for (const w of wins) assert.ok(w.flags.includes("below-range-i"), JSON.stringify(w.flags));
  for (const w of wins) assert.ok(!w.flags.includes("below-range-v"));
  assert.ok(res.notes.some((x) => /current channel I: measuring range 0\.3\.\.30 A rms \(1\.\.100 % of the full scale 42\.43 A peak, ADC codes 0\.\.4095\); (\d+) of \1 windows below it/.test(x)), res.notes.join("\n"));
  assert.ok(t.some((l) => /^ +i below-range-i: /.test(l) || /^flags +i below-range-i: /.test(l)), t.join("\n"));
});
