/**
 * Contract suites for the ports: every implementation (device and host) runs the same
 * checks. The Espruino implementations run here through a small require() shim; the
 * whole selftest bundle runs them under host/runtime and the real interpreter.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Aes128 } from "./aes.ts";
import { KvStore } from "./kvStore.ts";
import { nodeAes } from "../../host/ports/aes.ts";
import { MemoryKvStore, fileKvStore } from "../../host/ports/kvStore.ts";
import { ManualClock } from "../../host/ports/clock.ts";
import { installEspruinoCryptoShim } from "../../host/ports/espruinoCryptoShim.ts";
import { espruinoAes } from "./espruino/aes.ts";
import { espruinoKvStore } from "./espruino/kvStore.ts";

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

function kvContract(name: string, make: () => KvStore): void {
  test(`${name}: unknown key is undefined, set then get, overwrite`, () => {
    const s = make();
    assert.equal(s.get("nokey"), undefined);
    assert.equal(s.set("txepoch", "41"), true);
    assert.equal(s.get("txepoch"), "41");
    assert.equal(s.set("txepoch", "42"), true);
    assert.equal(s.get("txepoch"), "42");
  });
}

aesContract("host nodeAes", nodeAes);
aesContract("device espruinoAes", espruinoAes);
kvContract("host MemoryKvStore", () => new MemoryKvStore());
kvContract("host fileKvStore", () => fileKvStore(join(mkdtempSync(join(tmpdir(), "kv-")), "kv.json")));
kvContract("device espruinoKvStore", () => espruinoKvStore("t" + Math.random().toString(36).slice(2, 6) + "."));

test("fileKvStore survives a reopen (a reboot of the host process)", () => {
  const path = join(mkdtempSync(join(tmpdir(), "kv-")), "kv.json");
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
