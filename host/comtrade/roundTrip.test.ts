import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeComtrade, type RecordToWrite, type WriteOptions } from "./writer.ts";
import { readComtrade } from "./reader.ts";
import type { DataFormat } from "./types.ts";

const dir = mkdtempSync(join(tmpdir(), "comtrade-rt-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function record(): RecordToWrite {
  const n = 500, fs = 4000;
  const v = new Float64Array(n), i = new Float64Array(n), vs = new Float64Array(n);
  const trip = new Uint8Array(n), flags: Uint8Array[] = [];
  for (let k = 0; k < n; k++) {
    v[k] = 325 * Math.sin((2 * Math.PI * 50 * k) / fs);
    i[k] = 14.1 * Math.sin((2 * Math.PI * 50 * k) / fs - 0.5) + 0.2;
    vs[k] = 57.7 * Math.sin((2 * Math.PI * 50 * k) / fs + 1);
    trip[k] = k >= 250 ? 1 : 0;
  }
  v[10] = NaN; // missing sample
  for (let d = 0; d < 17; d++) flags.push(Uint8Array.from({ length: n }, (_, k) => ((k >> d) & 1) as number));
  return {
    stationName: "Bench Ω station",
    recDevId: "meternet",
    lineFrequencyHz: 50,
    sampleRateHz: fs,
    startTime: { year: 2026, month: 11, day: 24, hour: 8, minute: 30, second: 5, nanosecond: 123456000 },
    triggerTime: { year: 2026, month: 11, day: 24, hour: 8, minute: 30, second: 5, nanosecond: 185956000 },
    analog: [
      { id: "V1", phase: "A", unit: "V", values: v },
      { id: "I1", phase: "A", unit: "A", values: i, skewUs: 12.5 },
      { id: "Vsec", unit: "V", values: vs, primary: 127017, secondary: 57.735, ps: "S" },
    ],
    digital: [{ id: "trip", values: trip, normalState: 0 }, ...flags.map((values, d) => ({ id: `f${d}`, values }))],
  };
}

const cases: { rev: 1999 | 2013; format: DataFormat; cff?: boolean }[] = [
  { rev: 1999, format: "ASCII" },
  { rev: 1999, format: "BINARY" },
  { rev: 2013, format: "ASCII" },
  { rev: 2013, format: "BINARY" },
  { rev: 2013, format: "BINARY32" },
  { rev: 2013, format: "FLOAT32" },
  { rev: 2013, format: "BINARY", cff: true },
  { rev: 2013, format: "ASCII", cff: true },
];

for (const c of cases) {
  test(`round trip ${c.rev} ${c.format}${c.cff ? " .cff" : ""}: values within half a step, missing data, digital, time`, () => {
    const rec = record();
    const opts: WriteOptions = { rev: c.rev, format: c.format, cff: c.cff, hdr: "generated" };
    const base = join(dir, `rt_${c.rev}_${c.format}${c.cff ? "_cff" : ""}`);
    const { files } = writeComtrade(base, rec, opts);
    const back = readComtrade(files[0]!, { scale: "recorded" });
    assert.deepEqual(back.warnings, []);
    assert.equal(back.cfg.rev, c.rev);
    assert.equal(back.cfg.dataFormat, c.format);
    assert.equal(back.cfg.stationName, "Bench Ω station");
    assert.equal(back.count, 500);
    assert.equal(back.timeSource, "rate");
    assert.ok(Math.abs(back.times[499]! - 499 / 4000) < 1e-12);
    assert.ok(Math.abs(back.timestampsS[499]! - 499 / 4000) < 1e-6);
    assert.ok(Math.abs(back.triggerS! - 0.0625) < 1e-9);
    assert.equal(back.cfg.analog[1]!.skewUs, 12.5);
    assert.deepEqual(back.units, ["V", "A", "V"]);
    for (let ch = 0; ch < 3; ch++) {
      const src = rec.analog[ch]!.values, got = back.analog[ch]!;
      const step = c.format === "FLOAT32" ? 1e-4 : back.cfg.analog[ch]!.a;
      let worst = 0;
      for (let k = 0; k < 500; k++) {
        if (Number.isNaN(src[k]!)) assert.ok(Number.isNaN(got[k]!), `missing sample ${k} read back as ${got[k]}`);
        else worst = Math.max(worst, Math.abs(got[k]! - src[k]!));
      }
      assert.ok(worst <= step / 2 + 1e-12 * Math.abs(step), `channel ${ch}: error ${worst} > ${step / 2}`);
      if (c.format !== "FLOAT32") assert.ok(step < 0.01, `resolution ${step}`);
    }
    for (let d = 0; d < rec.digital!.length; d++) assert.deepEqual(back.digital[d], rec.digital![d]!.values, `digital ${d}`);
    // Secondary channel converted to primary on request.
    const prim = readComtrade(files[0]!);
    assert.deepEqual(prim.scaledAs, ["primary", "primary", "primary"]);
    assert.ok(Math.abs(prim.analog[2]![100]! - back.analog[2]![100]! * (127017 / 57.735)) < 1e-6);
    const sec = readComtrade(files[0]!, { scale: "secondary" });
    assert.deepEqual(sec.analog[0], back.analog[0], "primary ratio 1:1 by default");
    assert.equal(sec.analog[2]![100], back.analog[2]![100]);
    if (c.cff) assert.equal(back.hdr?.trim(), "generated");
  });
}

test("writer output is byte-stable (same record, same bytes) and uses CRLF", () => {
  const a = writeComtrade(join(dir, "stable_a"), record(), { rev: 2013, format: "BINARY" });
  const b = writeComtrade(join(dir, "stable_b"), record(), { rev: 2013, format: "BINARY" });
  assert.deepEqual(readFileSync(a.files[1]!), readFileSync(b.files[1]!));
  const cfg = readFileSync(a.files[0]!, "utf8");
  assert.ok(cfg.includes("\r\n") && !/[^\r]\n/.test(cfg));
  assert.match(cfg, /^Bench Ω station,meternet,2013\r\n21,3A,18D\r\n/);
  assert.match(cfg, /\r\n24\/11\/2026,08:30:05\.123456\r\n/);
});

test("writer rejects what it cannot write", () => {
  const r = record();
  assert.throws(() => writeComtrade(join(dir, "bad"), { ...r, analog: [{ ...r.analog[0]!, id: "a,b" }] }), /channel id 'a,b' contains a comma/);
  assert.throws(() => writeComtrade(join(dir, "bad"), r, { rev: 1999, format: "FLOAT32" }), /FLOAT32 needs rev 2013/);
  assert.throws(() => writeComtrade(join(dir, "bad"), { ...r, analog: [r.analog[0]!, { ...r.analog[1]!, values: new Float64Array(3) }] }), /channel 2 \(I1\) has 3 samples, channel 1 has 500/);
});
