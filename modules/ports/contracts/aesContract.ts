/**
 * Contract suite of the AES-128 port (modules/ports/aes.ts): published vectors (FIPS-197,
 * SP 800-38A) and refusals, for every implementation (aesContract.test.ts runs it on
 * each; the table is modules/ports/README.md).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Aes128 } from "../aes";

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}

export function aesContract(name: string, make: () => Aes128): void {
  test(`${name}: FIPS-197 appendix C.1 AES-128 vector`, () => {
    const k = Buffer.from("000102030405060708090a0b0c0d0e0f", "hex");
    const p = Buffer.from("00112233445566778899aabbccddeeff", "hex");
    assert.equal(hex(make().encryptBlock(new Uint8Array(k), new Uint8Array(p))), "69c4e0d86a7b0430d8cdb78070b4c55a");
  });
  test(`${name}: SP 800-38A F.1.1 ECB-AES128 block 1; inputs untouched`, () => {
    const k = new Uint8Array(Buffer.from("2b7e151628aed2a6abf7158809cf4f3c", "hex"));
    const p = new Uint8Array(Buffer.from("6bc1bee22e409f96e93d7e117393172a", "hex"));
    const out = make().encryptBlock(k, p);
    assert.equal(hex(out), "3ad77bb40d7a3660a89ecaf32466ef97");
    assert.equal(out.length, 16);
    assert.equal(hex(p), "6bc1bee22e409f96e93d7e117393172a");
  });
  test(`${name}: SP 800-38A F.2.1 CBC-AES128 encrypt, two blocks`, () => {
    const a = make();
    assert.ok(a.encryptCbc, "offers the CBC shortcut");
    const k = new Uint8Array(Buffer.from("2b7e151628aed2a6abf7158809cf4f3c", "hex"));
    const iv = new Uint8Array(Buffer.from("000102030405060708090a0b0c0d0e0f", "hex"));
    const p = new Uint8Array(Buffer.from("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51", "hex"));
    assert.equal(hex(a.encryptCbc!(k, iv, p)), "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2");
    assert.throws(() => a.encryptCbc!(k, iv, new Uint8Array(15)), /multiple of 16/);
  });
  test(`${name}: wrong sizes refused with a message`, () => {
    assert.throws(() => make().encryptBlock(new Uint8Array(15), new Uint8Array(16)), /16 bytes/);
    assert.throws(() => make().encryptBlock(new Uint8Array(16), new Uint8Array(8)), /16 bytes/);
  });
}

