// The Updates page's SHA-256 (modules/web/sha256.ts, over @noble/hashes) gives what the
// aggregator checks: node:crypto's digest, as hex, for an empty file, a block boundary and a
// bundle-sized upload.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { sha256Hex } from "./sha256.ts";

test("sha256Hex: the hex of node:crypto's digest", () => {
  const b = randomBytes(22528);
  for (const n of [0, 55, 56, 64, 3030, b.length]) assert.equal(sha256Hex(b.subarray(0, n)), createHash("sha256").update(b.subarray(0, n)).digest("hex"), "length " + n);
  assert.equal(sha256Hex(new Uint8Array(Buffer.from("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});
