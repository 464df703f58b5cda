import { test } from "node:test";
import assert from "node:assert/strict";
import { Aggregator } from "./aggregator.ts";
import { restoreAggregator } from "./restoreState.ts";
import { config, memStorage } from "./testing/fixtures.ts";
import { norHistory, NOR_HISTORY_BASE, NOR_PROFILE_BYTES, NOR_DAYS_BYTES } from "./historyOnNor.ts";
import { norProfileArchive } from "./profileArchive.ts";
import { norDayArchive } from "./dayArchive.ts";
import { norSlots } from "../persist/norSlots.ts";
import { crc32 } from "../persist/crc32.ts";
import { NorModel, PowerCut } from "../../host/runtime/nor.ts";
import { NOR_SECTOR_BYTES } from "../ports/nor.ts";

const T0 = 1_800_000_000; // a multiple of 900 s

function run(a: Aggregator, from: number, to: number, meters: number): void {
  for (let t = from; t < to; t += 300) {
    for (let m = 1; m <= meters; m++) a.onReading({ address: m, timeS: t, powerW: 1000 + m * 10 + ((t / 300) % 7), importmWh: (t - T0) * 100 * m, exportmWh: 0 });
    a.tick(t + 1);
  }
}

test("history on the NOR: the profile and the closed days read back as from Storage, and Storage holds no agg.p / agg.d file", () => {
  const cfg = config();
  const nor = new NorModel();
  const stN = memStorage();
  const onNor = new Aggregator(cfg, stN, { sendCommand: () => 0 }, norHistory(nor, crc32));
  const stK = memStorage();
  const onKv = new Aggregator(cfg, stK, { sendCommand: () => 0 });
  run(onNor, T0, T0 + 2 * 86400 + 3600, 3);
  run(onKv, T0, T0 + 2 * 86400 + 3600, 3);
  const end = onNor.store.openSlot;
  for (let m = 0; m < 4; m++) {
    const p = [...onNor.store.profileOf(m, end, new Float32Array(96))];
    assert.deepEqual(p, [...onKv.store.profileOf(m, end, new Float32Array(96))]);
    if (m < 3) assert.equal(p.filter((w) => !Number.isNaN(w)).length, 96, "meter " + m + ": a full day of intervals");
  }
  for (let r = 0; r < 32; r++) {
    assert.equal(onNor.store.hold(r), onKv.store.hold(r), "day slot " + r);
    if (onNor.store.hold(r) >= 0) {
      onKv.store.hold(r);
      const kvE = [...onKv.store.hE.subarray(onKv.store.hB, onKv.store.hB + 8)];
      onNor.store.hold(r);
      assert.deepEqual([...onNor.store.hE.subarray(onNor.store.hB, onNor.store.hB + 8)], kvE);
    }
  }
  assert.deepEqual(Object.keys(stN.files).filter((f) => /^agg\.[pd]/.test(f)), []);
  assert.ok(Object.keys(stK.files).filter((f) => /^agg\.[pd]/.test(f)).length > 96);
  assert.equal(onNor.saveFails, 0);
  // everything written lies in the history area; no sector erased more than once a day
  const first = NOR_HISTORY_BASE / NOR_SECTOR_BYTES, last = (NOR_HISTORY_BASE + NOR_PROFILE_BYTES + NOR_DAYS_BYTES) / NOR_SECTOR_BYTES;
  const used = nor.usedSectors();
  assert.ok(used.length > 96 && used.every((s) => s >= first && s < last), "sectors " + used[0] + ".." + used[used.length - 1]);
  const maxErases = Math.max(...nor.erases);
  assert.ok(maxErases <= 2, "2 days + 1 h: at most 2 erases of a sector, found " + maxErases);
  // a reboot: a new Aggregator on the same NOR finds the profile there
  const again = new Aggregator(cfg, stN, { sendCommand: () => 0 }, norHistory(nor, crc32));
  restoreAggregator(again);
  assert.deepEqual([...again.store.profileOf(1, end, new Float32Array(96))], [...onNor.store.profileOf(1, end, new Float32Array(96))]);
});

test("history on the NOR: a power cut while an interval or a day is written never shows a half record", () => {
  const n = 64;
  const nor = new NorModel();
  let fails = 0;
  const prof = norProfileArchive(norSlots(nor, NOR_HISTORY_BASE, 96, 2 * n, crc32), n, () => { fails++; });
  const days = norDayArchive(norSlots(nor, NOR_HISTORY_BASE + NOR_PROFILE_BYTES, 32, 24 * n, crc32), n, () => { fails++; });
  const w = (k: number) => Int16Array.from({ length: n }, (_, i) => k * 3 + i);
  const slot = T0 / 900;
  prof.put(slot, w(1));
  prof.put(slot + 96, w(2)); // the next day's interval in the same slot
  // a day's rows as the store keeps them: one buffer, money right after energy (DayArchive)
  const rows = (fe: (i: number) => number, fm: (i: number) => number): [Int32Array, Float64Array] => {
    const b = new ArrayBuffer(24 * n);
    const r: [Int32Array, Float64Array] = [new Int32Array(b, 0, 2 * n), new Float64Array(b, 8 * n, 2 * n)];
    for (let i = 0; i < 2 * n; i++) { r[0][i] = fe(i); r[1][i] = fm(i); }
    return r;
  };
  const [e, m] = rows((i) => i * 1000, (i) => i * 0.5);
  days.put(20000, e, m);
  // profile: 4 operations a write (erase, header, one page of 128 B, commit)
  for (let op = 0; op < 4; op++) {
    nor.armCut(op, 7);
    assert.throws(() => prof.put(slot + 192, w(3)), PowerCut);
    nor.powerOn();
    const got = [0, 1, 63].map((i) => prof.get(slot + 192, i));
    if (Number.isNaN(got[0])) assert.deepEqual([0, 1, 63].map((i) => prof.get(slot + 96, i)), [6, 7, 69], "op " + op + ": the previous day's interval is whole");
    else assert.deepEqual(got, [9, 10, 72], "op " + op + ": the new interval is whole");
  }
  // a day (24 + 1 536 B: erase, header, 7 page pieces, commit): after a cut at any of
  // the 10 operations the slot holds day 20000 or 20032 whole
  const [e2, m2] = rows((i) => e[i] + 7, (i) => m[i] + 0.25);
  let cuts = 0;
  for (let op = 0; op < 10; op++) {
    nor.armCut(op, 100);
    try { days.put(20032, e2, m2); } catch (err) { assert.ok(err instanceof PowerCut); cuts++; }
    nor.powerOn();
    const [ge, gm] = rows(() => 0, () => 0);
    const d = days.load(20000 % 32, ge, gm);
    assert.ok(d === 20000 || d === 20032, "op " + op + ": day " + d);
    assert.deepEqual([...ge], [...(d === 20000 ? e : e2)]);
    assert.deepEqual([...gm], [...(d === 20000 ? m : m2)]);
  }
  assert.equal(cuts, 10, "every operation of the day's write was cut once");
  assert.equal(fails, 0, "a cut is a PowerCut on the host, not a failed write");
});

test("64 meters after a simulated day and after 33: internal Storage bytes with history in Storage and on the NOR (figures for the report)", () => {
  const cfg = config();
  cfg.maxMeters = 64;
  const bytesOf = (files: Record<string, string>) =>
    Object.values(files).reduce((s, v) => s + 32 + Math.ceil(v.length / 4) * 4, 0); // Espruino: 32-byte header, data padded to 4
  const stK = memStorage();
  const stN = memStorage();
  const nor = new NorModel();
  const onKv = new Aggregator(cfg, stK, { sendCommand: () => 0 });
  const onNor = new Aggregator(cfg, stN, { sendCommand: () => 0 }, norHistory(nor, crc32));
  const lines: string[] = [];
  let t = T0;
  for (const days of [1, 33]) {
    for (; t < T0 + days * 86400 + 3600; t += 900) {
      for (const a of [onKv, onNor]) {
        for (let m = 1; m <= 64; m++) a.onReading({ address: m, timeS: t, powerW: 500 + m, importmWh: (t - T0) * 50 * m, exportmWh: 0 });
        a.tick(t + 1);
      }
    }
    onKv.save(t);
    onNor.save(t);
    const kv = bytesOf(stK.files), onN = bytesOf(stN.files);
    const hist = Object.keys(stK.files).filter((f) => /^agg\.[pd]/.test(f));
    lines.push(`64 meters, ${days} day(s) + 1 h: Storage ${kv} B with history in Storage (${hist.length} files agg.p*/agg.d*), ${onN} B with history on the NOR (${nor.usedSectors().length} NOR sectors used, most erases of one sector ${Math.max(...nor.erases)})`);
    assert.ok(kv - onN > 96 * (32 + 7 + 128), "the 96 profile files at least left Storage: " + kv + " -> " + onN);
  }
  console.log(lines.join("\n"));
  assert.equal(onNor.saveFails, 0);
  assert.deepEqual(Object.keys(stN.files).filter((f) => /^agg\.[pd]/.test(f)), []);
  // 33 days: a profile sector is erased every other day, a day sector every 64 days
  assert.ok(Math.max(...nor.erases) <= 17, "erases per sector in 33 days: " + Math.max(...nor.erases));
});
