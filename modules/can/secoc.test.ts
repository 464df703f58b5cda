import { test } from "node:test";
import assert from "node:assert/strict";
import { nodeAes } from "../../host/ports/aes.ts";
import { Cmac } from "./cmac.ts";
import { fromHex, toHex } from "./hex.ts";
import { meterKey } from "./kdf.ts";
import { macInput, securePayload, secureSyncRequest, syncRequestFreshness, verifySecured, verifySyncRequest, verifyBound } from "./secoc.ts";
import { encodeData } from "./messageCodec.ts";
import { messageByName } from "./messages.ts";
import { canId, FN_MEAS_VOLTAGE_FREQ, FN_SYNC_REQUEST } from "./idPlan.ts";

const key5 = () => new Cmac(nodeAes(), meterKey(nodeAes(), fromHex("000102030405060708090a0b0c0d0e0f"), 5));

// Expected tags computed independently with python3-cryptography:
//   CMAC(KBKDFCMAC(... context=bytes([5])).derive(bytes(range(16))), bytes.fromhex(input))
test("secured reading, known answer: meter 5, 230.00 V, 50.000 Hz, FV epoch 2 seq 7", () => {
  const id = canId(FN_MEAS_VOLTAGE_FREQ, 5);
  assert.equal(id, 0x185);
  const data = encodeData(messageByName("MEAS_VOLTAGE_FREQ"), { U_L1: 230, Freq: 50 });
  const fv = 2 * 65536 + 7;
  assert.equal(toHex(macInput(id, data, fv)), "0185d85950c30000020007");
  // 12acbdba568fe62855552b2493e9335c -> first 3 bytes travel
  assert.equal(toHex(securePayload(key5(), id, data, fv)), "d85950c3" + "07" + "12acbd");
});

test("sync request, known answer: full 40-bit FV then MAC24", () => {
  const id = canId(FN_SYNC_REQUEST, 5);
  const fv = 3 * 65536 + 42;
  const p = secureSyncRequest(key5(), id, fv);
  assert.equal(toHex(p), "000003002a" + "d3e1da");
  assert.equal(syncRequestFreshness(p), fv);
  assert.equal(verifySyncRequest(key5(), id, p), true);
  p[4] ^= 1;
  assert.equal(verifySyncRequest(key5(), id, p), false);
});

test("verifySecured: accepted, stale (replay), bad MAC, unsynchronised, another meter's key", () => {
  const c = key5();
  const id = 0x185;
  const data = new Uint8Array([1, 2, 3, 4]);
  const p = securePayload(c, id, data, 1000);
  assert.deepEqual(verifySecured(c, id, p, 999), { fv: 1000, cause: null });
  assert.deepEqual(verifySecured(c, id, p, 1000), { fv: -1, cause: "stale" }, "the same frame again");
  assert.deepEqual(verifySecured(c, id, p, 1200), { fv: -1, cause: "stale" }, "an older frame");
  assert.deepEqual(verifySecured(c, id, p, 1000 + 600), { fv: -1, cause: "badMac" }, "too old to classify: still rejected");
  assert.deepEqual(verifySecured(c, id, p, -1), { fv: -1, cause: "unsynced" });
  assert.deepEqual(verifySecured(c, 0x186, p, 999), { fv: -1, cause: "badMac" }, "moved to meter 6's identifier");
  const other = new Cmac(nodeAes(), meterKey(nodeAes(), fromHex("000102030405060708090a0b0c0d0e0f"), 6));
  assert.deepEqual(verifySecured(other, id, p, 999), { fv: -1, cause: "badMac" });
  // 255 lost frames are still fine; the FV is rebuilt across the low-byte wrap.
  const q = securePayload(c, id, data, 1000 + 256);
  assert.deepEqual(verifySecured(c, id, q, 1000), { fv: 1256, cause: null });
});

test("sync responses verify only against the challenge they are bound to", () => {
  const c = key5();
  const id = 0x105;
  const challenge = 7 * 65536 + 3;
  const p = securePayload(c, id, new Uint8Array([9, 0, 0, 0]), challenge);
  assert.equal(verifyBound(c, id, p, challenge), true);
  assert.equal(verifyBound(c, id, p, challenge + 1), false);
  assert.equal(verifyBound(c, id, p, challenge + 256), false, "same low byte, other challenge");
});
