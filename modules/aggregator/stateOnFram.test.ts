// The aggregator's saved state on the FRAM (stateOnFram.ts, modules/persist/framRecords.ts):
// the slots hold what save() writes at 8 and 64 meters; a restart restores the same
// state as from Storage; a power cut at any write of a save, any number of bytes in,
// leaves each record old or new; a damaged newer record falls back to the older one and
// is counted; a value over its slot is a counted failed save.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Aggregator, AggConfig } from "./aggregator.ts";
import { restoreAggregator } from "./restoreState.ts";
import { config, memStorage } from "./testing/fixtures.ts";
import { aggStateOnFram, aggStateSlots, aggStateBytes, AGG_FRAM_BYTES, FRAM_STATE_BASE } from "./stateOnFram.ts";
import { FRAM_RECORD_HEADER } from "../persist/framRecords.ts";
import { FramModel, PowerCut } from "../../host/runtime/fram.ts";
import { crc32 } from "../persist/crc32.ts";

const T0 = 1_800_000_000;
const io = { crc: crc32, str: (b: Uint8Array) => Buffer.from(b).toString("latin1"), bytes: (s: string) => new Uint8Array(Buffer.from(s, "latin1")) };
const KEYS = ["agg.now", "agg.rs", "agg.pr", "agg.st"];

function site(n: number): AggConfig {
  const c = config();
  c.maxMeters = n;
  c.saveIntervalS = 1e9; // saved only when a test says
  c.meters = [];
  for (let a = 1; a <= n; a++) c.meters.push({ address: a % 64, name: "m" + a, household: "h", keyId: a % 64, hasRelay: a % 2 === 0, priority: 5 });
  return c;
}

function run(a: Aggregator, from: number, to: number, n: number): void {
  for (let t = from; t < to; t += 300) {
    for (let m = 1; m <= n; m++) a.onReading({ address: m % 64, timeS: t, powerW: 100 * m + ((t / 300) % 5), importmWh: (t - T0) * 10 * m, exportmWh: 0 });
    a.tick(t + 1);
  }
}

function prices(a: Aggregator): void {
  const v = Int32Array.from({ length: 96 }, (_, i) => -12345 + i * 997);
  a.setPrices([{ startS: T0, stepS: 900, values: v }, { startS: T0 + 86400, stepS: 900, values: v }]);
}

test("the slots hold what save() writes, at 8 and 64 meters; 64 meters take 24 972 B of the 32 KB part", () => {
  for (const n of [8, 64]) {
    const mem = memStorage();
    const a = new Aggregator(site(n), mem, { sendCommand: () => 0 });
    prices(a);
    run(a, T0, T0 + 3600, n);
    a.save(T0 + 3600);
    const slots = aggStateSlots(n);
    for (const s of slots) {
      const [key, bytes] = s;
      const got = mem.files[key];
      assert.ok(got !== undefined, key);
      if (key === "agg.now" || key === "agg.rs") assert.equal(got.length, bytes, key + " exactly its slot");
      else assert.ok(got.length <= bytes, key + ": " + got.length + " of " + bytes);
    }
  }
  assert.equal(aggStateBytes(64), 24972);
  assert.ok(FRAM_STATE_BASE + aggStateBytes(64) <= AGG_FRAM_BYTES);
  assert.ok(FRAM_STATE_BASE + aggStateBytes(64) > 8192, "two copies do not fit the meter's 8 KB part");
});

test("state on the FRAM: a restart restores what Storage would", () => {
  const n = 8;
  const fram = new FramModel(AGG_FRAM_BYTES);
  const mem = memStorage();
  const onF = new Aggregator(site(n), aggStateOnFram(fram, n, io), { sendCommand: () => 0 }, memStorage());
  const onS = new Aggregator(site(n), mem, { sendCommand: () => 0 });
  for (const a of [onF, onS]) { prices(a); run(a, T0, T0 + 7200, n); a.save(T0 + 7200); }
  assert.equal(onF.saveFails, 0, "the history apart (memStorage), the state on the FRAM");
  const st = aggStateOnFram(fram, n, io);
  for (const k of KEYS) assert.equal(st.get(k), mem.files[k], k);
  const again = new Aggregator(site(n), aggStateOnFram(fram, n, io), { sendCommand: () => 0 }, memStorage());
  assert.equal(restoreAggregator(again), "readings decisions");
  assert.deepEqual([...again.store.latest], [...onS.store.latest]);
  assert.equal(again.prices.at(T0 + 900), -12345 + 997);
});

test("a power cut at any write of a save, any bytes in, leaves each record the old or the new one", () => {
  const n = 8;
  const fram = new FramModel(AGG_FRAM_BYTES);
  const a = new Aggregator(site(n), aggStateOnFram(fram, n, io), { sendCommand: () => 0 }, memStorage());
  prices(a);
  run(a, T0, T0 + 3600, n);
  a.save(T0 + 3600);
  const st = aggStateOnFram(fram, n, io);
  const old: Record<string, string | undefined> = {};
  for (const k of KEYS) old[k] = st.get(k);
  run(a, T0 + 3600, T0 + 7200, n);
  // the new values: a save on a copy of the part
  const copy = new FramModel(AGG_FRAM_BYTES);
  copy.bytes.set(fram.bytes);
  a.storage = aggStateOnFram(copy, n, io);
  const w0 = copy.writes;
  a.save(T0 + 7200);
  const writes = copy.writes - w0;
  const neu: Record<string, string | undefined> = {};
  for (const k of KEYS) neu[k] = aggStateOnFram(copy, n, io).get(k);
  assert.notEqual(neu["agg.now"], old["agg.now"]);
  let cuts = 0, sawNew = 0;
  for (let w = 0; w < writes; w++) {
    for (const keep of [0, 1, 5, 13, 100]) {
      const f = new FramModel(AGG_FRAM_BYTES);
      f.bytes.set(fram.bytes);
      a.storage = aggStateOnFram(f, n, io);
      f.armCut(w, keep);
      assert.throws(() => a.save(T0 + 7200), PowerCut);
      f.powerOn();
      cuts++;
      const after = aggStateOnFram(f, n, io);
      for (const k of KEYS) {
        const v = after.get(k);
        assert.ok(v === old[k] || v === neu[k], "write " + w + " cut after " + keep + " bytes: " + k + " is neither the old nor the new record");
        if (v === neu[k] && v !== old[k]) sawNew++;
      }
      assert.equal(after.damaged, 0, "the cut slot is older, never read first");
    }
  }
  assert.ok(cuts >= 5 * 8 && sawNew > 0, cuts + " cuts, " + sawNew + " records already new");
});

test("a damaged newer record: the older one is read and the damage counted; a value over its slot is a failed save", () => {
  const n = 8;
  const fram = new FramModel(AGG_FRAM_BYTES);
  const st = aggStateOnFram(fram, n, io);
  assert.equal(st.get("agg.st"), undefined, "a new part: nothing");
  assert.ok(st.set("agg.st", "first"));
  assert.ok(st.set("agg.st", "second"));
  assert.equal(st.get("agg.st"), "second");
  // the second record went to slot 1: flip a payload bit there
  const slot1 = FRAM_STATE_BASE + aggStateSlots(n).slice(0, 3).reduce((s, x) => s + 2 * (FRAM_RECORD_HEADER + x[1]), 0) + FRAM_RECORD_HEADER + aggStateSlots(n)[3][1];
  fram.bytes[slot1 + FRAM_RECORD_HEADER] ^= 1;
  assert.equal(st.get("agg.st"), "first");
  assert.equal(st.damaged, 1);
  assert.equal(st.get("agg.nope"), undefined, "a key without a region");
  assert.equal(st.set("agg.p7", "history"), false, "is not written");
  assert.equal(st.set("agg.pr", "x".repeat(4097)), false, "over its 4 KB slot");
  const a = new Aggregator(site(n), st, { sendCommand: () => 0 }, memStorage());
  const big = Int32Array.from({ length: 100 }, () => -1234567);
  a.setPrices([0, 1, 2, 3, 4, 5].map((d) => ({ startS: T0 + d * 86400, stepS: 600, values: big })));
  assert.equal(a.saveFails, 1, "prices over the slot: counted");
});
