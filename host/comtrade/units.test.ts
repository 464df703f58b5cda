// Unit names in the spellings and languages real recorders write (issue 13 item 8),
// and cp1251 text (Russian relays) decoded as such.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ratingFactors, siUnit } from "./units.ts";
import { decodeText, detectEncoding } from "./textDecoding.ts";

test("voltage and current units in any common spelling and language, with the scale they imply", () => {
  const cases: [string, string, number][] = [
    ["V", "V", 1], ["kV", "V", 1e3], ["KV", "V", 1e3], ["kv", "V", 1e3], ["mV", "V", 1e-3], ["v", "V", 1],
    ["volt", "V", 1], ["Volts", "V", 1], ["VOLT", "V", 1], ["kilovolt", "V", 1e3], ["kilovolts", "V", 1e3],
    ["В", "V", 1], ["кВ", "V", 1e3], ["КВ", "V", 1e3], ["мВ", "V", 1e-3], ["вольт", "V", 1], ["киловольт", "V", 1e3],
    ["V rms", "V", 1], ["Vrms", "V", 1], ["kV(rms)", "V", 1e3], ["[kV]", "V", 1e3],
    ["A", "A", 1], ["kA", "A", 1e3], ["KA", "A", 1e3], ["mA", "A", 1e-3], ["a", "A", 1],
    ["amp", "A", 1], ["Amps", "A", 1], ["ampere", "A", 1], ["Amperes", "A", 1], ["kiloampere", "A", 1e3],
    ["А", "A", 1], ["кА", "A", 1e3], ["мА", "A", 1e-3], ["ампер", "A", 1], ["килоампер", "A", 1e3],
    ["VA", "VA", 1], ["kVA", "VA", 1e3], ["W", "W", 1], ["MW", "W", 1e6], ["var", "var", 1], ["Hz", "Hz", 1],
  ];
  for (const [u, base, factor] of cases) assert.deepEqual(siUnit(u), { base, factor }, u);
  assert.equal(siUnit("").base, "");
  assert.equal(siUnit("p.u.").base, "p.u.");
  assert.equal(siUnit("%").base, "%");
});

test("cp1251 text (a Russian relay's .cfg) is decoded as cp1251, GB2312 stays GB18030", () => {
  const cp = (s: string): Uint8Array => {
    // windows-1251 encoder for the letters used here (А..я = 0xC0..0xFF)
    return Uint8Array.from([...s].map((c) => (c >= "А" && c <= "я" ? c.charCodeAt(0) - 0x410 + 0xc0 : c.charCodeAt(0))));
  };
  for (const s of ["1,Ua,A,,кВ,0.1,0,0,-32767,32767,1,1,P", "1,Ua,A,,В,0.1,0,0,-32767,32767", "2,Ia,A,,А,0.01,0", "Подстанция Северная,Терминал,1999", "1,Напряжение фазы А,A,,кВ,1,0"]) {
    const b = cp(s);
    assert.equal(detectEncoding(b), "windows-1251", s);
    assert.equal(decodeText(b).text, s);
  }
  // GB2312 (电压2, 电流: the ygz record's channel names) stays GB18030.
  const gb = Uint8Array.from([0xb5, 0xe7, 0xd1, 0xb9, 0x32, 0x2c, 0xb5, 0xe7, 0xc1, 0xf7]);
  assert.equal(detectEncoding(gb), "gb18030");
  assert.equal(decodeText(gb).text, "电压2,电流");
});

test("one unit for both sides (Russian relays: В/кВ): secondary values in the first, the primary rating in the second", () => {
  assert.deepEqual(siUnit("В/кВ", "S"), { base: "V", factor: 1 });
  assert.deepEqual(siUnit("В/кВ", "P"), { base: "V", factor: 1000 });
  assert.deepEqual(ratingFactors("В/кВ"), { secondary: 1, primary: 1000 });
  assert.deepEqual(ratingFactors("kV"), { secondary: 1000, primary: 1000 });
});

test("a Relematika header reads as Windows-1251: Latin symbols with Cyrillic subscripts (Uни, Iшон) and run-together abbreviations (КЗвЛЭП)", () => {
  const line = "Релематика,Типовой проект,2000\r\n4,Uни,0,,В/кВ,0.019,0,6.6,-32767,32767,220.0,100.000,S\r\n11,Iшон,,,А,0.01,0,0,-32767,32767,1200.0,1.000,S\r\nКЗвЛЭП\r\n";
  // encode as cp1251 by hand: Cyrillic А..я are 0xC0..0xFF, Ё 0xA8, ё 0xB8
  const cp = Array.from(line, (ch) => { const c = ch.charCodeAt(0); return c < 0x80 ? c : c === 0x401 ? 0xa8 : c === 0x451 ? 0xb8 : c - 0x410 + 0xc0; });
  assert.equal(detectEncoding(new Uint8Array(cp)), "windows-1251");
  assert.equal(decodeText(new Uint8Array(cp)).text, line);
});
