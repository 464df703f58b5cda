/**
 * Contract suite of the key/value store port (modules/ports/kvStore.ts), for every
 * implementation (kvStoreContract.test.ts runs it on each; the table is
 * modules/ports/README.md).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { KvStore } from "../kvStore";

/** bytes: false where the Storage under test ignores offsets (the require() shim). */
export function kvStoreContract(name: string, make: () => KvStore, bytes?: boolean): void {
  if (bytes === undefined) bytes = true;
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

