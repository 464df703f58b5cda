import { test } from "node:test";
import assert from "node:assert/strict";
import { captured } from "./testHelpers.ts";

function hex(rt: ReturnType<typeof captured>["rt"], expr: string): string {
  return rt.eval(`(function(b){ var s=""; var a=new Uint8Array(b); for (var i=0;i<a.length;i++) s+=(a[i]<16?"0":"")+a[i].toString(16); return s; })(${expr})`) as string;
}

const setup = `var c = require("crypto");
  function h(s){ var a=new Uint8Array(s.length/2); for (var i=0;i<a.length;i++) a[i]=parseInt(s.slice(2*i,2*i+2),16); return a; }`;

test("SHA256 returns an ArrayBuffer of the digest (FIPS 180-2 'abc' vector)", () => {
  const { rt } = captured();
  rt.execute(setup);
  assert.equal(hex(rt, `c.SHA256("abc")`), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert.equal(rt.eval(`c.SHA256("abc") instanceof ArrayBuffer`), true);
  assert.equal(hex(rt, `c.SHA1("abc")`), "a9993e364706816aba3e25717850c26c9cd0d89d");
});

test("AES ECB: FIPS-197 C.1 vector both ways; a trailing partial block stays zero (measured)", () => {
  const { rt } = captured();
  rt.execute(setup + `var k=h("000102030405060708090a0b0c0d0e0f");`);
  assert.equal(hex(rt, `c.AES.encrypt(h("00112233445566778899aabbccddeeff"), k, {mode:"ECB"})`), "69c4e0d86a7b0430d8cdb78070b4c55a");
  assert.equal(hex(rt, `c.AES.decrypt(h("69c4e0d86a7b0430d8cdb78070b4c55a"), k, {mode:"ECB"})`), "00112233445566778899aabbccddeeff");
  assert.equal(hex(rt, `c.AES.encrypt(new Uint8Array(20), new Uint8Array(16), {mode:"ECB"})`), "66e94bd4ef8a2c3b884cfa59ca342b2e00000000");
});

test("AES default mode is CBC with the given IV (NIST SP 800-38A F.2.1)", () => {
  const { rt } = captured();
  rt.execute(setup + `var k=h("2b7e151628aed2a6abf7158809cf4f3c"), iv=h("000102030405060708090a0b0c0d0e0f");`);
  assert.equal(hex(rt, `c.AES.encrypt(h("6bc1bee22e409f96e93d7e117393172a"), k, {iv: iv})`), "7649abac8119b246cee98e9b12e9197d");
  assert.equal(hex(rt, `c.AES.decrypt(h("7649abac8119b246cee98e9b12e9197d"), k, {iv: iv, mode: "CBC"})`), "6bc1bee22e409f96e93d7e117393172a");
});

test("AES CTR ignores the IV, as Espruino 2v29 does (measured)", () => {
  const { rt } = captured();
  rt.execute(setup);
  assert.equal(hex(rt, `c.AES.encrypt(new Uint8Array(4), new Uint8Array(16), {mode:"CTR", iv: new Uint8Array(16).fill(7)})`), "66e94bd4");
  assert.equal(hex(rt, `c.AES.encrypt(new Uint8Array(4), new Uint8Array(16), {mode:"CTR"})`), "66e94bd4");
});

test("AES errors: bad length and key print ERROR and return undefined; unknown mode throws (measured)", () => {
  const { rt, out } = captured();
  rt.execute(setup);
  assert.equal(rt.eval(`c.AES.encrypt(new Uint8Array(20), new Uint8Array(16))`), undefined);
  assert.equal(rt.eval(`c.AES.encrypt(new Uint8Array(16), new Uint8Array(5), {mode:"ECB"})`), undefined);
  assert.equal(out(), "ERROR: Invalid input length\nERROR: Unknown error: -0x20\n");
  assert.throws(() => rt.eval(`c.AES.encrypt("x", new Uint8Array(16), {mode:"XYZ"})`), /^Error: Unknown Crypto mode "XYZ"$/);
  assert.equal(rt.eval(`c.AES.encrypt(new Uint8Array(16), new Uint8Array(16), 5)`), undefined);
  assert.match(out(), /ERROR: 'options' must be undefined, or an Object\n$/);
});

test("PBKDF2 defaults to 4 words, 1 iteration, SHA1 (RFC 6070 case 1 prefix)", () => {
  const { rt } = captured();
  rt.execute(setup);
  assert.equal(hex(rt, `c.PBKDF2("password", "salt")`), "0c60c80f961f0e71f3a9b524af601206");
  assert.equal(hex(rt, `c.PBKDF2("password", "salt", {keySize: 5, iterations: 2})`), "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957");
  assert.throws(() => rt.eval(`c.PBKDF2("p", "s", {hasher: "MD5"})`), /Unknown Hasher "MD5"/);
});
