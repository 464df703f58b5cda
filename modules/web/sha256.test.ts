// The Updates page's SHA-256 (modules/web/sha256.ts): FIPS 180-2's examples, then every length
// around the block and padding boundaries and a large upload against node:crypto; the page's
// sha256Hex gives the same with crypto.subtle (a secure context) and without it (plain http).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { sha256, sha256Hex } from "./sha256.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const ascii = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));

test("FIPS 180-2 examples: abc, the 448-bit message, a million a", () => {
  assert.equal(hex(sha256(ascii("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert.equal(hex(sha256(ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  assert.equal(hex(sha256(new Uint8Array(1000000).fill(0x61))), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  assert.equal(hex(sha256(new Uint8Array(0))), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
});

test("every length 0..300 and a 22 KB bundle as node:crypto", () => {
  const b = randomBytes(22528);
  for (let n = 0; n <= 300; n++) assert.equal(hex(sha256(b.subarray(0, n))), createHash("sha256").update(b.subarray(0, n)).digest("hex"), "length " + n);
  assert.equal(hex(sha256(b)), createHash("sha256").update(b).digest("hex"));
});

test("sha256Hex: crypto.subtle where the page has it, this code on plain http: the same hex", async () => {
  const b = randomBytes(3030);
  const want = createHash("sha256").update(b).digest("hex");
  assert.equal(await sha256Hex(b), want);
  const subtle = Object.getOwnPropertyDescriptor(globalThis.crypto, "subtle");
  Object.defineProperty(globalThis.crypto, "subtle", { value: undefined, configurable: true });
  try {
    assert.equal(globalThis.crypto.subtle, undefined);
    assert.equal(await sha256Hex(b), want);
  } finally {
    if (subtle) Object.defineProperty(globalThis.crypto, "subtle", subtle);
    else delete (globalThis.crypto as { subtle?: unknown }).subtle;
  }
  assert.ok(globalThis.crypto.subtle, "restored");
});
