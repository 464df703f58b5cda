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
 * app checks once per 'reading' event, once a second): README.md.
 */
import { FramPort } from "../ports/fram";
import { KvStore } from "../ports/kvStore";
import { EnergyState, RegisterState } from "../metering/readings";
import { RECORD_BYTES, B_RELAY, U_SEQ, F_ENERGY, U_TX, F_RX, F_AGG_END, G_AGG, B_AGG_FLAGS, Crc32, Record, decodeRecord, aggOf } from "./billingRecord";

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


export class BillingStore {
  /** The state as last written or restored, and the state now (with what is not written yet). */
  readonly saved = new Record();
  readonly now = new Record();
  /** Slot the newest valid record is in (-1: none). */
  newestSlot = -1;
  /** Writes done, writes failed (bus error), register values refused for going down. */
  writes = 0;
  writeFails = 0;
  backwards = 0;
  lastWriteS = NaN;
  /** Its options (restoreBilling reads the ring's place in them). */
  readonly o: BillingStoreOptions;

  constructor(o: BillingStoreOptions) {
    if (!(o.slots >= 2 && o.baseAddr + o.slots * RECORD_BYTES <= o.fram.sizeBytes && o.stepWh > 0 && o.everyS > 0)) throw new Error("billing ring does not fit the FRAM, or stepWh/everyS not > 0");
    this.o = o;
  }

  /** Register r (REGISTERS order) as last written, Wh or varh: what the meter publishes. */
  savedUnits(r: number): number {
    const f = this.saved.f64;
    return (f[F_ENERGY + 2 * r] + f[F_ENERGY + 2 * r + 1]) / 1000;
  }

  /**
   * New register values (MeterADC.getEnergy()) at nowS (s): written when a register
   * advanced by stepWh or everyS passed with a change. A register lower than the state
   * (never, unless the chain was reset) is counted in `backwards` and not taken: the
   * stored value never goes down. Returns true when a record was written.
   */
  update(e: EnergyState, nowS: number): boolean {
    // Unrolled (one call per register, no name lookups): this runs once a second.
    let w = this.take(e.importWh, 1) | this.take(e.exportWh, 3) | this.take(e.importVarh, 5) | this.take(e.exportVarh, 7);
    if (!(nowS - this.lastWriteS < this.o.everyS)) {
      if (isNaN(this.lastWriteS)) this.lastWriteS = nowS;
      // a register differs from the last record (the timer's check, once per everyS; written
      // here, not as a method held for good)
      else for (let i = F_ENERGY; i < F_ENERGY + 8; i++) if (this.now.f64[i] !== this.saved.f64[i]) w = 1;
    }
    return w > 0 && this.write(nowS);
  }

  /** Takes register x into f64[i], f64[i + 1]; 1 when it advanced by stepWh since the last record. */
  private take(x: RegisterState, i: number): number {
    const n = this.now.f64, m = x.milli, f = x.frac;
    if (m + f < n[i] + n[i + 1]) { this.backwards++; return 0; }
    n[i] = m;
    n[i + 1] = f;
    const s = this.saved.f64;
    return m - s[i] + f - s[i + 1] >= this.o.stepWh * 1000 ? 1 : 0;
  }

  /** The relay's commanded state (true closed); written at once. False when the write failed. */
  setRelay(closed: boolean): boolean {
    this.now.bytes[B_RELAY] = closed ? 1 : 0;
    return this.write(this.lastWriteS);
  }

  /** The last 10-minute aggregate (UTC end, quantities by AGG_FIELDS name, flags); written at once. */
  setAggregate(endS: number, a: { [field: string]: unknown }, flagged: boolean, complete: boolean): boolean {
    const n = this.now;
    n.f64[F_AGG_END] = endS;
    // AGG_FIELDS order, spelled out (no table of names held by the bundle)
    const g = aggOf(n);
    g[G_AGG] = a.vRmsV as number; g[G_AGG + 1] = a.iRmsA as number; g[G_AGG + 2] = a.pW as number;
    g[G_AGG + 3] = a.qVar as number; g[G_AGG + 4] = a.fHz as number; g[G_AGG + 5] = a.thdVPct as number;
    n.bytes[B_AGG_FLAGS] = (flagged ? 1 : 0) | (complete ? 2 : 0);
    return this.write(this.lastWriteS);
  }

  /** Writes `now` as the next record into the slot after the newest. */
  write(nowS: number): boolean {
    const o = this.o, slot = (this.newestSlot + 1) % o.slots, n = this.now;
    n.u32[U_SEQ] = this.saved.u32[U_SEQ] + 1;
    n.seal(o.crc32);
    let ok = false;
    try {
      ok = o.fram.write(o.baseAddr + slot * RECORD_BYTES, n.bytes);
    } catch (e) {
      ok = false;
    }
    if (!ok) {
      this.writeFails++;
      n.u32[U_SEQ] = this.saved.u32[U_SEQ];
      return false;
    }
    this.writes++;
    this.newestSlot = slot;
    this.saved.bytes.set(n.bytes);
    this.lastWriteS = nowS;
    return true;
  }
}

/**
 * The KvStore MeterNode keeps its freshness in ("txepoch", "rxsync"), on `self`'s record:
 * set() writes a record before returning, as the port's contract asks. Other keys
 * go to `legacy` (Storage), and get() returns the larger of the record's and
 * legacy's value, so a meter that kept them in Storage before continues its epochs
 * and never accepts an old sync request again. A function, not a method, for the
 * reason restoreBilling gives (the meter makes its store once, at boot).
 */
export function freshnessStore(self: BillingStore, legacy: KvStore): KvStore {
  return {
    get(key: string): string | undefined {
      const l = legacy.get(key), n = self.now;
      // txepoch 0 and rxsync -1 mean "never stored"
      const f = key === "txepoch" ? n.u32[U_TX] || -1 : key === "rxsync" ? n.f64[F_RX] : -1;
      return f >= 0 && !(parseInt(l as string, 10) > f) ? String(f) : l;
    },
    set(key: string, value: string): boolean {
      const v = parseInt(value, 10), n = self.now;
      if (key === "txepoch" && v > 0) n.u32[U_TX] = v;
      else if (key === "rxsync" && v >= 0) n.f64[F_RX] = v;
      else return legacy.set(key, value);
      return self.write(self.lastWriteS);
    },
  };
}

/**
 * Reads every slot of `s`'s ring and keeps the newest valid record as its `saved` and
 * `now`; true when one was found (false: a new part or every slot damaged: all zero).
 * Throws when the FRAM does not answer. A function, not a method: the meter calls it once
 * at boot, where it is built into the boot code and let go after (a method is 5-7 JsVars
 * of the class for good).
 */
export function restoreBilling(s: BillingStore): boolean {
  const o = s.o, r = new Record();
  let best = -1;
  // the loop's body a function of its own: terser builds decodeRecord into it (never into a loop)
  const slot = function (k: number): void {
    if (decodeRecord(o.fram.read(o.baseAddr + k * RECORD_BYTES, RECORD_BYTES), r, o.crc32) && (best < 0 || r.u32[U_SEQ] > s.saved.u32[U_SEQ])) {
      best = k;
      s.saved.bytes.set(r.bytes);
    }
  };
  for (let k = 0; k < o.slots; k++) slot(k);
  s.newestSlot = best;
  s.now.bytes.set(s.saved.bytes);
  return best >= 0;
}

/** The restored registers of `s` in MeterADC.setEnergy's shape, or null when nothing was restored (boot only, as restoreBilling). */
export function restoredEnergy(s: BillingStore): EnergyState | null {
  if (s.newestSlot < 0) return null;
  const f = s.saved.f64, r = F_ENERGY;
  // REGISTERS order, spelled out (no table of names held by the bundle)
  return {
    importWh: { milli: f[r], frac: f[r + 1] }, exportWh: { milli: f[r + 2], frac: f[r + 3] },
    importVarh: { milli: f[r + 4], frac: f[r + 5] }, exportVarh: { milli: f[r + 6], frac: f[r + 7] },
  };
}
