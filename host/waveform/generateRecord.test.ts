import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateRecord } from "./generateRecord.ts";
import { readComtrade } from "../comtrade/reader.ts";
import { referenceAdc } from "./adc.ts";
import type { ConditionSpec } from "./condition.ts";

const dir = mkdtempSync(join(tmpdir(), "genrec-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const spec: ConditionSpec = {
  frequencyHz: 50,
  v: { rms: 230, components: [{ order: 5, ratio: 0.04 }] },
  i: { rms: 20 },
  displacementRad: 0.4,
  events: [{ kind: "dip", startS: 0.2, durationS: 0.1, residualPct: 50, pointOnWaveDeg: 0 }],
  seed: 4,
};
const rms = (x: Float64Array, a: number, b: number): number => {
  let s = 0;
  for (let k = a; k < b; k++) s += x[k]! ** 2;
  return Math.sqrt(s / (b - a));
};

test("analog stage: the record holds the true V and A, its .hdr the spec and truth", () => {
  const g = generateRecord(spec, join(dir, "analog"), { durationS: 0.5 });
  assert.deepEqual(g.files.map((f) => f.slice(dir.length + 1)), ["analog.cfg", "analog.dat", "analog.hdr"]);
  const r = readComtrade(g.files[0]!);
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(r.cfg.analog.map((c) => [c.id, c.unit]), [["V", "V"], ["I", "A"]]);
  assert.equal(r.cfg.rates[0]!.sampleRateHz, 12800);
  assert.equal(r.count, 6400);
  assert.ok(Math.abs(rms(r.analog[0]!, 0, 2560) - g.truth.vRmsV) < 1e-4);
  assert.ok(Math.abs(rms(r.analog[0]!, 2560 + 256, 2560 + 512) - 0.5 * g.truth.vRmsV) < 1e-4, "dip at half voltage");
  assert.ok(Math.abs(g.events[0]!.startS - 0.2) < 1e-12);
  const meta = JSON.parse(r.hdr!).meternetTestCondition;
  assert.equal(meta.truth.vRmsV, g.truth.vRmsV);
  assert.deepEqual(meta.spec, spec);
});

test("adc stage: integers in the record are the 12-bit codes, values the nominal input scaling", () => {
  const g = generateRecord(spec, join(dir, "adc.cff"), { durationS: 0.2, stage: "adc", adc: referenceAdc({ noiseLsbRms: 0.5, seed: 8 }) });
  assert.deepEqual(g.clipped, { v: 0, i: 0 });
  const r = readComtrade(g.files[0]!);
  const ch = r.cfg.analog[0]!;
  let maxCode = 0, minCode = 4096;
  for (const x of r.analog[0]!) {
    const code = (x - ch.b) / ch.a;
    assert.ok(Math.abs(code - Math.round(code)) < 1e-6, `code ${code}`);
    maxCode = Math.max(maxCode, Math.round(code));
    minCode = Math.min(minCode, Math.round(code));
  }
  // 230 V * 1.04 peak about 338 V on a 650 V / 1861.8 LSB full scale: ±969 LSB about 1862
  assert.ok(minCode > 850 && minCode < 920 && maxCode > 2800 && maxCode < 2880, `${minCode}..${maxCode}`);
  const v = rms(r.analog[0]!, 0, 2560);
  assert.ok(Math.abs(v / g.truth.vRmsV - 1) < 5e-4, `rms through the ADC ${v} vs ${g.truth.vRmsV}`);
});
