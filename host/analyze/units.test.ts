// Channels named in any common unit spelling reach analyze (issue 13 item 8): "volt",
// "ampere", "Amps", Cyrillic "В"/"кВ"/"А" in a cp1251 .cfg; an empty unit is a clear
// message naming the file and line, or accepted when --v / --i names the channel.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeRecord } from "./analyzeRecord.ts";
import { generateRecord } from "../waveform/generateRecord.ts";

const dir = mkdtempSync(join(tmpdir(), "meternet-units-test-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** A 1999 ASCII record (230 V, 5 A) whose units are rewritten; cp1251: the .cfg's bytes in Windows-1251. */
function record(name: string, vUnit: string, iUnit: string, vScale = 1, cp1251 = false): string {
  const base = join(dir, name);
  generateRecord({ frequencyHz: 50, v: { rms: 230 }, i: { rms: 5 }, seed: 1 }, base, { durationS: 0.8, rev: 1999, format: "ASCII" });
  const lines = readFileSync(base + ".cfg", "utf8").split("\r\n");
  const f3 = lines[2]!.split(","), f4 = lines[3]!.split(",");
  f3[4] = vUnit;
  f3[5] = String(Number(f3[5]) / vScale);
  f4[4] = iUnit;
  lines[2] = f3.join(",");
  lines[3] = f4.join(",");
  const text = lines.join("\r\n");
  writeFileSync(base + ".cfg", cp1251 ? Uint8Array.from([...text].map((c) => (c >= "А" && c <= "я" ? c.charCodeAt(0) - 0x410 + 0xc0 : c.charCodeAt(0)))) : text);
  return base + ".cfg";
}

test("volt / ampere, Volts / Amps, cp1251 кВ / А: the channels are found and scaled", () => {
  for (const [name, v, i, scale, cp] of [["words", "volt", "ampere", 1, false], ["plural", "Volts", "Amps", 1, false], ["cyr", "кВ", "А", 1000, true], ["cyrv", "В", "А", 1, true]] as const) {
    const res = analyzeRecord(record(name, v, i, scale, cp));
    assert.equal(res.input.v.unit, v, name);
    assert.ok(res.input.i !== null && res.input.i.unit === i, name);
    const w = res.windows[1]!.r;
    assert.ok(Math.abs(w.vRmsV - 230) < 0.5, `${name}: V ${w.vRmsV}`);
    assert.ok(Math.abs(w.iRmsA - 5) < 0.02, `${name}: I ${w.iRmsA}`);
  }
});

test("an empty unit: a message naming the file and line; --v names it: accepted as volts, said so", () => {
  const cfg = record("empty", "", "A");
  assert.throws(() => analyzeRecord(cfg), (e: Error) => {
    assert.match(e.message, /empty\.cfg: no analog channel in V or kV \(a voltage unit: V, kV, volt, В, кВ\); channel 1 V has no unit \(.*empty\.cfg:3, field 'uu' empty\): name it with --v to take it as volts/);
    return true;
  });
  const res = analyzeRecord(cfg, { v: "V" });
  assert.ok(res.notes.some((n) => /^channel 1 V has no unit \(.*empty\.cfg:3, field 'uu' empty\): taken as V because --v names it$/.test(n)), res.notes.join("\n"));
  assert.ok(Math.abs(res.windows[1]!.r.vRmsV - 230) < 0.5);
  // A unit that is no voltage, named with --v: refused with what it is.
  const pu = record("pu", "p.u.", "A");
  assert.throws(() => analyzeRecord(pu, { v: "V" }), /channel 'V' is in 'p\.u\.' \(.*pu\.cfg:3\), not a voltage unit \(V, kV, volt, В, кВ\)/);
});
