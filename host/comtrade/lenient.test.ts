// Defects that real writers produce and the reader tolerates, each reported as a warning.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseComtrade } from "./reader.ts";
import { parseCfg } from "./cfgParse.ts";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const read = (cfg: string, dat: string, opts = {}) => parseComtrade({ cfgBytes: enc(cfg), cfgFile: "lazy.cfg", datBytes: enc(dat), datFile: "lazy.dat" }, opts);

test("a lazily written 1999 file: empty names, empty lf, empty stamps, nrates 0 with timestamps", () => {
  const cfg = ",,1999\n2,1A,1D\n1,,,,A,2.762,0,0, -32768,32767,1,1,S\n1,,,,\n\n0\n0,2\n,\n\nASCII\n1\n";
  const r = read(cfg, "1, 0, 0,0\n2,347,-1,1\n");
  assert.equal(r.cfg.lineFrequencyHz, 0);
  assert.equal(r.cfg.startTime, null);
  assert.equal(r.cfg.endSampleNoRate, 2);
  assert.equal(r.timeSource, "timestamp");
  assert.deepEqual([...r.times], [0, 347e-6]);
  assert.deepEqual([...r.analog[0]!], [0, -2.762]);
  assert.equal(r.scaledAs[0], "primary");
  assert.deepEqual([...r.digital[0]!], [0, 1]);
  assert.equal(r.triggerS, null);
});

test("rev_year that is not a revision, channel numbering, day/month swap, trailing commas", () => {
  const cfg = "S,D,2001\r\n1,1A,0D\r\n7,X,,,V,1,0,0,-9,9,1,1,P\r\n50\r\n1\r\n1000,2\r\n12/31/2020,10:00:00.5\r\n31/12/2020,10:00:00.75\r\nascii\r\n1\r\n";
  const r = read(cfg, "1,0,5,\r\n2,1000,6,\r\n");
  assert.equal(r.cfg.rev, 1999);
  assert.deepEqual(r.cfg.startTime, { year: 2020, month: 12, day: 31, hour: 10, minute: 0, second: 0, nanosecond: 500000000 });
  assert.ok(Math.abs(r.triggerS! - 0.25) < 1e-9);
  assert.deepEqual([...r.analog[0]!], [5, 6]);
  assert.match(r.warnings.join("\n"), /lazy\.cfg:1: rev_year 2001 is not a revision of the standard; read as 1999/);
  assert.match(r.warnings.join("\n"), /lazy\.cfg:3: analog channel 1 is numbered 7/);
});

test("several rate segments give the standard's sample instants", () => {
  const cfg = "S,D,1999\n1,1A,0D\n1,X,,,V,1,0,0,-9,9,1,1,P\n50\n2\n1000,3\n500,5\n01/01/2020,00:00:00\n01/01/2020,00:00:00\nASCII\n1\n";
  const r = read(cfg, "1,0,1\n2,1000,1\n3,2000,1\n4,4000,1\n5,6000,1\n");
  assert.deepEqual([...r.times].map((t) => Math.round(t * 1e6)), [0, 1000, 2000, 4000, 6000]);
  assert.deepEqual(r.warnings, []);
});

test("1991 configuration: no rev_year, 10-field analog lines, 3-field digital lines, mm/dd/yy", () => {
  const { cfg, warnings } = parseCfg("OLD,REL\n2,1A,1D\n1,Ia,A,,A,0.5,0,0,-99,99\n2,Trip,0\n60\n1\n960,10\n01/02/99,01:02:03.000004\n01/02/99,01:02:03.5\nASCII\n", "old.cfg");
  assert.equal(cfg.rev, 1991);
  assert.equal(cfg.analog[0]!.ps, undefined);
  assert.equal(cfg.digital[0]!.id, "Trip");
  assert.deepEqual(cfg.startTime, { year: 1999, month: 1, day: 2, hour: 1, minute: 2, second: 3, nanosecond: 4000 });
  assert.equal(cfg.timeMult, 1);
  assert.deepEqual(warnings, []);
});
