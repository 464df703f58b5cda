import { test } from "node:test";
import assert from "node:assert/strict";
import { dataFrame, remoteFrame } from "../../modules/can/frame.ts";
import { compareArbitration, crc15, frameLayout, stuff, worstCaseSlotBits } from "./frameBits.ts";

function bits(s: string): number[] {
  return s.split("").map((c) => (c === "1" ? 1 : 0));
}
function bytes(n: number, v: number): Uint8Array {
  return new Uint8Array(n).fill(v);
}

// Expected CRCs and lengths below were computed by hand-checked independent code
// (string-based shift register and stuffing, /tmp/canref.py in the report).
test("CRC-15 known answers (ISO 11898-1 polynomial 0x4599)", () => {
  assert.equal(crc15([]), 0);
  // A single recessive bit loads the polynomial; the next dominant bit shifts it once.
  assert.equal(crc15([1]), 0x4599);
  assert.equal(crc15([1, 0]), ((0x4599 << 1) & 0x7fff) ^ 0x4599);
  assert.equal(frameLayout(remoteFrame(0x000, 0)).crc, 0x73c5);
  assert.equal(frameLayout(dataFrame(0x123, bytes(8, 0x55))).crc, 0x657f);
  assert.equal(frameLayout(dataFrame(0x12345678, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), true)).crc, 0x221a);
});

test("a standard 8-byte data frame without stuff bits is 108 bits, 111 with IFS", () => {
  const l = frameLayout(dataFrame(0x085, bytes(8, 0xaa)));
  assert.equal(l.stuffBits, 0);
  assert.equal(l.frameBits, 108);
  assert.equal(l.slotBits, 111);
});

test("remote frame 0x000 DLC 0: 44 bits + 3 stuff bits (SOF and 11 dominant id bits, then IDE r0 DLC)", () => {
  const l = frameLayout(remoteFrame(0x000, 0));
  assert.equal(l.stuffBits, 3);
  assert.equal(l.frameBits, 47);
  assert.equal(l.slotBits, 50);
  // Stuffed start: 00000 1 00000 1 00 | RTR=1 | IDE r0 DLC = 000000 -> 00000 1 0
  assert.deepEqual(l.stuffedBits.slice(0, 24), bits("00000100000100" + "1" + "00000" + "1" + "0" + "11"));
});

test("heavy stuffing: all-dominant 8-byte frame 0x000 has 16 stuff bits, all-recessive 0x7FF 15", () => {
  assert.equal(frameLayout(dataFrame(0x000, bytes(8, 0))).stuffBits, 16);
  assert.equal(frameLayout(dataFrame(0x000, bytes(8, 0))).frameBits, 124);
  assert.equal(frameLayout(dataFrame(0x7ff, bytes(8, 0xff))).stuffBits, 15);
  assert.equal(frameLayout(dataFrame(0x7ff, bytes(8, 0xff))).frameBits, 123);
  assert.equal(frameLayout(dataFrame(0x100, new Uint8Array([0x0f]))).frameBits, 56);
});

test("extended frames: 8 bytes 0x12345678 is 137 bits, remote 0x1FFFFFFF is 71", () => {
  assert.equal(frameLayout(dataFrame(0x12345678, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), true)).frameBits, 137);
  assert.equal(frameLayout(remoteFrame(0x1fffffff, 0, true)).frameBits, 71);
  assert.equal(frameLayout(dataFrame(0, new Uint8Array(0), true)).frameBits, 71);
});

test("stuffing counts a stuff bit into the next run, and never exceeds the worst-case bound", () => {
  // 0000011110 -> 00000 1 1111 0 : the stuff bit '1' starts a run that the next four 1s complete
  assert.deepEqual(stuff(bits("0000011110")), bits("00000" + "1" + "1111" + "0" + "0"));
  assert.equal(worstCaseSlotBits(8, false, false), 135);
  assert.equal(worstCaseSlotBits(8, true, false), 160);
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < 2000; i++) {
    const ext = rnd() < 0.3;
    const dlc = Math.floor(rnd() * 9);
    const id = Math.floor(rnd() * (ext ? 0x20000000 : 0x800));
    const data = new Uint8Array(dlc).map(() => (rnd() < 0.5 ? 0 : Math.floor(rnd() * 256)));
    const l = frameLayout(dataFrame(id, data, ext));
    assert.ok(l.slotBits <= worstCaseSlotBits(dlc, ext, false), "frame " + id + " exceeds the bound");
  }
});

test("arbitration order: lower id wins, standard beats extended with the same base id, data beats remote", () => {
  assert.ok(compareArbitration(dataFrame(0x100, bytes(1, 0)), dataFrame(0x101, bytes(1, 0))) < 0);
  assert.ok(compareArbitration(dataFrame(0x101, bytes(1, 0)), dataFrame(0x100, bytes(8, 0))) > 0);
  assert.ok(compareArbitration(dataFrame(0x100, bytes(1, 0)), remoteFrame(0x100, 1)) < 0);
  // Standard remote 0x100 vs extended with base 0x100: SRR equals RTR (recessive), IDE decides.
  assert.ok(compareArbitration(remoteFrame(0x100, 0), dataFrame(0x100 << 18, bytes(0, 0), true)) < 0);
  // Extended with a lower base id beats a standard frame with a higher id.
  assert.ok(compareArbitration(dataFrame(0x0ff << 18, bytes(0, 0), true), dataFrame(0x100, bytes(0, 0))) < 0);
  assert.ok(compareArbitration(dataFrame(5, bytes(0, 0), true), remoteFrame(5, 0, true)) < 0);
  assert.equal(compareArbitration(dataFrame(7, bytes(2, 1)), dataFrame(7, bytes(2, 9))), 0);
});
