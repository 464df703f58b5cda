import { test } from "node:test";
import assert from "node:assert/strict";
import { RECORD_BYTES, S_SEQ, S_RELAY, S_ENERGY, S_TX, S_RX, S_AGG_END, S_AGG, S_AGG_FLAGS, emptyState, encodeRecord, decodeRecord } from "./billingRecord.ts";
import { crc32 } from "./crc32.ts";
import { persistConfigOf } from "./config.ts";

test("crc32: CRC-32/ISO-HDLC check value (\"123456789\" -> 0xCBF43926), as E.CRC32 on the real 2v29 interpreter", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
});

function sample(): Float64Array {
  const s = emptyState();
  s[S_SEQ] = 4000000000;
  s[S_RELAY] = 0;
  s.set([123456789012, 0.25, 7, 0.999999, 0, 0, 42, 0.5], S_ENERGY);
  s[S_TX] = 16777215;
  s[S_RX] = 0xfffffffffe; // 40-bit freshness
  s[S_AGG_END] = 1796000000;
  s.set([230.25, 4.5, -966, 30, 50.01, 2.5], S_AGG);
  s[S_AGG_FLAGS] = 3;
  return s;
}

test("record: round trip of every field (f32 aggregate fields to float precision); the layout's offsets", () => {
  const b = new Uint8Array(RECORD_BYTES);
  encodeRecord(sample(), b, crc32);
  const s = emptyState();
  assert.ok(decodeRecord(b, s, crc32));
  const t = sample();
  t.set(new Float32Array(t.subarray(S_AGG, S_AGG + 6)), S_AGG);
  assert.deepEqual([...s], [...t]);
  const d = new DataView(b.buffer);
  assert.deepEqual([d.getUint32(0, true), d.getUint16(4, true), b[6], b[7], d.getFloat64(8, true), d.getUint32(72, true), d.getFloat64(76, true), d.getFloat64(84, true), d.getFloat32(92, true), b[116]],
    [4000000000, 0x4d4e, 1, 0, 123456789012, 16777215, 0xfffffffffe, 1796000000, 230.25, 3]);
});

test("record: any single flipped bit is refused; so are an empty part and a record whose register setEnergy would refuse", () => {
  const b = new Uint8Array(RECORD_BYTES);
  encodeRecord(sample(), b, crc32);
  const s = emptyState();
  for (let i = 0; i < RECORD_BYTES * 8; i++) {
    const c = b.slice();
    c[i >> 3] ^= 1 << (i & 7);
    assert.equal(decodeRecord(c, s, crc32), false, "bit " + i);
  }
  assert.equal(decodeRecord(new Uint8Array(RECORD_BYTES), s, crc32), false);
  assert.equal(decodeRecord(new Uint8Array(RECORD_BYTES).fill(255), s, crc32), false);
  const bad = sample();
  bad[S_ENERGY + 1] = 1; // frac must be < 1
  encodeRecord(bad, b, crc32);
  assert.equal(decodeRecord(b, s, crc32), false);
  assert.equal(s[S_SEQ], 0, "state untouched by refused records");
});

test("config: defaults, values, and errors that name the field", () => {
  assert.deepEqual(persistConfigOf({ role: "meter" }), { stepWh: 1, everyS: 60, relaySafeClosed: true, relayRestore: true });
  assert.deepEqual(persistConfigOf({ persist: { stepWh: 0.1, everyS: 10 }, relay: { safe: "open", restore: false } }), { stepWh: 0.1, everyS: 10, relaySafeClosed: false, relayRestore: false });
  for (const bad of [{ persist: { stepWh: 0 } }, { persist: { everyS: "60" } }, { relay: { safe: "on" } }, { relay: { restore: 1 } }]) {
    assert.throws(() => persistConfigOf(bad), /persist.stepWh must be 0.001..1000 Wh, persist.everyS 1..86400 s, relay.safe "closed" or "open", relay.restore true or false/, JSON.stringify(bad));
  }
});
