/**
 * Readings per meter in a fixed RAM budget of typed arrays, allocated once:
 *   latest values      6 x Float64 per meter
 *   open interval      2 x Float64 per meter (import/export mWh so far)
 *   power profile      96 x Int16 per meter (net W averaged per 15 min, last 24 h)
 *   day ledger         32 days x (2 x Int32 energy mWh + 2 x Float64 money mc),
 *                      a day's rows of all meters side by side (saved as one piece)
 * = 48 + 16 + 192 + 768 = 1024 bytes per meter, plus 96 x Int32 + 32 x Int32 of slot
 * and day tags shared by all meters (512 bytes). 8 meters: 8704 bytes.
 *
 * Energy comes from the meters' cumulative counters (mWh), so a missed poll or a
 * reboot loses no energy: the difference is counted in the interval of the next
 * reading. Each closed 15-minute interval is priced at once (tariff port) and added to
 * its local day's ledger row; bills are sums of ledger rows (see billing.ts).
 */
import { TimeZone, localDay } from "./localTime";
import { mulDivRound } from "./fixedPoint";

export const SLOT_S = 900;
export const PROFILE_SLOTS = 96;
export const LEDGER_DAYS = 32;
/** Fields of `latest` per meter. */
export const L_T = 0, L_P = 1, L_IMP = 2, L_EXP = 3, L_V = 4, L_I = 5, L_N = 6;

/** Prices in force, milli-cents per kWh, for the interval starting at tS. */
export interface Tariff {
  importMc(tS: number): number;
  exportMc(tS: number): number;
}

export interface MeterReading {
  address: number;
  timeS: number;
  /** Active power, W: positive import, negative export. */
  powerW: number;
  /** Cumulative active energy counters, mWh (OBIS 1-0:1.8.0 and 1-0:2.8.0). */
  importmWh: number;
  exportmWh: number;
  voltageV?: number;
  currentA?: number;
}

export class ReadingsStore {
  latest: Float64Array;
  open: Float64Array;
  profile: Int16Array;
  slotTag: Int32Array;
  dayTag: Int32Array;
  ledE: Int32Array;
  ledM: Float64Array;
  /** Slot number (epoch seconds / 900) of the interval being accumulated, -1 before the first reading. */
  openSlot = -1;

  constructor(public n: number, public tz: TimeZone, public tariff: Tariff) {
    this.latest = new Float64Array(n * L_N).fill(NaN);
    this.open = new Float64Array(n * 2);
    this.profile = new Int16Array(n * PROFILE_SLOTS);
    this.slotTag = new Int32Array(PROFILE_SLOTS).fill(-1);
    this.dayTag = new Int32Array(LEDGER_DAYS).fill(-1);
    this.ledE = new Int32Array(n * LEDGER_DAYS * 2);
    this.ledM = new Float64Array(n * LEDGER_DAYS * 2);
  }

  /** Records a reading of meter row `m`; returns false (and stores nothing) when it is implausible. */
  add(m: number, r: MeterReading): boolean {
    if (!(r.importmWh >= 0 && r.exportmWh >= 0 && isFinite(r.powerW) && r.timeS > 0)) return false;
    this.tick(r.timeS);
    const b = m * L_N;
    const l = this.latest;
    // A counter that went backwards (meter replaced or reset) restarts the difference.
    if (l[b + L_IMP] <= r.importmWh) this.open[m * 2] += r.importmWh - l[b + L_IMP];
    if (l[b + L_EXP] <= r.exportmWh) this.open[m * 2 + 1] += r.exportmWh - l[b + L_EXP];
    l[b + L_T] = r.timeS;
    l[b + L_P] = r.powerW;
    l[b + L_IMP] = r.importmWh;
    l[b + L_EXP] = r.exportmWh;
    l[b + L_V] = r.voltageV === undefined ? NaN : r.voltageV;
    l[b + L_I] = r.currentA === undefined ? NaN : r.currentA;
    return true;
  }

  /** Closes the open interval when tS lies in a later one. */
  tick(tS: number): void {
    const slot = Math.floor(tS / SLOT_S);
    if (this.openSlot < 0) this.openSlot = slot;
    if (slot > this.openSlot) {
      this.close(this.openSlot);
      this.openSlot = slot;
    }
  }

  /** Row of the ledger for local day `day`, claiming (and clearing) it when it is new. */
  row(day: number): number {
    const r = day % LEDGER_DAYS;
    if (this.dayTag[r] !== day) {
      this.dayTag[r] = day;
      this.ledE.fill(0, r * this.n * 2, (r + 1) * this.n * 2);
      this.ledM.fill(0, r * this.n * 2, (r + 1) * this.n * 2);
    }
    return r;
  }

  close(slot: number): void {
    const t = slot * SLOT_S;
    const r = this.row(localDay(this.tz, t));
    const ps = slot % PROFILE_SLOTS;
    this.slotTag[ps] = slot;
    const pi = this.tariff.importMc(t);
    const pe = this.tariff.exportMc(t);
    for (let m = 0; m < this.n; m++) {
      const imp = this.open[m * 2];
      const exp = this.open[m * 2 + 1];
      this.open[m * 2] = this.open[m * 2 + 1] = 0;
      // mWh * 4 per hour / 1000 -> average W over the quarter hour
      let w = Math.round((imp - exp) / 250);
      this.profile[m * PROFILE_SLOTS + ps] = w > 32767 ? 32767 : w < -32768 ? -32768 : w;
      const i = (r * this.n + m) * 2;
      this.ledE[i] += imp;
      this.ledE[i + 1] += exp;
      // mWh x mc/kWh = 1e-6 mc; each interval's line rounded to the milli-cent
      this.ledM[i] += mulDivRound(imp, pi, 1e6);
      this.ledM[i + 1] += mulDivRound(exp, pe, 1e6);
    }
  }

  /**
   * Profile of meter m for the 96 slots ending before `slot`: watts, NaN where no data,
   * oldest first, written into `out`.
   */
  profileOf(m: number, slot: number, out: Float32Array): Float32Array {
    for (let k = 0; k < PROFILE_SLOTS; k++) {
      const s = slot - PROFILE_SLOTS + k;
      const ps = s % PROFILE_SLOTS;
      out[k] = this.slotTag[ps] === s ? this.profile[m * PROFILE_SLOTS + ps] : NaN;
    }
    return out;
  }

  /** Sums meter m's ledger over local days [fromDay, toDay] into out[4]: import mWh, export mWh, cost mc, credit mc. */
  sum(m: number, fromDay: number, toDay: number, out: Float64Array): Float64Array {
    for (let r = 0; r < LEDGER_DAYS; r++) {
      const d = this.dayTag[r];
      if (d < fromDay || d > toDay || d < 0) continue;
      const i = (r * this.n + m) * 2;
      out[0] += this.ledE[i];
      out[1] += this.ledE[i + 1];
      out[2] += this.ledM[i];
      out[3] += this.ledM[i + 1];
    }
    return out;
  }
}
