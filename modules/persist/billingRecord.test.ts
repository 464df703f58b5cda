import { test } from "node:test";
import assert from "node:assert/strict";
import { RECORD_BYTES, B_RELAY, U_SEQ, F_ENERGY, U_TX, F_RX, F_AGG_END, G_AGG, B_AGG_FLAGS, Record, decodeRecord, aggOf } from "./billingRecord.ts";
import { crc32 } from "./crc32.ts";
import { persistConfigOf } from "./config.ts";

test("crc32: CRC-32/ISO-HDLC check value (\"123456789\" -> 0xCBF43926), as E.CRC32 on the real 2v29 interpreter", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
});

function sample(): Record {
  const s = new Record();
  s.u32[U_SEQ] = 4000000000;
  s.bytes[B_RELAY] = 0;
  s.f64.set([123456789012, 0.25, 7, 0.999999, 0, 0, 42, 0.5], F_ENERGY);
  s.u32[U_TX] = 16777215;
  s.f64[F_RX] = 0xfffffffffe; // 40-bit freshness
  s.f64[F_AGG_END] = 1796000000;
  aggOf(s).set([230.25, 4.5, -966, 30, 50.01, 2.5], G_AGG);
  s.bytes[B_AGG_FLAGS] = 3;
  s.seal(crc32);
  return s;
}

test("record: the layout's offsets, little-endian; a whole record round-trips", () => {
  const b = sample().bytes;
  const d = new DataView(b.buffer);
  assert.deepEqual([d.getUint32(0, true), d.getUint16(4, true), b[6], b[7], d.getFloat64(8, true), d.getFloat64(64, true), d.getUint32(72, true), d.getFloat64(80, true), d.getFloat64(88, true), d.getFloat32(96, true), d.getFloat32(116, true), b[120], d.getUint32(124, true)],
    [4000000000, 0x4d4e, 2, 0, 123456789012, 0.5, 16777215, 0xfffffffffe, 1796000000, 230.25, 2.5, 3, crc32(b.subarray(0, 124))]);
  const r = new Record();
  assert.ok(decodeRecord(b.slice(), r, crc32));
  assert.deepEqual([...r.bytes], [...b]);
});

test("record: any single flipped bit is refused; so are an empty part and a record whose register setEnergy would refuse", () => {
  const b = sample().bytes;
  const s = new Record();
  const empty = [...s.bytes];
  for (let i = 0; i < RECORD_BYTES * 8; i++) {
    const c = b.slice();
    c[i >> 3] ^= 1 << (i & 7);
    assert.equal(decodeRecord(c, s, crc32), false, "bit " + i);
  }
  assert.equal(decodeRecord(new Uint8Array(RECORD_BYTES), s, crc32), false);
  assert.equal(decodeRecord(new Uint8Array(RECORD_BYTES).fill(255), s, crc32), false);
  const bad = sample();
  bad.f64[F_ENERGY + 1] = 1; // frac must be < 1
  bad.seal(crc32);
  assert.equal(decodeRecord(bad.bytes, s, crc32), false);
  assert.deepEqual([...s.bytes], empty, "state untouched by refused records");
});

test("config: defaults, values, and errors that name the fields", () => {
  assert.deepEqual(persistConfigOf({ role: "meter" }), { stepWh: 1, everyS: 60, relaySafeClosed: true, relayRestore: true });
  assert.deepEqual(persistConfigOf({ persist: { stepWh: 0.1, everyS: 10 }, relay: { safe: "open", restore: false } }), { stepWh: 0.1, everyS: 10, relaySafeClosed: false, relayRestore: false });
  for (const bad of [{ persist: { stepWh: 0 } }, { persist: { everyS: "60" } }, { relay: { safe: "on" } }, { relay: { restore: 1 } }]) {
    assert.throws(() => persistConfigOf(bad), /persist.stepWh must be 0.001..1000 Wh, persist.everyS 1..86400 s, relay.safe "closed" or "open", relay.restore true or false/, JSON.stringify(bad));
  }
});
