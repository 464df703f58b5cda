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
import { KvStore } from "../ports/kvStore";
import { EnergyState, RegisterState } from "../metering/readings";
import { RECORD_BYTES, REGISTERS, AGG_FIELDS, FIELDS, S_SEQ, S_RELAY, S_ENERGY, S_TX, S_RX, S_AGG_END, S_AGG, S_AGG_FLAGS, Crc32, emptyState, encodeRecord, decodeRecord } from "./billingRecord";

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

type ByName = { [register: string]: RegisterState };

export class BillingStore {
  /** The state as last written or restored, and the state now (with what is not written yet): billingRecord.ts S_* fields. */
  readonly saved = emptyState();
  readonly now = emptyState();
  /** Slot the newest valid record is in (-1: none). */
  newestSlot = -1;
  /** Writes done, writes failed (bus error), register values refused for going down. */
  writes = 0;
  writeFails = 0;
  backwards = 0;
  lastWriteS = NaN;
  private readonly o: BillingStoreOptions;
  private readonly buf = new Uint8Array(RECORD_BYTES);

  constructor(o: BillingStoreOptions) {
    if (!(o.slots >= 2 && o.baseAddr + o.slots * RECORD_BYTES <= o.fram.sizeBytes && o.stepWh > 0 && o.everyS > 0)) throw new Error("billing ring does not fit the FRAM, or stepWh/everyS not > 0");
    this.o = o;
  }

  /**
   * Reads every slot and keeps the newest valid record as `saved` and `now`; true when
   * one was found (false: a new part or every slot damaged: all zero). Throws when the
   * FRAM does not answer.
   */
  restore(): boolean {
    const o = this.o, s = emptyState();
    let best = -1;
    for (let k = 0; k < o.slots; k++) {
      if (!decodeRecord(o.fram.read(o.baseAddr + k * RECORD_BYTES, RECORD_BYTES), s, o.crc32)) continue;
      if (best < 0 || s[S_SEQ] > this.saved[S_SEQ]) {
        best = k;
        this.saved.set(s);
      }
    }
    this.newestSlot = best;
    this.now.set(this.saved);
    return best >= 0;
  }

  /** The restored registers in MeterADC.setEnergy's shape, or null when nothing was restored. */
  energy(): EnergyState | null {
    if (this.newestSlot < 0) return null;
    const e: ByName = {};
    for (let r = 0; r < 4; r++) e[REGISTERS[r]] = { milli: this.saved[S_ENERGY + 2 * r], frac: this.saved[S_ENERGY + 2 * r + 1] };
    return e as unknown as EnergyState;
  }

  /** Register r (REGISTERS order) as last written, Wh or varh: what the meter publishes. */
  savedUnits(r: number): number {
    return (this.saved[S_ENERGY + 2 * r] + this.saved[S_ENERGY + 2 * r + 1]) / 1000;
  }

  /**
   * New register values (MeterADC.getEnergy()) at UTC nowS: written when a register
   * advanced by stepWh or everyS passed with a change. A register lower than the state
   * (never, unless the chain was reset) is counted in `backwards` and not taken: the
   * stored value never goes down. Returns true when a record was written.
   */
  update(e: EnergyState, nowS: number): boolean {
    const n = this.now, s = this.saved;
    let step = false;
    for (let r = 0; r < 4; r++) {
      const x = (e as unknown as ByName)[REGISTERS[r]];
      const i = S_ENERGY + 2 * r, m = x.milli, f = x.frac;
      if (m < n[i] || (m === n[i] && f < n[i + 1])) { this.backwards++; continue; }
      n[i] = m;
      n[i + 1] = f;
      if (m - s[i] + (f - s[i + 1]) >= this.o.stepWh * 1000) step = true;
    }
    if (isNaN(this.lastWriteS)) this.lastWriteS = nowS;
    if (step || (nowS - this.lastWriteS >= this.o.everyS && this.pending())) return this.write(nowS);
    return false;
  }

  /** The relay's commanded state (true closed); written at once. False when the write failed. */
  setRelay(closed: boolean): boolean {
    this.now[S_RELAY] = closed ? 1 : 0;
    return this.write(this.lastWriteS);
  }

  /** The last 10-minute aggregate (UTC end, quantities by AGG_FIELDS name, flags); written at once. */
  setAggregate(endS: number, a: { [field: string]: unknown }, flagged: boolean, complete: boolean): boolean {
    const n = this.now;
    n[S_AGG_END] = endS;
    for (let i = 0; i < 6; i++) n[S_AGG + i] = a[AGG_FIELDS[i]] as number;
    n[S_AGG_FLAGS] = (flagged ? 1 : 0) | (complete ? 2 : 0);
    return this.write(this.lastWriteS);
  }

  /** Anything in `now` that is not in `saved` (the sequence number aside). */
  private pending(): boolean {
    for (let i = 1; i < FIELDS; i++) if (this.now[i] !== this.saved[i] && this.now[i] === this.now[i]) return true;
    return false;
  }

  /** Writes `now` as the next record into the slot after the newest. */
  write(nowS: number): boolean {
    const o = this.o, slot = (this.newestSlot + 1) % o.slots, n = this.now;
    n[S_SEQ] = this.saved[S_SEQ] + 1;
    encodeRecord(n, this.buf, o.crc32);
    let ok = false;
    try {
      ok = o.fram.write(o.baseAddr + slot * RECORD_BYTES, this.buf);
    } catch (e) {
      ok = false;
    }
    if (!ok) {
      this.writeFails++;
      n[S_SEQ] = this.saved[S_SEQ];
      return false;
    }
    this.writes++;
    this.newestSlot = slot;
    this.saved.set(n);
    this.lastWriteS = nowS;
    return true;
  }

  /**
   * The KvStore MeterNode keeps its freshness in ("txepoch", "rxsync"), on this record:
   * set() writes a record before returning, as the port's contract asks. Other keys
   * go to `legacy` (Storage), and get() returns the larger of the record's and
   * legacy's value, so a meter that kept them in Storage before continues its epochs
   * and never accepts an old sync request again.
   */
  freshnessStore(legacy: KvStore): KvStore {
    const self = this;
    function field(key: string): number {
      return key === "txepoch" ? S_TX : key === "rxsync" ? S_RX : -1;
    }
    return {
      get(key: string): string | undefined {
        const l = legacy.get(key), k = field(key);
        const f = k < 0 ? -1 : self.now[k];
        // txepoch 0 and rxsync -1 mean "never stored"
        return (k === S_TX ? f > 0 : f >= 0) && !(parseInt(l as string, 10) > f) ? String(f) : l;
      },
      set(key: string, value: string): boolean {
        const k = field(key), v = parseInt(value, 10);
        if (!(k >= 0 && v >= 0)) return legacy.set(key, value);
        self.now[k] = v;
        return self.write(self.lastWriteS);
      },
    };
  }
}
