import { test } from "node:test";
import assert from "node:assert/strict";
import { BillingStore, freshnessStore, restoreBilling, restoredEnergy } from "./billingStore.ts";
import { U_SEQ, F_ENERGY, B_RELAY, G_AGG, F_AGG_END, B_AGG_FLAGS, AGG_FIELDS, aggOf } from "./billingRecord.ts";
import { crc32 } from "./crc32.ts";
import { FakeRegisters } from "./testing.ts";
import { FramModel } from "../../host/runtime/fram.ts";
import { MemoryKvStore } from "../../host/ports/kvStore.ts";

function store(fram = new FramModel(), stepWh = 1, everyS = 60): BillingStore {
  const s = new BillingStore({ fram, baseAddr: 0, slots: 2, crc32, stepWh, everyS });
  restoreBilling(s);
  return s;
}

test("writes on an energy step of any register, and on the timer when something changed", () => {
  const fram = new FramModel();
  const s = store(fram, 1, 60);
  const r = new FakeRegisters();
  r.add(0, 999.9);
  assert.equal(s.update(r.get(), 0), false, "0.9999 Wh: below the step");
  r.add(0, 0.1);
  assert.equal(s.update(r.get(), 1), true, "1 Wh import: a step");
  r.add(2, 1000); // reactive import: a step too
  assert.equal(s.update(r.get(), 2), true);
  r.add(1, 10);
  assert.equal(s.update(r.get(), 61), false, "59 s after the last write");
  assert.equal(s.update(r.get(), 62), true, "60 s with a change: the timer");
  assert.equal(s.update(r.get(), 200), false, "nothing changed: no write");
  assert.equal(fram.writes, 3);
  assert.deepEqual([s.saved.u32[U_SEQ], s.newestSlot], [3, 0], "slots 0, 1, 0");
  const again = store(fram);
  assert.deepEqual([...again.saved.f64.subarray(F_ENERGY, F_ENERGY + 8)], [...r.v]);
  assert.deepEqual(restoredEnergy(again), r.get());
});

test("a register lower than the state is counted and never stored", () => {
  const s = store();
  const r = new FakeRegisters();
  r.add(0, 5000);
  s.update(r.get(), 0);
  const lower = new FakeRegisters();
  lower.add(0, 10);
  assert.equal(s.update(lower.get(), 100), false);
  assert.equal(s.backwards, 1);
  assert.equal(s.savedUnits(0), 5);
});

test("a failed write (bus error) is counted, the state stays in RAM and goes out with the next write", () => {
  const fram = new FramModel();
  const s = store(fram);
  const orig = fram.write.bind(fram);
  fram.write = () => false;
  assert.equal(s.setRelay(false), false);
  assert.equal(s.writeFails, 1);
  fram.write = orig;
  const r = new FakeRegisters();
  r.add(0, 2000);
  assert.ok(s.update(r.get(), 1));
  assert.equal(store(fram).saved.bytes[B_RELAY], 0);
});

test("freshness store: epochs and sync state on the FRAM, written before set() returns; the larger of FRAM and the legacy Storage value", () => {
  const fram = new FramModel();
  const legacy = new MemoryKvStore();
  legacy.set("txepoch", "41");
  legacy.set("rxsync", "700");
  const kv = freshnessStore(store(fram), legacy);
  assert.equal(kv.get("txepoch"), "41", "an upgraded meter continues from its Storage epoch");
  assert.ok(kv.set("txepoch", "42"));
  assert.ok(kv.set("rxsync", "900"));
  assert.equal(fram.writes, 2);
  assert.equal(legacy.writes, 2, "nothing more written to Storage");
  const kv2 = freshnessStore(store(fram), legacy);
  assert.deepEqual([kv2.get("txepoch"), kv2.get("rxsync")], ["42", "900"]);
  legacy.set("txepoch", "99");
  assert.equal(freshnessStore(store(fram), legacy).get("txepoch"), "99");
  assert.equal(kv2.get("other"), undefined);
});

test("a ring that does not fit the part, or a zero step, is refused with the reason", () => {
  assert.throws(() => new BillingStore({ fram: new FramModel(256), baseAddr: 128, slots: 2, crc32, stepWh: 1, everyS: 60 }), /billing ring does not fit the FRAM/);
  assert.throws(() => new BillingStore({ fram: new FramModel(), baseAddr: 0, slots: 2, crc32, stepWh: 0, everyS: 60 }), /stepWh\/everyS not > 0/);
});

test("the 10-minute aggregate is written in AGG_FIELDS order, with its end and flags, and restored", () => {
  const fram = new FramModel();
  const s = store(fram);
  const a: { [k: string]: number } = { vRmsV: 230.5, iRmsA: 4.25, pW: 950, qVar: -120, fHz: 50.01, thdVPct: 2.5, sVA: 999 };
  assert.equal(s.setAggregate(1700000600, a, true, true), true);
  const again = store(fram);
  assert.deepEqual([...aggOf(again.saved).subarray(G_AGG, G_AGG + 6)], AGG_FIELDS.map((k) => Math.fround(a[k])));
  assert.equal(again.saved.f64[F_AGG_END], 1700000600);
  assert.equal(again.saved.bytes[B_AGG_FLAGS], 3);
});
