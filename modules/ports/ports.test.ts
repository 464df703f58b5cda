/**
 * Contract suites for the ports: every implementation (device and host) runs the same
 * checks. The Espruino implementations run here through a small require() shim; the
 * whole selftest bundle runs them under host/runtime and the real interpreter.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Aes128 } from "./aes.ts";
import { KvStore } from "./kvStore.ts";
import { nodeAes } from "../../host/ports/aes.ts";
import { MemoryKvStore, fileKvStore } from "../../host/ports/kvStore.ts";
import { ManualClock } from "../../host/ports/clock.ts";
import { installEspruinoCryptoShim } from "../../host/ports/espruinoCryptoShim.ts";
import { espruinoAes } from "./device/aes.ts";
import { espruinoKvStore, espruinoKvStoreWithBytes } from "./device/kvStore.ts";
import { createStorage } from "../../host/runtime/storage.ts";
import { FlashArea } from "../../host/runtime/flashArea.ts";
import { Realm } from "../../host/runtime/realm.ts";

installEspruinoCryptoShim();

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}

function aesContract(name: string, make: () => Aes128): void {
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

/** bytes: false where the Storage under test ignores offsets (the require() shim). */
function kvContract(name: string, make: () => KvStore, bytes = true): void {
  test(`${name}: unknown key is undefined, set then get, overwrite`, () => {
    const s = make();
    assert.equal(s.get("nokey"), undefined);
    assert.equal(s.set("txepoch", "41"), true);
    assert.equal(s.get("txepoch"), "41");
    assert.equal(s.set("txepoch", "42"), true);
    assert.equal(s.get("txepoch"), "42");
  });
  if (bytes) test(`${name}: setBytes writes the parts in order, get returns them as a byte string`, () => {
    const s = make();
    assert.ok(s.setBytes, "offers setBytes");
    const big = new Uint8Array(700).map((_, i) => (i * 7) & 255);
    const f = new Float64Array([1.5, -2]);
    assert.equal(s.setBytes!("blob", [new Uint8Array([77, 78, 49]), big, new Uint8Array(f.buffer), new Uint8Array(0)]), true);
    const expect = Buffer.concat([Buffer.from("MN1"), big, Buffer.from(f.buffer)]).toString("latin1");
    assert.equal(s.get("blob"), expect);
    assert.equal(s.setBytes!("blob", [new Uint8Array([1, 255])]), true, "overwrite with another size");
    assert.equal(s.get("blob"), "\x01\xff");
  });
}

aesContract("host nodeAes", nodeAes);
aesContract("device espruinoAes", espruinoAes);
kvContract("host MemoryKvStore", () => new MemoryKvStore());
// One temporary folder for every file store of this file, removed at the end.
const kvDir = mkdtempSync(join(tmpdir(), "kv-"));
test.after(() => rmSync(kvDir, { recursive: true, force: true }));
let kvFiles = 0;
kvContract("host fileKvStore", () => fileKvStore(join(kvDir, "kv" + kvFiles++ + ".json")));
kvContract("device espruinoKvStore", () => espruinoKvStore("t" + Math.random().toString(36).slice(2, 6) + "."), false);
// setBytes writes at offsets into an erased file: checked on host/runtime's Storage,
// which follows the real flash rules (a byte written twice is an error).
kvContract("device espruinoKvStoreWithBytes on emulated flash", () => {
  const g = globalThis as unknown as { require: (name: string) => unknown };
  const shim = g.require;
  const storage = createStorage({ flash: new FlashArea(16384), realm: { Error, SyntaxError } as unknown as Realm, print: () => undefined });
  g.require = (n: string) => (n === "Storage" ? storage : shim(n));
  try { return espruinoKvStoreWithBytes("k."); } finally { g.require = shim; }
});

test("fileKvStore survives a reopen (a reboot of the host process)", () => {
  const path = join(kvDir, "reopen.json");
  fileKvStore(path).set("aggepoch", "7");
  assert.equal(fileKvStore(path).get("aggepoch"), "7");
});

test("espruinoKvStore refuses names longer than Storage allows", () => {
  assert.throws(() => espruinoKvStore("a-very-long-prefix-for-names.").get("x"), /longer than 28/);
});

test("ManualClock moves only forward", () => {
  const c = new ManualClock(5);
  c.advance(10);
  assert.equal(c.nowMs(), 15);
  assert.throws(() => c.advance(-1), /cannot go back/);
});
