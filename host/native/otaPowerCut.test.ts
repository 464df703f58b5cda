/**
 * Power cuts through a whole OTA update of one meter, exhaustively (issue 18 part 4):
 * the meter's C (otaMeterLink.c with its receiver, otaBoot.c's record) fed by the
 * aggregator's C (otaAggLink.c) frame by frame, over host models of the three stores
 * that keep state across a cut:
 *
 * - FRAM (host/runtime/fram.ts FramModel): the billing ring at 0..255 (modules/persist,
 *   the energy registers, as app/meter writes it), the boot record's two copies at 256,
 *   the OTA counters at 384;
 * - the NOR (two script slots of 24 576 B, each with its meta record, size and SHA-256, at
 *   22 528, as ota/otaNorStaging.h lays them out): erase sets 0xFF, a program only onto erased bytes;
 * - Storage: the running script (.bootcde) and meternet.json (address and key); the boot
 *   hook replaces .bootcde by a new file (one operation: Espruino writes the new header
 *   before it drops the old file) written in 64-byte pieces (one operation each).
 *
 * The update: manifest (the inactive slot marked invalid, then erased), the chunks
 * (a reading every 50 chunks, the billing store writing as it does on the meter), the
 * verification, the commit (the slot's meta record, then valid, then switched), the
 * reboot (the device's boot hook, otaBootHook.c through the addon: the record's decision,
 * then the active slot copied into Storage while the record says COPY), the trial and its
 * confirmation. Every write and erase of all three stores is a cut point:
 * power is cut before it, and (FRAM writes) in the middle of it. After each cut the meter
 * boots on what the stores hold and the test checks that it runs a complete script, the
 * old one or the new one, the new one only once verified and switched, byte for byte
 * what its slot's recorded SHA-256 says; that the energy registers restore within one
 * write step of the truth and never above it; and that meternet.json is untouched.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { FramModel, PowerCut } from "../runtime/fram.ts";
import type { FramPort } from "../../modules/ports/fram.ts";
import { MeterUnderTest, STEP_WH } from "../../modules/persist/testing.ts";
import { otaAddon, OTA_EV_END, OTA_EV_START, OTA_PH_DONE, BOOT_F_VALID_A, RESET_POWER, type NativeOtaBoot } from "./ota.ts";
import { secocAddon } from "./secoc.ts";

const SLOT_BYTES = otaAddon().slotBytes;
const META_AT = otaAddon().slotMetaOffset; // in each slot: the meta record (otaBootHook.h)
const BOOT_AT = 256;
const COUNTERS_AT = 384; // two copies of [seq u32, stored u32, restart u32, crc u32]
const MASTER = new Uint8Array(16).fill(0x42);
const ADDRESS = 5;

function image(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; b[i] = x >>> 24; }
  return b;
}
const OLD = image(6000, 1);
const NEW = image(6100, 2);
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** Counts every write/erase of the three stores; throws PowerCut at the armed one. */
class CutPlan {
  ops = 0;
  cutAt = -1;
  /** FRAM writes torn in the middle instead of cut before. */
  tear = false;
  /** Power is gone: every later operation fails too (the billing store swallows its write's failure). */
  off = false;
  step(fram?: FramModel): void {
    if (this.off) throw new PowerCut("off");
    if (this.ops === this.cutAt) {
      this.off = true;
      this.ops++;
      if (fram && this.tear) { fram.armCut(0, 1); return; } // the write stores its first byte, then power goes
      throw new PowerCut("cut before op " + this.cutAt);
    }
    this.ops++;
  }
}

class World {
  readonly fram = new FramModel();
  readonly nor = [new Uint8Array(SLOT_BYTES).fill(0xff), new Uint8Array(SLOT_BYTES).fill(0xff)];
  readonly storage = new Map<string, Uint8Array>();
  plan = new CutPlan();
  truthWh = 0;

  framPort(): FramPort {
    const w = this;
    return { sizeBytes: w.fram.sizeBytes, read: (a, n) => w.fram.read(a, n), write: (a, d) => { w.plan.step(w.fram); return w.fram.write(a, d); } };
  }
  framAt(base: number) {
    const p = this.framPort();
    return { read: (o: number, n: number) => p.read(base + o, n), write: (o: number, d: Uint8Array) => { p.write(base + o, d); return 0; } };
  }
  /** The boot hook's io (otaBootHook.h mn_boot_io_t): the NOR slots and Storage's .bootcde. */
  hookIo() {
    const w = this;
    return {
      slotRead: (slot: number, off: number, n: number) => w.nor[slot].slice(off, off + n),
      slotErase: (slot: number) => { w.norErase(slot); return 0; },
      slotProgram: (slot: number, off: number, d: Uint8Array) => w.norProgram(slot, off, d),
      storageSize: () => { const f = w.storage.get(".bootcde"); return f ? f.length : -1; },
      storageRead: (off: number, n: number) => (w.storage.get(".bootcde") as Uint8Array).slice(off, off + n),
      storageCreate: (n: number) => { w.plan.step(); w.storage.set(".bootcde", new Uint8Array(n).fill(0xff)); return 0; },
      storageWrite: (off: number, d: Uint8Array) => { w.plan.step(); (w.storage.get(".bootcde") as Uint8Array).set(d, off); return 0; },
    };
  }
  norErase(slot: number): void {
    this.plan.step();
    this.nor[slot].fill(0xff);
  }
  norProgram(slot: number, off: number, d: Uint8Array): number {
    this.plan.step();
    for (let i = 0; i < d.length; i++) if (this.nor[slot][off + i] !== 0xff) return -1;
    this.nor[slot].set(d, off);
    return 0;
  }
  /** [stored, restart] from the newer valid copy. */
  counters(): [number, number] {
    let best: number[] | null = null;
    for (let k = 0; k < 2; k++) {
      const b = this.fram.read(COUNTERS_AT + 16 * k, 16);
      const v = new DataView(b.buffer, b.byteOffset);
      const words = [v.getUint32(0), v.getUint32(4), v.getUint32(8), v.getUint32(12)];
      if (words[3] !== crc(b.subarray(0, 12))) continue;
      if (!best || words[0] > best[0]) best = words;
    }
    return best ? [best[1], best[2]] : [0, 0];
  }
  setCounters(stored: number, restart: number): void {
    let seq = 0, older = 0;
    const seqs: number[] = [];
    for (let k = 0; k < 2; k++) {
      const b = this.fram.read(COUNTERS_AT + 16 * k, 16);
      const v = new DataView(b.buffer, b.byteOffset);
      seqs.push(v.getUint32(12) === crc(b.subarray(0, 12)) ? v.getUint32(0) : -1);
    }
    seq = Math.max(seqs[0], seqs[1]) + 1;
    older = seqs[0] <= seqs[1] ? 0 : 1;
    const b = new Uint8Array(16);
    const v = new DataView(b.buffer);
    v.setUint32(0, seq); v.setUint32(4, stored); v.setUint32(8, restart); v.setUint32(12, crc(b.subarray(0, 12)));
    this.framPort().write(COUNTERS_AT + 16 * older, b);
  }
  /** The slot's meta record as the device's commit writes it (otaAddon().slotMeta: the C's encoder). */
  programMeta(slot: number, bytes: Uint8Array): number {
    return this.norProgram(slot, META_AT, otaAddon().slotMeta(bytes.length, 0, new Uint8Array(createHash("sha256").update(bytes).digest())));
  }
  metaSha(slot: number): { size: number; sha: string } {
    const b = this.nor[slot].subarray(META_AT, META_AT + 48);
    const v = new DataView(b.buffer, b.byteOffset);
    return { size: v.getUint32(4, true), sha: Buffer.from(b.subarray(12, 44)).toString("hex") };
  }
}

function crc(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) { c ^= x; for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1; }
  return (c ^ 0xffffffff) >>> 0;
}

const CONFIG = new TextEncoder().encode(JSON.stringify({ address: ADDRESS, keyHex: Buffer.from(secocAddon().meterKey(MASTER, ADDRESS)).toString("hex") }));

function factory(w: World): void {
  const boot = new (otaAddon().OtaBoot)(w.framAt(BOOT_AT));
  boot.setRecord(0, BOOT_F_VALID_A);
  boot.save();
  w.nor[0].set(OLD);
  w.nor[0].set(otaAddon().slotMeta(OLD.length, 0, new Uint8Array(createHash("sha256").update(OLD).digest())), META_AT);
  w.setCounters(4, 0);
  w.storage.set(".bootcde", OLD);
  w.storage.set("meternet.json", CONFIG);
}

interface Booted { boot: NativeOtaBoot; slot: number; meter: MeterUnderTest }

/** The device's boot hook (otaBootHook.c), then the meter's JavaScript boot (billing restore). */
function bootDevice(w: World): Booted {
  const boot = new (otaAddon().OtaBoot)(w.framAt(BOOT_AT));
  const [rc, slot] = boot.hook(w.hookIo(), RESET_POWER);
  assert.equal(rc, 0, "the boot hook did its steps");
  assert.ok(slot === 0 || slot === 1, "a slot to run");
  const m = w.metaSha(slot);
  assert.equal(sha(w.nor[slot].subarray(0, m.size)), m.sha, "the active slot holds the script its meta's SHA-256 names");
  assert.equal(sha(w.storage.get(".bootcde") as Uint8Array), m.sha, "Storage runs the active slot's script");
  const meter = new MeterUnderTest(w.framPort());
  meter.boot();
  return { boot, slot, meter };
}

/** One whole update from a booted meter; the truth of the registers follows every reading. */
function update(w: World, b: Booted): void {
  let t = 1000;
  // a reading that began before the cut measured real energy: it is in the truth
  const reading = () => { const on = !w.plan.off; b.meter.reading(t++); if (on) w.truthWh = b.meter.regs.units(0); };
  const [stored, restart] = w.counters();
  const inactive = b.slot ^ 1;
  let switched = false;
  const meter = new (otaAddon().OtaMeter)(secocAddon().meterKey(MASTER, ADDRESS), ADDRESS, 1, stored, restart, SLOT_BYTES, {
    erase: () => {
      // the inactive slot is marked invalid before it is erased (otaBoot.h)
      if (b.boot.beginStaging() !== 0) return -1;
      w.norErase(inactive);
      return 0;
    },
    write: (off, d) => w.norProgram(inactive, off, d),
    read: (off, n) => w.nor[inactive].slice(off, off + n),
    commit: () => {
      // the slot's meta record, then valid, then active in trial: one write each (jswrap_ota.c ota_commit)
      if (w.programMeta(inactive, w.nor[inactive].subarray(0, NEW.length)) !== 0) return -1;
      if (b.boot.staged() !== 0 || b.boot.switchSlot() !== 0) return -1;
      w.setCounters(w.counters()[0], 0);
      switched = true;
      return 0;
    },
  });
  const agg = new (otaAddon().OtaAgg)(NEW, MASTER, new Uint8Array([ADDRESS]), { version: 2, counter: 5, image: 1, tag: 9 }, true, 0);
  const ev = new Uint32Array(2);
  const buf = new Uint8Array(8);
  let now = 0, chunks = 0;
  while (agg.phase() < OTA_PH_DONE) {
    assert.ok(now < 600000, "the update ends");
    agg.tick(now);
    agg.pump((id, d) => { meter.frame(id, 8, d, now); return 0; });
    meter.tick(now);
    meter.pump((id, d) => { agg.frame(id, 8, d, now); return 0; });
    const id = agg.chunk(buf);
    if (id >= 0) {
      meter.frame(id, 8, buf, now);
      if (++chunks % 50 === 0) reading();
    } else now += 5;
    let type: number;
    while ((type = meter.event(ev)) !== 0) {
      // the meter's JavaScript persists the counter first thing, with "receiving" for a restart
      if (type === OTA_EV_START) w.setCounters(ev[0], ev[0]);
      if (type === OTA_EV_END) assert.ok(switched);
    }
  }
  assert.ok(switched, "the update switched");
  // the reboot into the new script, its trial (readings), its confirmation
  const after = bootDevice(w);
  for (let i = 0; i < 20; i++) { const on = !w.plan.off; after.meter.reading(t++); if (on) w.truthWh = after.meter.regs.units(0); }
  assert.equal(after.boot.confirm(), 0);
}

test("power cut at every write and erase of a whole update: the meter boots a whole script, old or new, and keeps its registers, address and key", () => {
  // the run without a cut: how many operations, and that it ends on the new script
  const clean = new World();
  factory(clean);
  const b0 = bootDevice(clean);
  for (let i = 0; i < 300; i++) b0.meter.reading(i);
  const opsBefore = clean.plan.ops;
  update(clean, b0);
  const total = clean.plan.ops - opsBefore;
  assert.deepEqual(clean.storage.get(".bootcde"), NEW);
  assert.ok(total > Math.ceil(NEW.length / 6), "every chunk's program is an operation: " + total);

  const outcomes = { old: 0, new: 0, cuts: 0, torn: 0 };
  const maxStep = STEP_WH + 20; // one write step plus the readings between writes, Wh (household: < 20 Wh per 50 chunks' reading)
  for (let k = 0; k < total; k++) {
    for (const tear of [false, true]) {
      const w = new World();
      factory(w);
      const b = bootDevice(w);
      for (let i = 0; i < 300; i++) b.meter.reading(i);
      w.truthWh = b.meter.regs.units(0);
      w.plan.cutAt = w.plan.ops + k;
      w.plan.tear = tear;
      let cut = false;
      try {
        update(w, b);
      } catch (e) {
        if (!(e instanceof PowerCut)) throw e;
        cut = true;
      }
      if (!cut && !w.plan.off) continue;
      if (tear && w.fram.powered) continue; // not a FRAM write: the plain cut, counted once
      outcomes.cuts++;
      if (tear) outcomes.torn++;
      w.fram.powerOn();
      w.plan.cutAt = -1;
      w.plan.off = false;
      const r = bootDevice(w);
      const running = w.storage.get(".bootcde") as Uint8Array;
      const rec = r.boot.record();
      if (sha(running) === sha(NEW)) {
        outcomes.new++;
        assert.equal(rec[1], 1, "the new script runs only from slot B, switched");
      } else {
        assert.equal(sha(running), sha(OLD), "cut " + k + (tear ? " torn" : "") + ": the old script, whole");
        outcomes.old++;
      }
      assert.deepEqual(w.storage.get("meternet.json"), CONFIG, "address and key untouched");
      const restored = r.meter.regs.units(0);
      assert.ok(restored <= w.truthWh + 1e-9, `cut ${k}: registers ${restored} above the truth ${w.truthWh}`);
      assert.ok(w.truthWh - restored <= maxStep, `cut ${k}: registers ${restored} lost more than ${maxStep} Wh of ${w.truthWh}`);
    }
  }
  console.log(`# ${total} write/erase operations in a whole update; ${outcomes.cuts} cut points (${outcomes.torn} FRAM writes torn): ${outcomes.old} booted the old script, ${outcomes.new} the new one, all whole, registers, address and key kept`);
  assert.ok(outcomes.old > 0 && outcomes.new > 0);
});
