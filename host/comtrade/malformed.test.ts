// One test per kind of defect: the error must name the file, the 1-based line and the field.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readComtrade } from "./reader.ts";

const root = mkdtempSync(join(tmpdir(), "comtrade-bad-"));
test.after(() => rmSync(root, { recursive: true, force: true }));
const CFG = [
  "STATION,DEV,2013",
  "3,2A,1D",
  "1,VA,A,,V,0.1,0,0,-32767,32767,1,1,P",
  "2,IA,A,,A,0.01,0,0,-32767,32767,1,1,P",
  "1,TRIP,,,0",
  "50",
  "1",
  "1000,4",
  "01/01/2020,00:00:00.000000",
  "01/01/2020,00:00:00.001000",
  "ASCII",
  "1",
  "0,0",
  "0,0",
];
const DAT = ["1,0,100,50,0", "2,1000,200,-50,0", "3,2000,300,10,1", "4,3000,-100,20,1"];

let caseNo = 0;
/** Writes test.cfg/test.dat with line `line` (1-based) of the cfg replaced (or removed with null). */
function make(cfgEdits: Record<number, string | null> = {}, datEdits: Record<number, string | null> = {}, datBytes?: Uint8Array): string {
  const d = join(root, String(++caseNo));
  mkdirSync(d);
  const edit = (lines: string[], e: Record<number, string | null>): string =>
    lines.flatMap((l, k) => (e[k + 1] === undefined ? [l] : e[k + 1] === null ? [] : [e[k + 1]!])).join("\r\n") + "\r\n";
  writeFileSync(join(d, "test.cfg"), edit(CFG, cfgEdits));
  writeFileSync(join(d, "test.dat"), datBytes ?? edit(DAT, datEdits));
  return join(d, "test.cfg");
}

const rejects = (path: string, re: RegExp, opts = {}): void => {
  assert.throws(() => readComtrade(path, opts), (e: Error) => {
    assert.match(e.message, re);
    return true;
  });
};

test("the good file reads, so every failure below is the edit's", () => {
  const r = readComtrade(make());
  assert.deepEqual(r.warnings, []);
  assert.deepEqual([...r.analog[0]!], [10, 20, 30, -10]);
  assert.deepEqual([...r.digital[0]!], [0, 0, 1, 1]);
});

test("analog multiplier not a number", () => {
  rejects(make({ 4: "2,IA,A,,A,x,0,0,-32767,32767,1,1,P" }), /test\.cfg:4: analog channel 2: field 'a' \(multiplier\) is 'x', expected a number$/);
});
test("analog line with too few fields", () => {
  rejects(make({ 3: "1,VA,A,,V,0.1,0" }), /test\.cfg:3: analog channel 1: has 7 fields, expected 13/);
});
test("PS flag not P or S", () => {
  rejects(make({ 4: "2,IA,A,,A,0.01,0,0,-32767,32767,1,1,Q" }), /test\.cfg:4: analog channel 2: field 'PS' is 'Q', expected P or S/);
});
test("skew not a number", () => {
  rejects(make({ 3: "1,VA,A,,V,0.1,0,1..2,-32767,32767,1,1,P" }), /test\.cfg:3: analog channel 1: field 'skew' is '1\.\.2', expected a number/);
});
test("channel counts disagree", () => {
  rejects(make({ 2: "4,2A,1D" }), /test\.cfg:2: field 'TT' \(total channels\) is 4 but 2A \+ 1D = 3/);
  rejects(make({ 2: "3,2X,1D" }), /test\.cfg:2: field '##A' \(analog channel count\) is '2X'/);
});
test("rev_year not a year", () => {
  rejects(make({ 1: "STATION,DEV,20x3" }), /test\.cfg:1: field 'rev_year' is '20x3', expected 1991, 1999 or 2013/);
});
test("digital normal state not 0 or 1", () => {
  rejects(make({ 5: "1,TRIP,,,2" }), /test\.cfg:5: digital channel 1: field 'y' \(normal state\) is '2', expected 0 or 1/);
});
test("line frequency, nrates, sampling rate, endsamp", () => {
  rejects(make({ 6: "fifty" }), /test\.cfg:6: field 'lf' \(line frequency\) is 'fifty', expected a number/);
  rejects(make({ 7: "1.5" }), /test\.cfg:7: field 'nrates' is '1\.5', expected an integer/);
  rejects(make({ 8: "1k,4" }), /test\.cfg:8: sample rate 1: field 'samp' \(sampling rate\) is '1k', expected a number/);
  rejects(make({ 7: "2", 8: "1000,4\r\n500,3" }), /test\.cfg:9: sample rate 2: field 'endsamp' is 3, below the previous segment's 4/);
});
test("start time malformed", () => {
  rejects(make({ 9: "2020-01-01,00:00:00" }), /test\.cfg:9: start time: date '2020-01-01' is not dd\/mm\/yyyy/);
  rejects(make({ 10: "01/01/2020,25:00:00" }), /test\.cfg:10: trigger time: date\/time '01\/01\/2020,25:00:00' is out of range/);
});
test("data file type unknown", () => {
  rejects(make({ 11: "TEXT" }), /test\.cfg:11: field 'ft' \(data file type\) is 'TEXT', expected ASCII, BINARY, BINARY32 or FLOAT32/);
});
test("timemult not positive", () => {
  rejects(make({ 12: "0" }), /test\.cfg:12: field 'timemult' is 0, expected a positive number/);
});
test("configuration cut short", () => {
  rejects(make({ 5: null, 6: null, 7: null, 8: null, 9: null, 10: null, 11: null, 12: null, 13: null, 14: null }), /test\.cfg:5: file ends where the digital channel 1 line is expected/);
});
test("ASCII data: wrong field count, bad number, bad digital, bad sample number", () => {
  rejects(make({}, { 3: "3,2000,300,1" }), /test\.dat:3: sample 3: has 4 fields, expected 5 \(n, timestamp, 2 analog, 1 digital\)/);
  rejects(make({}, { 2: "2,1000,2e,-50,0" }), /test\.dat:2: sample 2: analog channel 1 \(VA\) is '2e', expected a number/);
  rejects(make({}, { 4: "4,3000,-100,20,yes" }), /test\.dat:4: sample 4: digital channel 1 \(TRIP\) is 'yes', expected 0 or 1/);
  rejects(make({}, { 1: "one,0,100,50,0" }), /test\.dat:1: sample 1: field 'n' \(sample number\) is 'one'/);
  rejects(make({}, { 2: "2,1.2.3,100,50,0" }), /test\.dat:2: sample 2: field 'timestamp' is '1\.2\.3'/);
});
test("data shorter than announced: a warning, an error when strict", () => {
  const p = make({}, { 4: null });
  const r = readComtrade(p);
  assert.equal(r.count, 3);
  assert.match(r.warnings[0]!, /test\.dat: holds 3 samples, the configuration announces 4 \(truncated data\)/);
  rejects(p, /test\.dat: holds 3 samples.*\(strict reading\)/, { strict: true });
});
test("binary data with a partial record", () => {
  const p = make({ 11: "BINARY" }, {}, new Uint8Array(14 * 2 + 5));
  const r = readComtrade(p);
  assert.equal(r.count, 2);
  assert.match(r.warnings[0]!, /test\.dat: 33 bytes is not a whole number of 14-byte records \(2 records and 5 bytes left over/);
});
test("data file absent", () => {
  const p = make();
  rejects(p, /nothere\.dat: data file not found/, { datPath: join(root, "nothere.dat") });
  rejects(join(root, "nothere.cfg"), /nothere\.cfg: file not found/);
});
test("nrates = 0 needs timestamps", () => {
  const p = make({ 7: "0", 8: "0,4" }, { 3: "3,,300,10,1" });
  rejects(p, /test\.dat:3: sample 3: timestamp missing, and the time base must come from the timestamps/);
  const ok = readComtrade(make({ 7: "0", 8: "0,4" }, { 4: "4,2500,-100,20,1" }));
  assert.equal(ok.timeSource, "timestamp");
  assert.deepEqual([...ok.times], [0, 0.001, 0.002, 0.0025]);
});
test(".cff defects: no DAT section, text before the first header, DAT byte count beyond the end, type disagreeing with ft", () => {
  const d = join(root, "cff");
  mkdirSync(d);
  const cfg = CFG.join("\r\n") + "\r\n";
  const w = (name: string, s: string | Uint8Array): string => {
    writeFileSync(join(d, name), s);
    return join(d, name);
  };
  rejects(w("a.cff", `--- file type: CFG ---\r\n${cfg}`), /a\.cff: no DAT section/);
  rejects(w("b.cff", `hello\r\n--- file type: CFG ---\r\n${cfg}`), /b\.cff:1: expected a section header '--- file type: CFG ---'/);
  rejects(w("c.cff", `--- file type: CFG ---\r\n${cfg.replace("ASCII", "BINARY")}--- file type: DAT BINARY: 999 ---\r\n\x01\x02`), /c\.cff:16: DAT section declares 999 bytes but only 2 follow/);
  rejects(w("e.cff", `--- file type: CFG ---\r\n${cfg}--- file type: DAT BINARY: 0 ---\r\n`), /e\.cff:16: DAT section says BINARY but the configuration's ft is ASCII/);
  const ok = readComtrade(w("f.cff", `--- file type: CFG ---\r\n${cfg}--- file type: DAT ASCII ---\r\n${DAT.join("\r\n")}\r\n`));
  assert.deepEqual([...ok.analog[1]!], [0.5, -0.5, 0.1, 0.2]);
  // line numbers in a .cff count from the top of the .cff
  rejects(w("g.cff", `--- file type: CFG ---\r\n${cfg.replace("0.01,", "y,")}--- file type: DAT ASCII ---\r\n${DAT.join("\r\n")}\r\n`), /g\.cff:5: analog channel 2: field 'a' \(multiplier\) is 'y'/);
  rejects(w("h.cff", `--- file type: CFG ---\r\n${cfg}--- file type: DAT ASCII ---\r\n1,0,1,2,0\r\n2,0,1,2\r\n`), /h\.cff:18: sample 2: has 4 fields/);
});
