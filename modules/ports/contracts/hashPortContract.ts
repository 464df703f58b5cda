/**
 * Contract suite of the hash port (modules/http/hashPort.ts): SHA-256 per FIPS 180-4
 * on byte strings (the published "abc", empty and two-block vectors, and all 256 byte
 * values), and random() giving n bytes that differ call to call. hashPortContract.test.ts
 * runs it on every implementation (table: modules/ports/README.md).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { HashPort } from "../../http/hashPort";

function hex(s: string): string {
  let r = "";
  for (let i = 0; i < s.length; i++) r += (s.charCodeAt(i) < 16 ? "0" : "") + s.charCodeAt(i).toString(16);
  return r;
}

export function hashPortContract(name: string, make: () => HashPort): void {
  test(name + ": SHA-256 of the FIPS 180-4 examples (byte strings in and out)", () => {
    const h = make();
    assert.equal(hex(h.sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert.equal(hex(h.sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert.equal(hex(h.sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    assert.equal(h.sha256("abc").length, 32);
  });
  test(name + ": SHA-256 takes every byte value as a byte, not as UTF-8", () => {
    let all = "";
    for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
    // sha256 of the bytes 00..ff (computed once with sha256sum over the 256-byte file)
    assert.equal(hex(make().sha256(all)), "40aff2e9d2d8922e47afd4648e6967497158785fbd1da870e7110266bf944880");
  });
  test(name + ": random(n) gives n byte characters, different each call", () => {
    const h = make();
    const a = h.random(16), b = h.random(16);
    assert.equal(a.length, 16);
    assert.equal(h.random(0), "");
    assert.equal(h.random(70).length, 70, "more than one digest's worth");
    for (let i = 0; i < a.length; i++) assert.ok(a.charCodeAt(i) < 256);
    assert.notEqual(a, b);
  });
}
