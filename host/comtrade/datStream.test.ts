// The streamed data reader gives what the whole-file reader gives: every real record and
// generated ones in every format, chunk boundaries anywhere; its errors name the line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readComtrade } from "./reader.ts";
import { streamDat, type DatSource } from "./datStream.ts";
import { openRecord } from "../analyze/recordScan.ts";
import { writeComtrade } from "./writer.ts";

const DATA = fileURLToPath(new URL("../../../shared/data/comtrade/", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "meternet-datstream-test-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function same(path: string, chunkSamples: number): void {
  const whole = readComtrade(path, { scale: "recorded" });
  const h = openRecord(path);
  const all = whole.cfg.analog.map((_, k) => k);
  const got = whole.cfg.analog.map(() => [] as number[]);
  const stamps: number[] = [];
  const n = streamDat(h.src, h.cfg, h.datFile, h.datFirstLine, all, (c) => {
    for (let j = 0; j < c.count; j++) {
      stamps.push(c.timestamps[j]!);
      for (const k of all) got[k]!.push(c.analog[k]![j]!);
    }
  }, () => {}, chunkSamples);
  assert.equal(n, whole.count, path);
  whole.cfg.analog.forEach((ch, k) => {
    const want = Array.from(whole.analog[k]!, (v) => v);
    const mine = got[k]!.map((raw) => ch.a * raw + ch.b);
    assert.deepEqual(mine.map((v) => (Number.isNaN(v) ? "NaN" : v)), want.map((v) => (Number.isNaN(v) ? "NaN" : v)), `${path} channel ${k + 1}`);
  });
  assert.deepEqual(stamps.map((t) => (Number.isNaN(t) ? "NaN" : t * whole.cfg.timeMult * 1e-6)), Array.from(whole.timestampsS, (t) => (Number.isNaN(t) ? "NaN" : t)));
}

test("every real record with data: the streamed values equal the whole-file reader's, chunk sizes 1, 7 and 16384", () => {
  let checked = 0;
  for (const d of readdirSync(DATA, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    for (const f of readdirSync(join(DATA, d.name))) {
      const p = join(DATA, d.name, f);
      if (!/\.(cfg|cff)$/i.test(f) || (/\.cfg$/i.test(f) && !existsSync(p.replace(/\.cfg$/i, ".dat")))) continue;
      for (const size of [1, 7, 16384]) same(p, size);
      checked++;
    }
  }
  assert.ok(checked >= 6, `checked ${checked}`);
});

test("generated records in ASCII, BINARY, BINARY32 and FLOAT32 with missing values stream the same", () => {
  const v = Float64Array.from({ length: 3000 }, (_, k) => (k % 977 === 5 ? NaN : 300 * Math.sin(k / 10)));
  for (const format of ["ASCII", "BINARY", "BINARY32", "FLOAT32"] as const) {
    const base = join(dir, `g${format}`);
    writeComtrade(base, { stationName: "s", recDevId: "d", lineFrequencyHz: 50, sampleRateHz: 3200, startTime: { year: 2026, month: 1, day: 1, hour: 0, minute: 0, second: 0, nanosecond: 0 }, analog: [{ id: "V", unit: "V", values: v }, { id: "I", unit: "A", values: v.map((x) => x / 30) }] }, { rev: 2013, format });
    for (const size of [1, 333, 16384]) same(base + ".cfg", size);
  }
});

test("a bad ASCII line: the error names the file, the line and the sample", () => {
  const cfg = join(dir, "bad.cfg");
  writeFileSync(cfg, "s,d,1999\r\n1,1A,0D\r\n1,V,,,V,1,0,0,-99999,99999,1,1,P\r\n50\r\n1\r\n1000,3\r\n01/01/2026,00:00:00.000000\r\n01/01/2026,00:00:00.000000\r\nASCII\r\n1\r\n");
  writeFileSync(join(dir, "bad.dat"), "1,0,5\r\n2,1000,x7\r\n3,2000,6\r\n");
  const h = openRecord(cfg);
  assert.throws(() => streamDat(h.src as DatSource, h.cfg, h.datFile, 1, [0], () => {}, () => {}), /bad\.dat:2: sample 2: analog channel 1 \(V\) is 'x7', expected a number/);
});
