/**
 * The meter's billing state on the FRAM: `slots` records of RECORD_BYTES (billingRecord.ts)
 * written in turn, so the record being written is never the newest valid one. At boot
 * the valid record (magic, version, CRC, sane values) with the highest sequence number
 * is restored; a power cut during a write costs that write only (the slot before it
 * still holds the previous state).
 *
 * When it writes (configurable, meternet.json "persist"): after any energy register
 * advanced by stepWh since the last write, after everyS of readings with any change,
 * at once for the relay, the freshness epoch and the sync state (they must be durable
 * before they are used), and for each 10-minute aggregate. The energy a power cut can
 * lose is then below stepWh per register plus the energy of one check period (the
 * app checks once per 'reading' event, once a second): README.md "Power cuts".
 */
import { FramPort } from "../ports/fram";
import { EnergyState, RegisterState } from "../metering/readings";
import { KvStore } from "../ports/kvStore";
import { BillingState, RECORD_BYTES, REGISTERS, AGG_FIELDS, Crc32, encodeRecord, decodeRecord } from "./billingRecord";

export interface BillingStoreOptions {
  fram: FramPort;
  /** First byte of the ring on the part. */
  baseAddr: number;
  /** Records in the ring, >= 2. */
  slots: number;
  crc32: Crc32;
  /** Write once any register advanced by this much, Wh (varh), > 0. */
  stepWh: number;
  /** Write after this long with any unsaved change, s. */
  everyS: number;
}

/** What MeterADC.getEnergy() returns and setEnergy() takes. */
export type EnergyLike = EnergyState;
type ByName = { [register: string]: RegisterState };

export class BillingStore {
  /** The state as last written (or restored). */
  readonly saved = new BillingState();
  /** The state now (saved plus what is not written yet). */
  readonly now = new BillingState();
  /** Slot the newest valid record is in (-1: none found at boot). */
  newestSlot = -1;
  /** Slots found valid at boot, writes done, writes failed (bus error or exception), registers seen going down. */
  validAtBoot = 0;
  writes = 0;
  writeFails = 0;
  backwards = 0;
  lastWriteS = NaN;
  private readonly o: BillingStoreOptions;
  private readonly buf = new Uint8Array(RECORD_BYTES);

  constructor(o: BillingStoreOptions) {
    if (!(o.slots >= 2) || o.baseAddr + o.slots * RECORD_BYTES > o.fram.sizeBytes) throw new Error("billing ring of " + o.slots + " records at " + o.baseAddr + " does not fit the " + o.fram.sizeBytes + "-byte FRAM (needs >= 2 slots)");
    if (!(o.stepWh > 0 && o.everyS > 0)) throw new Error("persist.stepWh and persist.everyS must be > 0");
    this.o = o;
  }

  /**
   * Reads every slot and keeps the newest valid record as `saved` and `now`; returns
   * true when one was found (false: a new part, or every slot damaged: all zero).
   * Throws when the FRAM does not answer.
   */
  restore(): boolean {
    const s = new BillingState();
    let best = -1;
    this.validAtBoot = 0;
    for (let k = 0; k < this.o.slots; k++) {
      const b = this.o.fram.read(this.o.baseAddr + k * RECORD_BYTES, RECORD_BYTES);
      if (!decodeRecord(b, s, this.o.crc32)) continue;
      this.validAtBoot++;
      if (best < 0 || s.seq > this.saved.seq) {
        best = k;
        this.saved.copyFrom(s);
      }
    }
    this.newestSlot = best;
    this.now.copyFrom(this.saved);
    return best >= 0;
  }

  /** The restored registers in MeterADC.setEnergy's shape, or null when nothing was restored. */
  energy(): EnergyLike | null {
    if (this.newestSlot < 0) return null;
    const e: ByName = {};
    for (let r = 0; r < 4; r++) e[REGISTERS[r]] = { milli: this.saved.energy[2 * r], frac: this.saved.energy[2 * r + 1] };
    return e as unknown as EnergyLike;
  }

  /** Register r (REGISTERS order) as last written, Wh or varh: what the meter publishes. */
  savedUnits(r: number): number {
    return (this.saved.energy[2 * r] + this.saved.energy[2 * r + 1]) / 1000;
  }

  /** Register r (REGISTERS order) now, Wh or varh. */
  units(r: number): number {
    return (this.now.energy[2 * r] + this.now.energy[2 * r + 1]) / 1000;
  }

  /**
   * New register values (MeterADC.getEnergy()) at UTC nowS: written when a register
   * advanced by stepWh or everyS passed with a change. A register lower than the state
   * (never, unless the chain was reset) is counted in `backwards` and not taken: the
   * stored value never goes down. Returns true when a record was written.
   */
  update(e: EnergyLike, nowS: number): boolean {
    const n = this.now.energy, s = this.saved.energy;
    let changed = false, step = false;
    for (let r = 0; r < 4; r++) {
      const x = (e as unknown as ByName)[REGISTERS[r]];
      if (!x) continue;
      const m = x.milli, f = x.frac;
      if (m < n[2 * r] || (m === n[2 * r] && f < n[2 * r + 1])) { this.backwards++; continue; }
      if (m === n[2 * r] && f === n[2 * r + 1]) continue;
      n[2 * r] = m;
      n[2 * r + 1] = f;
      changed = true;
      if ((m - s[2 * r]) + (f - s[2 * r + 1]) >= this.o.stepWh * 1000) step = true;
    }
    if (isNaN(this.lastWriteS)) this.lastWriteS = nowS;
    const dirty = changed || this.pending();
    if (step || (dirty && nowS - this.lastWriteS >= this.o.everyS)) return this.write(nowS);
    return false;
  }

  /** The relay's commanded state (true closed); written at once. False when the write failed. */
  setRelay(closed: boolean): boolean {
    this.now.relay = closed ? 1 : 0;
    return this.write(this.lastWriteS);
  }

  /** The last 10-minute aggregate (UTC end, quantities, flags); written at once. */
  setAggregate(endS: number, a: { [field: string]: unknown }, flagged: boolean, complete: boolean): boolean {
    this.now.aggEndS = endS;
    for (let i = 0; i < AGG_FIELDS.length; i++) this.now.agg[i] = a[AGG_FIELDS[i]] as number;
    this.now.aggFlags = (flagged ? 1 : 0) | (complete ? 2 : 0);
    return this.write(this.lastWriteS);
  }

  /** Anything in `now` that is not in `saved`. */
  private pending(): boolean {
    const a = this.now, b = this.saved;
    for (let i = 0; i < 8; i++) if (a.energy[i] !== b.energy[i]) return true;
    return a.relay !== b.relay || a.txEpoch !== b.txEpoch || a.rxSync !== b.rxSync;
  }

  /** Writes `now` as the next record into the slot after the newest. */
  write(nowS: number): boolean {
    const slot = (this.newestSlot + 1) % this.o.slots;
    const next = this.now;
    next.seq = this.saved.seq + 1;
    encodeRecord(next, this.buf, this.o.crc32);
    let ok = false;
    try {
      ok = this.o.fram.write(this.o.baseAddr + slot * RECORD_BYTES, this.buf);
    } catch (e) {
      ok = false;
    }
    if (!ok) {
      this.writeFails++;
      next.seq = this.saved.seq;
      return false;
    }
    this.writes++;
    this.newestSlot = slot;
    this.saved.copyFrom(next);
    this.lastWriteS = nowS;
    return true;
  }

  /**
   * The KvStore MeterNode keeps its freshness in ("txepoch", "rxsync"), on this record:
   * set() writes a record before returning, as the port's contract asks. Other keys,
   * and a key this FRAM never held (a meter that kept them in Storage before), are read
   * from `legacy`, so an upgraded meter continues its epochs instead of reusing them.
   */
  freshnessStore(legacy: KvStore): KvStore {
    const self = this;
    return {
      get(key: string): string | undefined {
        // The larger of the two: neither an older FRAM record nor an older Storage file
        // may make the meter reuse an epoch or accept an old sync request again.
        const l = legacy.get(key);
        const lv = l === undefined ? -1 : parseInt(l, 10);
        const f = key === "txepoch" ? self.now.txEpoch : key === "rxsync" ? self.now.rxSync : -1;
        if (f >= 0 && (f > 0 || key === "rxsync") && !(lv > f)) return String(f);
        return l;
      },
      set(key: string, value: string): boolean {
        const v = parseInt(value, 10);
        if (key === "txepoch" && v > 0) self.now.txEpoch = v;
        else if (key === "rxsync" && v >= 0) self.now.rxSync = v;
        else return legacy.set(key, value);
        return self.write(self.lastWriteS);
      },
    };
  }
}
