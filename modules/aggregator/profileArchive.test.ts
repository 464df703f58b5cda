import { test } from "node:test";
import assert from "node:assert/strict";
import { kvProfileArchive, PROFILE_KEY } from "./profileArchive.ts";
import { memStorage } from "./testing/fixtures.ts";

test("profile archive: one file per interval slot, signed watts back, stale or foreign files read as unknown", () => {
  const st = memStorage();
  let fails = 0;
  const p = kvProfileArchive(st, 3, () => { fails++; });
  const slot = 2_000_123;
  p.put(slot, new Int16Array([1200, -32768, 32767]));
  assert.equal(st.files[PROFILE_KEY + (slot % 96)].length, 3 + 4 + 3 * 2, "MN1, the slot, 3 x Int16");
  assert.deepEqual([0, 1, 2].map((m) => p.get(slot, m)), [1200, -32768, 32767]);
  assert.ok(Number.isNaN(p.get(slot + 96, 0)), "the same file a day later holds yesterday's interval: unknown");
  assert.ok(Number.isNaN(p.get(slot - 96, 0)), "and the day before's was overwritten");
  assert.ok(Number.isNaN(p.get(slot, 3)), "no such meter row");
  assert.ok(Number.isNaN(p.get(slot + 1, 0)), "never written");
  // a file written with another meter count is not misread
  const other = kvProfileArchive(st, 4, () => {});
  assert.ok(Number.isNaN(other.get(slot, 0)));
  // a failed write is reported (counted by the Aggregator as saveFails)
  const full = kvProfileArchive({ get: () => undefined, set: () => false, setBytes: () => false }, 3, () => { fails++; });
  full.put(slot, new Int16Array(3));
  assert.equal(fails, 1);
});
