import { test } from "node:test";
import assert from "node:assert/strict";
import { packRaw, unpackRaw, physToRaw, signalBits, SignalDef } from "./signalCodec.ts";
import { MESSAGES, payloadSignals, messageByName, SYNC_FV_SIGNAL } from "./messages.ts";
import { encodeData, decodeData } from "./messageCodec.ts";

test("no two signals of a message share a bit, all fit in 8 bytes", () => {
  for (const m of MESSAGES) {
    const used = new Set<number>();
    for (const s of payloadSignals(m)) {
      for (const b of signalBits(s)) {
        assert.ok(b >= 0 && b < 64, `${m.name}.${s.name} bit ${b}`);
        assert.ok(!used.has(b), `${m.name}.${s.name} overlaps at bit ${b}`);
        used.add(b);
      }
    }
    assert.equal(used.size, 64, `${m.name} uses every bit of the payload`);
  }
});

test("known byte layouts: Intel 20-bit current with signed 12-bit PF; Motorola S/Q; 40-bit sync FV", () => {
  const m = messageByName("MEAS_CURRENT_PF");
  // I = 12.345 A -> raw 12345 = 0x03039; PF = -0.5 -> raw -500 = 0xE0C (12-bit two's complement)
  const d = encodeData(m, { I_L1: 12.345, PF: -0.5 });
  assert.deepEqual([...d], [0x39, 0x30, 0xc0, 0xe0]);
  const back = decodeData(m, d);
  assert.ok(Math.abs(back.I_L1 - 12.345) < 1e-9);
  assert.ok(Math.abs(back.PF + 0.5) < 1e-9);
  const a = encodeData(messageByName("MEAS_APPARENT"), { S: 0x1234, Q_import: 0xabcd });
  assert.deepEqual([...a], [0x12, 0x34, 0xab, 0xcd]);
  const b = new Uint8Array(8);
  packRaw(b, SYNC_FV_SIGNAL, 0x0123456789);
  assert.deepEqual([...b], [0x01, 0x23, 0x45, 0x67, 0x89, 0, 0, 0]);
  assert.equal(unpackRaw(b, SYNC_FV_SIGNAL), 0x0123456789);
});

test("physical values round to the step and saturate at the raw range; NaN sends 0", () => {
  const u: SignalDef = messageByName("MEAS_VOLTAGE_FREQ").signals[0];
  assert.equal(physToRaw(u, 230.004), 23000);
  assert.equal(physToRaw(u, 230.006), 23001);
  assert.equal(physToRaw(u, 1000), 65535);
  assert.equal(physToRaw(u, -5), 0);
  assert.equal(physToRaw(u, NaN), 0);
  const pf = messageByName("MEAS_CURRENT_PF").signals[1];
  assert.equal(physToRaw(pf, -3), -2048);
});

test("every signal of every message round-trips random raw values without touching its neighbours", () => {
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (const m of MESSAGES) {
    const sigs = payloadSignals(m);
    for (let trial = 0; trial < 50; trial++) {
      const bytes = new Uint8Array(8).fill(trial % 2 ? 0xff : 0);
      const raws = sigs.map((s) => {
        const span = Math.pow(2, s.length);
        const r = Math.floor(rnd() * span) - (s.signed ? span / 2 : 0);
        packRaw(bytes, s, r);
        return r;
      });
      sigs.forEach((s, i) => assert.equal(unpackRaw(bytes, s), raws[i], `${m.name}.${s.name}`));
    }
  }
});
