// Every record in <root>/shared/data/comtrade (written by other tools and devices) loads, or is
// rejected with a precise error where the file itself is incomplete.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readComtrade, readComtradeConfig, findAnalog } from "./reader.ts";
import { siUnit } from "./units.ts";

const DATA = fileURLToPath(new URL("../../../shared/data/comtrade/", import.meta.url));
const at = (p: string): string => DATA + p;
const rms = (x: Float64Array, a = 0, b = x.length): number => {
  let s = 0;
  for (let k = a; k < b; k++) s += x[k]! ** 2;
  return Math.sqrt(s / (b - a));
};

// What each file is for. A file added to the folder without an entry here fails the first test.
const ROLE: Record<string, string> = {
  "README.md": "doc",
  "generator-station/test1.cfg": "record",
  "generator-station/test1.dat": "data of test1.cfg",
  "generator-station/test1.inf": "info of test1.cfg",
  "line-fault-2013/ascii_cff_2013.cff": "record",
  "substation-1991/ascii_1991.cfg": "record",
  "substation-1991/ascii_1991.dat": "data",
  "substation-1991/ascii_1991.hdr": "header",
  "samples/sample_ascii.cff": "record",
  "samples/sample_ascii.cfg": "record",
  "samples/sample_ascii.dat": "data",
  "samples/sample_ascii_missing.dat": "alternative data for sample_ascii.cfg",
  "samples/sample_ascii_utf-8.cfg": "configuration only",
  "samples/sample_bin.cfg": "record",
  "samples/sample_bin.dat": "data",
  "samples/sample_bin_missing.dat": "alternative data for sample_bin.cfg",
  "samples/sample_float32.cff": "record",
  "samples/sample_iso8859-1.cfg": "record",
  "samples/sample_iso8859-1.dat": "data",
  "samples/sample_iso8859-1_bin.cfg": "record",
  "samples/sample_iso8859-1_bin.dat": "data",
  "samples/sample_sub_char.cfg": "configuration only",
};

function allFiles(): string[] {
  const out: string[] = [];
  for (const e of readdirSync(DATA, { withFileTypes: true })) {
    if (e.isDirectory()) for (const f of readdirSync(DATA + e.name)) out.push(`${e.name}/${f}`);
    else out.push(e.name);
  }
  return out.sort();
}

test("every file in shared/data/comtrade is accounted for; every record loads", () => {
  const files = allFiles();
  assert.ok(files.length >= 20, `found ${files.length} files under ${DATA}`);
  for (const f of files) assert.ok(ROLE[f], `${f} has no role in this test: decide how it must load`);
  for (const f of files.filter((f) => ROLE[f] === "record")) {
    const r = readComtrade(at(f));
    assert.ok(r.count > 0 && r.analog.length > 0, f);
    for (const a of r.analog) assert.equal(a.length, r.count);
    assert.ok(r.times.every((t, k) => k === 0 || t > r.times[k - 1]!), `${f}: times increase`);
  }
});

test("configuration-only files: rejected for the missing .dat, their configuration parses, and they read with sample_ascii.dat", () => {
  for (const f of ["samples/sample_ascii_utf-8.cfg", "samples/sample_sub_char.cfg"]) {
    assert.throws(() => readComtrade(at(f)), (e: Error) => e.message.includes(`${f.split("/")[1]}: data file not found (looked for `) && /\.dat and .*\.DAT\)$/.test(e.message));
    const r = readComtrade(at(f), { datPath: at("samples/sample_ascii.dat") });
    const ref = readComtrade(at("samples/sample_ascii.cfg"));
    assert.deepEqual(r.analog, ref.analog);
    assert.deepEqual(r.warnings, [], `${f}: ${r.warnings}`);
  }
  const u = readComtradeConfig(at("samples/sample_ascii_utf-8.cfg"));
  assert.equal(u.encoding, "utf-8");
  assert.equal(u.cfg.stationName, "SMARTSTATION testing text encoding: hgvcj터파크387");
  // trailing SUB (0x1A) characters after "B,3" do not leak into leapsec
  const s = readComtradeConfig(at("samples/sample_sub_char.cfg"));
  assert.equal(s.cfg.tmqCode, "B");
  assert.equal(s.cfg.leapSec, 3);
});

test("generator station (1999 BINARY): channels, units, 5760 Hz, 24768 samples, plausible kV and A", () => {
  const r = readComtrade(at("generator-station/test1.cfg"));
  assert.equal(r.cfg.rev, 1999);
  assert.equal(r.cfg.stationName, "TestStation1");
  assert.equal(r.cfg.dataFormat, "BINARY");
  assert.deepEqual(r.cfg.analog.map((c) => c.id), ["IA_G1", "IB_G1", "IC_G1", "VA_G1", "VB_G1", "VC_G1"]);
  assert.deepEqual(r.units, ["A", "A", "A", "kV", "kV", "kV"]);
  assert.deepEqual(r.cfg.analog.map((c) => [c.primary, c.secondary, c.ps]).slice(2, 4), [[2500, 5, "P"], [6, 0.1, "P"]]);
  assert.deepEqual(r.cfg.rates, [{ sampleRateHz: 5760, endSample: 24768 }]);
  assert.equal(r.cfg.lineFrequencyHz, 50);
  assert.equal(r.count, 24768);
  assert.ok(Math.abs(r.times[24767]! - 24767 / 5760) < 1e-12);
  assert.ok(Math.abs(r.triggerS! - 0.3) < 1e-6);
  // 6 kV generator: phase voltage about 6/sqrt(3) = 3.46 kV rms; stator currents around 1.4 kA.
  for (const c of [3, 4, 5]) assert.ok(Math.abs(rms(r.analog[c]!, 0, 576) - 3.46) < 0.1, `V${c} ${rms(r.analog[c]!, 0, 576)}`);
  for (const c of [0, 1, 2]) {
    const i = rms(r.analog[c]!, 0, 576);
    assert.ok(i > 1000 && i < 2000, `I${c} ${i}`);
  }
  // second record, bytes 02000000 ae000000 0103...: IA raw 0x0301 = 769, timestamp 174 µs
  assert.equal(r.analog[0]![1], 769 * 2.4582099915);
  assert.equal(r.timestampsS[1], 174e-6);
  assert.deepEqual(siUnit(r.units[3]!), { base: "V", factor: 1000 });
  assert.equal(findAnalog(r, "va_g1"), 3);
  // its 16-bit recorder timestamps wrap at 65.536 ms: the reader says so and keeps the rate
  assert.equal(r.timeSource, "rate");
  assert.match(r.warnings.join("\n"), /test1\.dat: sample 379: timestamp says 0\.000089 s but the sampling rates say 0\.065625 s/);
  assert.match(r.inf ?? "", /GER 1/);
});

test("2013 line fault (.cff, ASCII, secondary values, skew, UTF-8 names)", () => {
  const f = at("line-fault-2013/ascii_cff_2013.cff");
  const r = readComtrade(f, { scale: "secondary" });
  assert.equal(r.cfg.rev, 2013);
  assert.equal(r.cfg.analog.length, 96);
  assert.equal(r.cfg.digital.length, 192);
  assert.equal(r.cfg.analog[0]!.id, "220kV母线_Ua");
  assert.equal(r.cfg.digital[0]!.id, "220kV hh1x_211开关_A相断路器合位");
  assert.ok(r.cfg.analog.every((c) => c.ps === "S"));
  assert.deepEqual([r.cfg.analog[0]!.primary, r.cfg.analog[0]!.secondary], [127017, 57.735]);
  assert.equal(r.cfg.analog[1]!.skewUs, -0.71225658);
  assert.equal(r.cfg.analog[2]!.skewUs, -2.519094933);
  assert.deepEqual(r.cfg.rates, [{ sampleRateHz: 10000, endSample: 45600 }]);
  // secondary: raw * a; first sample of Ua is raw -2611
  assert.ok(Math.abs(r.analog[0]![0]! - -2611 * 0.007854353) < 1e-9);
  assert.ok(rms(r.analog[0]!) > 40 && rms(r.analog[0]!) < 80, "a 57.7 V secondary phase voltage");
  const p = readComtrade(f);
  assert.deepEqual(p.scaledAs.slice(0, 2), ["primary", "primary"]);
  assert.ok(Math.abs(p.analog[0]![0]! / r.analog[0]![0]! - 127017 / 57.735) < 1e-9);
  assert.ok(rms(p.analog[0]!) > 100e3 && rms(p.analog[0]!) < 160e3, "220 kV / sqrt(3) = 127 kV primary");
  // The file is damaged in three tolerated ways, each reported:
  const w = r.warnings.join("\n");
  assert.match(w, /ascii_cff_2013\.cff:300: section header '-- file type {2}INF ---' is not in the form/);
  assert.match(w, /no time_code,local_code line/);
  assert.match(w, /ascii_cff_2013\.cff: holds 186 samples, the configuration announces 45600 \(truncated data\)/);
  assert.equal(r.count, 186);
  assert.ok(Math.abs(r.times[185]! - 0.0185) < 1e-12);
  assert.throws(() => readComtrade(f, { strict: true }), /strict reading/);
});

test("1991 substation record: GB2312 names, mm/dd/yy stamps, 8 rate segments, no PS fields", () => {
  const r = readComtrade(at("substation-1991/ascii_1991.cfg"));
  assert.equal(r.cfg.rev, 1991);
  assert.equal(r.encoding, "gb18030");
  assert.equal(r.cfg.stationName, "UNREAL SUBSTATION");
  assert.equal(r.cfg.recDevId, "DEMOTEST");
  assert.deepEqual([r.cfg.analog.length, r.cfg.digital.length], [24, 37]);
  assert.equal(r.cfg.analog[9]!.id, "Ua对侧");
  assert.equal(r.cfg.digital[0]!.id, "纵联差动保护");
  assert.equal(r.cfg.analog[0]!.ps, undefined);
  assert.deepEqual(r.scaledAs[0], "recorded");
  assert.equal(r.cfg.rates.length, 8);
  assert.equal(r.count, 2131);
  assert.deepEqual(r.cfg.startTime, { year: 2015, month: 9, day: 17, hour: 10, minute: 52, second: 52, nanosecond: 987545000 });
  assert.ok(Math.abs(r.triggerS! - 0.0775) < 1e-6);
  assert.ok(Math.max(...r.analog[0]!.map(Math.abs)) > 10, "fault current in Ia1");
  assert.match(r.hdr ?? "", /<FaultReport>/);
  // its timestamps have gaps (compressed recording) that the rates do not declare
  assert.match(r.warnings.join("\n"), /ascii_1991\.dat: sample 290: timestamp says 3\.521666 s but the sampling rates say 0\.240833 s/);
  const ts = readComtrade(at("substation-1991/ascii_1991.cfg"), { time: "timestamp" });
  assert.ok(Math.abs(ts.times[2130]! - (17258333 + 77500) * 1e-6) < 1e-9);
});

test("samples: ISO-8859-1 names, 2013 time codes, float32 .cff, timemult, binary kV", () => {
  const l = readComtrade(at("samples/sample_iso8859-1.cfg"));
  assert.equal(l.encoding, "iso-8859-1");
  assert.equal(l.cfg.stationName, "Estação de Medição");
  assert.equal(l.cfg.recDevId, "Oscilógrafo");
  assert.deepEqual([l.cfg.timeCode, l.cfg.timeCodeMinutes, l.cfg.tmqCode, l.cfg.leapSec], ["-5h30", -330, "B", 3]);
  const lb = readComtrade(at("samples/sample_iso8859-1_bin.cfg"));
  assert.equal(lb.cfg.timeMult, 0.00756699591875076);
  assert.equal(lb.count, 40);
  const asc = readComtrade(at("samples/sample_ascii.cfg"));
  const cff = readComtrade(at("samples/sample_ascii.cff"));
  assert.deepEqual(cff.analog, asc.analog);
  assert.deepEqual(cff.digital, asc.digital);
  assert.ok(Math.abs(asc.analog[0]![0]! - (-83 * 0.1138916015625 + 0.05694580078125) * 933) < 1e-9, "secondary 's' scaled to primary by 933/1");
  const fl = readComtrade(at("samples/sample_float32.cff"));
  assert.equal(fl.cfg.dataFormat, "FLOAT32");
  assert.equal(fl.count, 301);
  assert.equal(fl.analog[0]![0], Math.fround(2.8096930980682373));
  assert.deepEqual(fl.cfg.startTime?.nanosecond, 422969065);
  const b = readComtrade(at("samples/sample_bin.cfg"));
  assert.deepEqual(b.units, ["kV", "kV", "kV", "kV"]);
  assert.equal(b.count, 5);
  assert.ok(Math.abs(b.times[4]! - 4 / 15360) < 1e-15);
});

test("missing-data markers: 99999 in ASCII and 0x8000 in BINARY read as NaN, exactly where placed", () => {
  const a = readComtrade(at("samples/sample_ascii.cfg"), { datPath: at("samples/sample_ascii_missing.dat") });
  const ref = readComtrade(at("samples/sample_ascii.cfg"));
  for (let c = 0; c < 4; c++) {
    for (let k = 0; k < a.count; k++) {
      if (k === c + 1) assert.ok(Number.isNaN(a.analog[c]![k]!), `ascii ch ${c} sample ${k}`);
      else assert.equal(a.analog[c]![k], ref.analog[c]![k]);
    }
  }
  const b = readComtrade(at("samples/sample_bin.cfg"), { datPath: at("samples/sample_bin_missing.dat") });
  const rb = readComtrade(at("samples/sample_bin.cfg"));
  for (let c = 0; c < 4; c++) {
    for (let k = 0; k < 5; k++) {
      if (k === c) assert.ok(Number.isNaN(b.analog[c]![k]!), `bin ch ${c} sample ${k}`);
      else assert.equal(b.analog[c]![k], rb.analog[c]![k]);
    }
  }
});
