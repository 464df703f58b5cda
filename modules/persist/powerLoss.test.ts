/**
 * Power-loss test of the billing state (issue 12 part 1), exhaustive over a realistic
 * sequence, as littlefs's power-loss runner and MCUboot's simulator do: three hours of
 * one-second readings of a household (base load, fridge, kettle, the meter's full
 * 13.8 kW for five minutes an hour, PV export), a relay command every 1234 s, a sync
 * request (sync freshness + new epoch) every 900 s, a 10-minute aggregate every 600 s.
 *
 * Exhaustive: power is cut at every write of that run and, for each write, after each
 * of its 128 bytes (a torn write keeping 0..127 bytes) and after the whole of it: 129
 * cut points per write. After each cut the meter restarts on the FRAM as it was left,
 * and the test checks that the restored record is byte for byte one that was written
 * whole (never a corrupt value), that the registers never go back from one cut point
 * to the next and lose at most stepWh plus one reading's energy, that the relay comes
 * back as last written, and that the new freshness epoch is above every epoch used and
 * the sync state at or above every sync answered.
 *
 * Linear: one long run cut again and again (after 1..7 writes of each boot, torn at a
 * varying byte), each restart continuing from the restored state.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FramPort } from "../ports/fram.ts";
import { FramModel } from "../../host/runtime/fram.ts";
import { MeterUnderTest, incrementsAt, STEP_WH } from "./testing.ts";
import { RECORD_BYTES } from "./billingRecord.ts";

const RUN_S = 3 * 3600;
const RING = 2 * RECORD_BYTES;

interface WriteLog {
  addr: number;
  data: Uint8Array;
  /** True registers (Wh, varh) when the write was issued. */
  truth: Float64Array;
  maxEpochUsed: number;
  lastSyncAccepted: number;
  relayDriven: number;
}

/** Largest energy of one reading per register over the run, Wh: relay closed (the larger). */
function maxReadingWh(): number {
  const inc = new Float64Array(4);
  let m = 0;
  for (let t = 0; t < RUN_S; t++) {
    incrementsAt(t, true, inc);
    for (let r = 0; r < 4; r++) if (inc[r] / 1000 > m) m = inc[r] / 1000;
  }
  return m;
}

test("exhaustive power cuts: every write of a 3-hour run, torn after each byte or cut after it", () => {
  const log: WriteLog[] = [];
  const model = new FramModel();
  let meter: MeterUnderTest | null = null;
  const logging: FramPort = {
    sizeBytes: model.sizeBytes,
    read: (a, n) => model.read(a, n),
    write(a, d) {
      const m = meter as MeterUnderTest;
      const truth = new Float64Array(4);
      if (m) for (let r = 0; r < 4; r++) truth[r] = m.regs.units(r);
      log.push({ addr: a, data: d.slice(), truth, maxEpochUsed: m ? m.maxEpochUsed : -1, lastSyncAccepted: m ? m.lastSyncAccepted : -1, relayDriven: m ? m.pin.driven : -1 });
      return model.write(a, d);
    },
  };
  meter = new MeterUnderTest(logging);
  assert.equal(meter.restored, false, "a new part holds no record");
  assert.ok(meter.boot());
  for (let t = 0; t < RUN_S; t++) meter.reading(t);
  assert.ok(log.length > 1000, "writes in the run: " + log.length);
  for (const w of log) assert.ok(w.addr === 0 || w.addr === RECORD_BYTES, "only the two ring slots are written");

  const bound = STEP_WH + maxReadingWh();
  const image = new Uint8Array(RING); // the ring before write k
  const lastRestored = new Float64Array(4);
  let cuts = 0, maxLoss = 0, noRecord = 0;
  for (let k = 0; k < log.length; k++) {
    const w = log[k];
    for (let kept = 0; kept <= RECORD_BYTES; kept++) {
      const fram = new FramModel();
      fram.bytes.set(image);
      fram.bytes.set(w.data.subarray(0, kept), w.addr);
      const m = new MeterUnderTest(fram);
      cuts++;
      const where = "write " + k + ", " + kept + " bytes kept";
      // the newest whole record is restored, byte for byte (a torn write whose untouched
      // tail already held the new bytes is a whole write: 1 in 256 at 127 bytes kept)
      let whole = true;
      for (let i = kept; i < RECORD_BYTES && whole; i++) whole = image[w.addr + i] === w.data[i];
      const j = whole ? k : k - 1;
      if (j < 0) {
        assert.equal(m.restored, false, where);
        noRecord++;
      } else {
        assert.ok(m.restored, where + ": a record restored");
        assert.deepEqual(fram.read(m.store.newestSlot * RECORD_BYTES, RECORD_BYTES), log[j].data, where + ": not the record of write " + j);
      }
      for (let r = 0; r < 4; r++) {
        const got = m.regs.units(r);
        assert.ok(got >= lastRestored[r], where + ": register " + r + " went back from " + lastRestored[r] + " to " + got);
        assert.ok(got <= w.truth[r] + 1e-9, where + ": register " + r + " above the truth");
        const loss = w.truth[r] - got;
        if (loss > maxLoss) maxLoss = loss;
        assert.ok(loss <= bound, where + ": register " + r + " lost " + loss + " Wh > " + bound);
        lastRestored[r] = got;
      }
      // relay: as last written whole, and driven to it
      if (j >= 0) assert.equal(m.pin.driven, log[j].data[7] === 255 ? 1 : log[j].data[7], where + ": relay");
      if (m.relay.bootFrom === "restored") assert.ok(m.pin.driven === w.relayDriven || whole, where + ": relay restored to a state it was never in or commanded to");
      // freshness: the sync answered stays stale, the new epoch is above every epoch used
      const rx = m.kv.get("rxsync");
      if (w.lastSyncAccepted >= 0) assert.ok(rx !== undefined && parseInt(rx, 10) >= w.lastSyncAccepted, where + ": sync state " + rx + " below the answered " + w.lastSyncAccepted);
      assert.ok(m.boot(), where + ": boot epoch persisted");
      assert.ok(m.epochNow > w.maxEpochUsed, where + ": epoch " + m.epochNow + " reused (used up to " + w.maxEpochUsed + ")");
    }
    image.set(w.data, w.addr);
  }
  assert.equal(cuts, log.length * (RECORD_BYTES + 1));
  console.log(`# power cuts: ${cuts} cut points (${log.length} writes x ${RECORD_BYTES + 1}), ${noRecord} before the first whole record; ` +
    `largest loss ${maxLoss.toFixed(3)} Wh, bound ${bound.toFixed(3)} Wh (stepWh ${STEP_WH} + one reading at 13.8 kW)`);
});

test("linear power cuts: a 3-hour run cut after 1..7 writes of every boot, each restart continuing", () => {
  const fram = new FramModel();
  const bound = STEP_WH + maxReadingWh();
  let t = 0, boots = 0, maxLoss = 0;
  const last = new Float64Array(4);
  let maxEpochUsed = -1, lastSync = -1;
  while (t < RUN_S) {
    fram.powerOn();
    const m = new MeterUnderTest(fram);
    boots++;
    for (let r = 0; r < 4; r++) {
      const got = m.regs.units(r);
      assert.ok(got >= last[r] - bound && got <= last[r] + 1e-9, "boot " + boots + ": register " + r + " restored " + got + " against " + last[r]);
      if (last[r] - got > maxLoss) maxLoss = last[r] - got;
    }
    const rx = m.kv.get("rxsync");
    if (lastSync >= 0) assert.ok(rx !== undefined && parseInt(rx, 10) >= lastSync, "boot " + boots + ": sync state went back");
    fram.armCut(1 + (boots % 7), (boots * 53) % (RECORD_BYTES + 1));
    if (!m.boot() || !fram.powered) { for (let r = 0; r < 4; r++) last[r] = m.regs.units(r); continue; }
    assert.ok(m.epochNow > maxEpochUsed, "boot " + boots + ": epoch reused");
    while (t < RUN_S && fram.powered) {
      m.reading(t);
      t++;
    }
    maxEpochUsed = Math.max(maxEpochUsed, m.maxEpochUsed);
    lastSync = Math.max(lastSync, m.lastSyncAccepted);
    for (let r = 0; r < 4; r++) last[r] = m.regs.units(r);
  }
  assert.ok(boots > 300, "boots: " + boots);
  console.log(`# linear: ${boots} power cuts over ${RUN_S} s; largest loss at a restart ${maxLoss.toFixed(3)} Wh (bound ${bound.toFixed(3)})`);
});
