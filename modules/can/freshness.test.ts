import { test } from "node:test";
import assert from "node:assert/strict";
import { reconstructFreshness, TxFreshness, SEQ_SPAN } from "./freshness.ts";
import { MemoryKvStore } from "../../host/ports/kvStore.ts";
import { KatSuite } from "../selftest/katSuite.ts";
import { registerKats } from "./freshness.kat.ts";

test("profile 1 rule: greater low byte keeps the high part, else high + 1", () => {
  assert.equal(reconstructFreshness(0x100, 0x01), 0x101);
  assert.equal(reconstructFreshness(0x1fe, 0xff), 0x1ff);
  assert.equal(reconstructFreshness(0x1ff, 0x00), 0x200, "wrap-around 0xFF -> 0x00");
  assert.equal(reconstructFreshness(0x1ff, 0xfe), 0x2fe, "a lower low byte means the next block");
  assert.equal(reconstructFreshness(0x180, 0x80), 0x280, "equal low byte is never the same value");
});

test("receiver follows a sender through many low-byte wraps, losing up to 255 frames in between", () => {
  const store = new MemoryKvStore();
  const tx = new TxFreshness(store, "e", 1);
  assert.equal(tx.boot(), true);
  let last = tx.epoch() * SEQ_SPAN - 1; // what a synchronisation establishes
  let wraps = 0;
  for (let i = 0; i < 2000; i++) {
    const lost = (i * 37) % 256; // 0..255 frames the receiver never sees
    for (let g = 0; g < lost; g++) tx.next(0);
    const fv = tx.next(0);
    const r = reconstructFreshness(last, fv % 256);
    assert.equal(r, fv, `frame ${i}: reconstructed ${r}, sent ${fv}`);
    if (fv % 256 <= last % 256) wraps++;
    last = r;
  }
  assert.ok(wraps > 500, "low byte wrapped " + wraps + " times");
});

test("256 or more lost frames are not recoverable from 8 bits (needs resynchronisation)", () => {
  const last = 5 * SEQ_SPAN + 10;
  assert.equal(reconstructFreshness(last, (last + 256) % 256), last + 256, "255 lost: still fine");
  const sent = last + 257;
  assert.notEqual(reconstructFreshness(last, sent % 256), sent);
});

test("reboot: epoch persisted before use, every value after the reboot above every value before", () => {
  const store = new MemoryKvStore();
  const seen = new Set<number>();
  let maxBefore = -1;
  for (let boot = 0; boot < 5; boot++) {
    const tx = new TxFreshness(store, "txepoch", 3);
    assert.equal(tx.boot(), true);
    assert.equal(store.get("txepoch"), String(tx.epoch()), "stored before the first value is handed out");
    for (let i = 0; i < 100 + boot * 50; i++) {
      for (let s = 0; s < 3; s++) {
        const fv = tx.next(s);
        assert.ok(fv > maxBefore, `boot ${boot}: ${fv} not above ${maxBefore}`);
        assert.ok(!seen.has(fv * 4 + s), "value reused");
        seen.add(fv * 4 + s);
      }
    }
    for (const v of seen) maxBefore = Math.max(maxBefore, Math.floor(v / 4));
  }
  assert.equal(store.writes, 5, "one flash write per boot, not per frame");
});

test("a failed persist means no freshness values at all", () => {
  const store = new MemoryKvStore();
  store.failWrites = true;
  const tx = new TxFreshness(store, "e", 1);
  assert.equal(tx.boot(), false);
  assert.equal(tx.next(0), -1);
  store.failWrites = false;
  assert.equal(tx.boot(), true);
  assert.ok(tx.next(0) >= 0);
});

test("a counter reaching 65536 persists the next epoch first; every counter runs on without a jump", () => {
  const store = new MemoryKvStore();
  const tx = new TxFreshness(store, "e", 2);
  tx.boot();
  const e0 = tx.epoch();
  const rare = tx.next(1); // a rarely used counter (the meter's COMMAND_ACK)
  let last = -1;
  for (let i = 0; i < SEQ_SPAN; i++) last = tx.next(0);
  assert.equal(last, e0 * SEQ_SPAN + SEQ_SPAN - 1);
  assert.equal(store.get("e"), String(e0), "nothing persisted while the epoch lasts");
  const next = tx.next(0);
  assert.equal(next, (e0 + 1) * SEQ_SPAN, "a carry into the next epoch, +1");
  assert.equal(tx.epoch(), e0 + 1);
  assert.equal(store.get("e"), String(e0 + 1), "persisted before its first value was handed out");
  const rareNext = tx.next(1);
  assert.equal(rareNext, rare + 1, "the other counter did not jump");
  assert.equal(reconstructFreshness(rare, rareNext % 256), rareNext, "so its receiver rebuilds it from 8 bits");
  // A counter that runs into an epoch another counter already persisted needs no write.
  const writes = store.writes;
  for (let i = 0; i < SEQ_SPAN; i++) tx.next(1);
  assert.equal(tx.next(1), (e0 + 1) * SEQ_SPAN + 2);
  assert.equal(store.writes, writes);
  // A resynchronisation restarts every counter at a new epoch (the receiver is told it).
  assert.equal(tx.newEpoch(), true);
  assert.equal(tx.next(0), (e0 + 2) * SEQ_SPAN);
  assert.equal(tx.next(1), (e0 + 2) * SEQ_SPAN);
});

test("epoch change: the receiver of a rarely used counter accepts every frame, a replay never", () => {
  // The defect of a simulated day (18.2 h): the busy counter wrapped, every counter
  // moved to the next epoch, and the ack counter jumped by ~65536 (not rebuildable).
  const store = new MemoryKvStore();
  const tx = new TxFreshness(store, "e", 2);
  tx.boot();
  let rxLast = tx.epoch() * SEQ_SPAN - 1;
  const accepted: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 40000; i++) tx.next(0);
    const fv = tx.next(1);
    const r = reconstructFreshness(rxLast, fv % 256);
    assert.equal(r, fv, `round ${round}: rebuilt ${r}, sent ${fv}`);
    rxLast = r;
    accepted.push(fv);
  }
  assert.ok(tx.epoch() >= 3, "several epochs passed");
  // A replay of any accepted value rebuilds to something else (above the last): refused by the MAC.
  for (const old of accepted) assert.notEqual(reconstructFreshness(rxLast, old % 256), old);
});

test("freshness known answers for the selftest bundle pass", () => {
  const lines: string[] = [];
  const suite = new KatSuite((l) => lines.push(l));
  registerKats(suite);
  assert.equal(suite.finish(), true, lines.join("\n"));
});
