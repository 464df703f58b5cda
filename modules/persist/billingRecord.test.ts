import { test } from "node:test";
import assert from "node:assert/strict";
import { BillingState, RECORD_BYTES, encodeRecord, decodeRecord } from "./billingRecord.ts";
import { crc32 } from "./crc32.ts";
import { persistConfigOf } from "./config.ts";

test("crc32: CRC-32/ISO-HDLC check value (\"123456789\" -> 0xCBF43926), as E.CRC32 on the real 2v29 interpreter", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
});

function sample(): BillingState {
  const s = new BillingState();
  s.seq = 4000000000;
  s.relay = 0;
  s.energy.set([123456789012, 0.25, 7, 0.999999, 0, 0, 42, 0.5]);
  s.txEpoch = 16777215;
  s.rxSync = 0xfffffffffe; // 40-bit freshness
  s.aggEndS = 1796000000;
  s.agg.set([230.25, 4.5, -966, 30, 50.01, 2.5]);
  s.aggFlags = 3;
  return s;
}

test("record: round trip of every field (f32 aggregate fields to float precision)", () => {
  const b = new Uint8Array(RECORD_BYTES);
  encodeRecord(sample(), b, crc32);
  const s = new BillingState();
  assert.ok(decodeRecord(b, s, crc32));
  const t = sample();
  assert.deepEqual([s.seq, s.relay, [...s.energy], s.txEpoch, s.rxSync, s.aggEndS, s.aggFlags], [t.seq, t.relay, [...t.energy], t.txEpoch, t.rxSync, t.aggEndS, t.aggFlags]);
  assert.deepEqual([...s.agg], [...new Float32Array(t.agg)]);
});

test("record: any single flipped bit is refused; so are an empty part and a record whose register setEnergy would refuse", () => {
  const b = new Uint8Array(RECORD_BYTES);
  encodeRecord(sample(), b, crc32);
  const s = new BillingState();
  for (let i = 0; i < RECORD_BYTES * 8; i++) {
    const c = b.slice();
    c[i >> 3] ^= 1 << (i & 7);
    assert.equal(decodeRecord(c, s, crc32), false, "bit " + i);
  }
  assert.equal(decodeRecord(new Uint8Array(RECORD_BYTES), s, crc32), false);
  assert.equal(decodeRecord(new Uint8Array(RECORD_BYTES).fill(255), s, crc32), false);
  const bad = sample();
  bad.energy[1] = 1; // frac must be < 1
  encodeRecord(bad, b, crc32);
  assert.equal(decodeRecord(b, s, crc32), false);
  assert.equal(s.seq, 0, "state untouched by refused records");
});

test("config: defaults, values, and errors that name the field", () => {
  assert.deepEqual(persistConfigOf({ role: "meter" }), { stepWh: 1, everyS: 60, relaySafeClosed: true, relayRestore: true });
  assert.deepEqual(persistConfigOf({ persist: { stepWh: 0.1, everyS: 10 }, relay: { safe: "open", restore: false } }), { stepWh: 0.1, everyS: 10, relaySafeClosed: false, relayRestore: false });
  assert.throws(() => persistConfigOf({ persist: { stepWh: 0 } }), /persist.stepWh must be a number in 0.001..1000 \(got 0\)/);
  assert.throws(() => persistConfigOf({ persist: { everyS: "60" } }), /persist.everyS must be a number/);
  assert.throws(() => persistConfigOf({ relay: { safe: "on" } }), /relay.safe must be "closed" or "open"/);
});
