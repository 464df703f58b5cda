/**
 * Readings per meter in a fixed RAM budget of typed arrays, allocated once:
 *   latest values      6 x Float64 per meter
 *   open interval      2 x Float64 per meter (import/export mWh so far)
 *   reset offsets      2 x Float64 + 1 x Uint16 per meter (shown totals never go down)
 *   power profile      out of RAM: each closed interval's net W per meter goes to the
 *                      ProfileStore (profileArchive.ts: one small file per interval, 96 kept)
 *   day ledger         today in RAM: 2 x Int32 energy mWh + 2 x Float64 money mc,
 *                      all meters' rows side by side, plus one day of scratch
 * = 48 + 16 + 24 + 24 = 112 bytes per meter (+ offsets, resets, quality, the closing
 * interval: 24), plus a day tag. 8 meters: 1 092 bytes; 64 meters: 8 708 bytes (before
 * the profile and yesterday left RAM, 350 bytes per meter + 392: 3 192 and 22 792).
 *
 * The ledger holds LEDGER_DAYS days: today in RAM (yesterday's last interval closes at
 * midnight, before today's first claims the row), the others in the DayArchive (Storage
 * on the device: one file of about 200 bytes per day at 8 meters, slot day %
 * LEDGER_DAYS), written when their RAM row is claimed by a newer day and by flush(). Money stays Float64: an
 * Int32 of milli-cents (max 2.1e9 mc = 21 475 EUR) per meter and day would overflow at
 * the prices the import accepts (up to 1e7 mc/kWh = 100 000 EUR/MWh) for any meter over
 * 215 kWh a day, and a bill must never wrap. Energy is Int32 mWh: up to 2 147 kWh per
 * meter and day (89 kW around the clock).
 *
 * Energy comes from the meters' cumulative counters (mWh), so a missed poll or a
 * reboot loses no energy: the difference is counted in the interval of the next
 * reading. Each closed 15-minute interval is priced at once (tariff port) and added to
 * its local day's ledger row; bills are sums of ledger rows (see billing.ts).
 */
import { TimeZone, localDay } from "./localTime";
import { mulDivRound } from "./fixedPoint";
import { FN_MEAS_VOLTAGE_FREQ, FN_MEAS_CURRENT_PF, FN_MEAS_QUALITY } from "../can/idPlan";

export const SLOT_S = 900;
export const PROFILE_SLOTS = 96;
export const LEDGER_DAYS = 32;
/**
 * Ledger days kept in RAM: today. Yesterday goes to the archive when today's first
 * interval closes (its last interval closed just before, at midnight); a page or bill
 * that sums it reads it back (tmpE/tmpM, one read per day and period). 2 kept yesterday
 * too, 77 + 40 JsVars more at 64 meters, for nothing a tick needs.
 */
export const LEDGER_RAM = 1; // one RAM row: the ledger is one buffer laid out as DayArchive needs
/** Fields of `latest` per meter. */
export const L_T = 0, L_P = 1, L_IMP = 2, L_EXP = 3, L_V = 4, L_I = 5, L_N = 6;

/** Prices in force, milli-cents per kWh, for the interval starting at tS. */
export interface Tariff {
  importMc(tS: number): number;
  exportMc(tS: number): number;
}

/**
 * Closed ledger days out of RAM, in LEDGER_DAYS slots (day % LEDGER_DAYS). A day's rows e
 * and m are always one buffer, m right after e (ReadingsStore's ledger row and scratch
 * day), so an archive may move them as one run of bytes (dayArchive.ts norDayArchive).
 */
export interface DayArchive {
  /** Keeps day's rows (e: n x 2 mWh, m: n x 2 mc), replacing what its slot held. */
  put(day: number, e: Int32Array, m: Float64Array): void;
  /** Fills e, m with the rows held in slot r; returns their day, or -1 when the slot is empty or unreadable (e, m then undefined). */
  load(r: number, e: Int32Array, m: Float64Array): number;
  /**
   * A lazily loaded archive (lazyHistory.ts): keep() has the loads after it share one
   * load for the rest of the task (else each load() loads for itself), drop() lets it go
   * before the task ends. Absent: the archive is always there.
   */
  keep?: () => void;
  drop?: () => void;
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
  /**
   * Quality flags (modules/can MEAS_QUALITY, bits as modules/web/qualityFlags.ts): the
   * latest window's | (those of every window since the previous reading) << 16. Absent: unknown.
   */
  quality?: number;
}

/**
 * Where a meter's latest voltage, current and quality flags come from when the CAN
 * link's C keeps them (modules/link/aggregatorLink.ts AggregatorLink: the C's
 * latest-value table, read when a page asks): the value travels frame -> C table -> API,
 * with no JavaScript per answer. Without one (readings from the console, tests, the web
 * suites' fake site) they are the last MeterReading's (values()).
 */
export interface LatestSource {
  /**
   * The first signals of the latest answer of the meter at bus `address` to the polled
   * message `fn` (modules/can/idPlan FN_*), physical, in a buffer reused by the next call
   * (read it at once); null when never answered.
   */
  latestSignals(address: number, fn: number): Float64Array | null;
}

/** Closed intervals' power per meter out of RAM (profileArchive.ts has the storage one). */
export interface ProfileStore {
  put(slot: number, w: Int16Array): void;
  get(slot: number, m: number): number;
}

export class ReadingsStore {
  latest: Float64Array;
  open: Float64Array;
  /** The interval being closed: average W per meter, handed to the profile archive. */
  closing: Int16Array;
  dayTag: Int32Array;
  ledE: Int32Array;
  ledM: Float64Array;
  /** RAM rows changed since they were last archived. */
  dirty: Uint8Array;
  /** One archived day, while summed. */
  tmpE: Int32Array;
  tmpM: Float64Array;
  /** Rows found by hold(): array and base index of meter 0. */
  hE: Int32Array;
  hM: Float64Array;
  hB = 0;
  /**
   * Per meter: what is added to its import and export registers (mWh) so the shown
   * totals (latest L_IMP, L_EXP) never go down, and how many times a register went back.
   */
  offset: Float64Array;
  resets: Uint16Array;
  /**
   * Per meter: the latest reading's quality flags | (flags since the previous reading) << 16; -1 unknown (16 bits each, 14 used).
   * Made by the first values() call: with a CAN link the flags stay in its C (`live`) and nothing writes them here (22 JsVars at 64 meters).
   */
  quality?: Int32Array;
  /** Slot number (epoch seconds / 900) of the interval being accumulated, -1 before the first reading. */
  openSlot = -1;
  /** The CAN link's latest values (voltage, current, quality), when a link keeps them: see LatestSource. Unset: none (no property, no JsVar). */
  live?: LatestSource;
  /** Meter rows -> bus addresses for `live` (the registry's table), set with it. */
  liveAddress?: Uint8Array;

  constructor(public n: number, public tz: TimeZone, public tariff: Tariff, public archive: DayArchive, public profiles: ProfileStore) {
    this.latest = new Float64Array(n * L_N).fill(NaN);
    this.open = new Float64Array(n * 2);
    this.offset = new Float64Array(n * 2);
    this.resets = new Uint16Array(n);
    this.closing = new Int16Array(n);
    this.dayTag = new Int32Array(LEDGER_RAM).fill(-1);
    // a day's rows are one buffer, money right after energy (DayArchive): LEDGER_RAM is 1
    const l = new ArrayBuffer(n * 24);
    this.ledE = new Int32Array(l, 0, n * 2);
    this.ledM = new Float64Array(l, n * 8, n * 2);
    this.dirty = new Uint8Array(LEDGER_RAM);
    // one buffer, money right after energy: the NOR archive reads a day's record straight
    // into it (dayArchive.ts), with no payload allocated per day
    const t = new ArrayBuffer(n * 24);
    this.tmpE = this.hE = new Int32Array(t, 0, n * 2);
    this.tmpM = this.hM = new Float64Array(t, n * 8, n * 2);
  }

  /**
   * The energy and power of a reading as arguments, for the C link's rows: no object per
   * reading, and arguments are found faster than an object's properties (voltage, current
   * and quality stay in the link's C: LatestSource). 0: implausible, nothing stored; 1:
   * stored; 2: stored, and a register went back (the meter's offset moved: see below).
   */
  put(m: number, t: number, p: number, ri: number, re: number): number {
    // p - p is 0 only for a finite p (NaN and Infinity give NaN)
    if (!(ri >= 0 && re >= 0 && p - p === 0 && t > 0)) return 0;
    if (!(t < this.closeS)) this.tick(t);
    const b = m * L_N, k = m * 2;
    const l = this.latest, o = this.offset, op = this.open;
    // The shown totals never go down (consumers read a decrease as a reset): a register
    // below the last one seen (meter replaced or reset) moves the meter's offset so the
    // total stays where it was and counts on from there; that step bills nothing.
    const li = l[b + L_IMP], le = l[b + L_EXP];
    let oi = o[k], oe = o[k + 1], got = 1;
    if (ri < li - oi || re < le - oe) {
      if (ri < li - oi) o[k] = oi = li - ri;
      if (re < le - oe) o[k + 1] = oe = le - re;
      this.resets[m]++;
      got = 2;
    }
    const imp = ri + oi, exp = re + oe;
    if (li <= imp) op[k] += imp - li;
    if (le <= exp) op[k + 1] += exp - le;
    l[b + L_T] = t;
    l[b + L_P] = p;
    l[b + L_IMP] = imp;
    l[b + L_EXP] = exp;
    return got;
  }

  /**
   * The voltage, current and quality of a reading stored (r's, NaN / -1 when absent): the
   * path of readings from outside a CAN link (the console, tests). With a link they are
   * read from its C when asked (`live`), and nothing writes them here.
   */
  values(m: number, r: MeterReading): void {
    const b = m * L_N, l = this.latest;
    l[b + L_V] = r.voltageV === undefined ? NaN : r.voltageV;
    l[b + L_I] = r.currentA === undefined ? NaN : r.currentA;
    if (!this.quality) this.quality = new Int32Array(this.n).fill(-1);
    this.quality[m] = r.quality === undefined ? -1 : r.quality;
  }

  /**
   * Meter m's latest value of field f (L_T time s, L_P power W, L_IMP / L_EXP shown
   * totals mWh, L_V voltage V, L_I current A); NaN unknown. What pages read: they do
   * not index the layout of `latest` themselves. Voltage and current come from the
   * link's C when it keeps them (`live`).
   */
  latestOf(m: number, f: number): number {
    if (!this.live || (f !== L_V && f !== L_I)) return this.latest[m * L_N + f];
    // U_L1 of MEAS_VOLTAGE_FREQ, I_L1 of MEAS_CURRENT_PF
    const v = this.live.latestSignals((this.liveAddress as Uint8Array)[m], f === L_V ? FN_MEAS_VOLTAGE_FREQ : FN_MEAS_CURRENT_PF);
    return v ? v[0] : NaN;
  }
  /** Meter m's latest quality word (flags | flags since the previous publish or reading << 16), -1 unknown. */
  qualityOf(m: number): number {
    if (!this.live) return this.quality ? this.quality[m] : -1;
    // MEAS_QUALITY: QualityFlags, QualitySince
    const v = this.live.latestSignals((this.liveAddress as Uint8Array)[m], FN_MEAS_QUALITY);
    return !v || isNaN(v[0]) ? -1 : v[0] | ((isNaN(v[1]) ? 0 : v[1]) & 0xffff) << 16;
  }
  /** Energy meter m imported (dir 0) or exported (1) so far in the open interval, mWh. */
  openmWh(m: number, dir: number): number { return this.open[m * 2 + dir]; }

  /** Start of the interval after the open one, s (-Infinity before the first reading): a time at or after it closes the open one. */
  closeS = -Infinity;

  /** Closes the open interval when tS lies in a later one. */
  tick(tS: number): void {
    if (tS < this.closeS) return;
    const slot = Math.floor(tS / SLOT_S);
    if (this.openSlot < 0) this.openSlot = slot;
    if (slot > this.openSlot) {
      this.close(this.openSlot);
      this.openSlot = slot;
    }
    this.closeS = (this.openSlot + 1) * SLOT_S;
  }

  /**
   * RAM row of the ledger for local day `day`, claiming it when it is new: the day that
   * held it goes to the archive first (when changed), and the new day's rows come back
   * from the archive when they were archived (a clock set back), else start at zero.
   */
  row(day: number): number {
    const r = day % LEDGER_RAM;
    const t = this.dayTag[r];
    if (t !== day) {
      const a = r * this.n * 2, b = a + this.n * 2;
      const e = this.ledE.subarray(a, b), m = this.ledM.subarray(a, b);
      this.tmpSlot = -1;
      if (t >= 0 && this.dirty[r]) this.archive.put(t, e, m);
      this.dayTag[r] = day;
      this.dirty[r] = 0;
      if (this.archive.load(day % LEDGER_DAYS, e, m) !== day) {
        e.fill(0);
        m.fill(0);
      }
    }
    return r;
  }

  /** Archives the changed RAM rows of days other than `today` (closed days), so a reboot keeps them. */
  flush(today: number): void {
    for (let r = 0; r < LEDGER_RAM; r++) {
      const t = this.dayTag[r];
      if (t < 0 || t === today || !this.dirty[r]) continue;
      const a = r * this.n * 2, b = a + this.n * 2;
      this.tmpSlot = -1;
      this.archive.put(t, this.ledE.subarray(a, b), this.ledM.subarray(a, b));
      this.dirty[r] = 0;
    }
  }

  close(slot: number): void {
    const t = slot * SLOT_S;
    const r = this.row(localDay(this.tz, t));
    const pi = this.tariff.importMc(t);
    const pe = this.tariff.exportMc(t);
    this.dirty[r] = 1;
    for (let m = 0; m < this.n; m++) {
      const imp = this.open[m * 2];
      const exp = this.open[m * 2 + 1];
      this.open[m * 2] = this.open[m * 2 + 1] = 0;
      // mWh * 4 per hour / 1000 -> average W over the quarter hour
      let w = Math.round((imp - exp) / 250);
      this.closing[m] = w > 32767 ? 32767 : w < -32768 ? -32768 : w;
      const i = (r * this.n + m) * 2;
      this.ledE[i] += imp;
      this.ledE[i + 1] += exp;
      // mWh x mc/kWh = 1e-6 mc; each interval's line rounded to the milli-cent
      this.ledM[i] += mulDivRound(imp, pi, 1e6);
      this.ledM[i + 1] += mulDivRound(exp, pe, 1e6);
    }
    this.profiles.put(slot, this.closing);
  }

  /**
   * Profile of meter m for the 96 slots ending before `slot`: watts, NaN where no data,
   * oldest first, written into `out`.
   */
  profileOf(m: number, slot: number, out: Float32Array): Float32Array {
    for (let k = 0; k < PROFILE_SLOTS; k++) out[k] = this.profiles.get(slot - PROFILE_SLOTS + k, m);
    // read whole: a lazily loaded history (lazyHistory.ts) need not stay while the
    // caller builds its answer (GET /api/load: ~160 JsVars lower peak on 2v29)
    if (this.archive.drop) this.archive.drop();
    return out;
  }

  /** Archive slot whose rows are in tmpE / tmpM (and their day), -1 when none: a page summing one day meter by meter reads it once. */
  tmpSlot = -1;
  tmpDay = -1;

  /**
   * The day held in ledger slot r (0 .. LEDGER_DAYS-1), -1 when none; its rows are then
   * in this.hE / this.hM from index this.hB (RAM when the day is there, else the archive).
   */
  hold(r: number): number {
    for (let k = 0; k < LEDGER_RAM; k++) {
      const d = this.dayTag[k];
      if (d >= 0 && d % LEDGER_DAYS === r) {
        this.hE = this.ledE;
        this.hM = this.ledM;
        this.hB = k * this.n * 2;
        return d;
      }
    }
    this.hE = this.tmpE;
    this.hM = this.tmpM;
    this.hB = 0;
    if (this.tmpSlot !== r) {
      // a sum reads one day after another: one load of a lazy archive for all of them
      // (a month's bill loaded hist.nor once per day and meter, measured on 2v29)
      if (this.archive.keep) this.archive.keep();
      this.tmpDay = this.archive.load(r, this.tmpE, this.tmpM);
      this.tmpSlot = r;
    }
    return this.tmpDay;
  }

  /** Sums meter m's ledger over local days [fromDay, toDay] into out[4]: import mWh, export mWh, cost mc, credit mc. */
  sum(m: number, fromDay: number, toDay: number, out: Float64Array): Float64Array {
    return this.sumOf((k) => (k === m ? 0 : -1), fromDay, toDay, out);
  }

  /**
   * sum() of every meter row m < n into out[4 x pick(m)] (skipped when pick(m) < 0),
   * reading each day once; a lazily loaded archive is let go after (a bill then streams
   * its rows from `out` without it: dropped, it is not rebuilt per chunk).
   */
  sumOf(pick: (m: number) => number, fromDay: number, toDay: number, out: Float64Array): Float64Array {
    // a short period reads only its own days' slots (one archive read per day)
    const narrow = toDay - fromDay < LEDGER_DAYS;
    const count = narrow ? toDay - fromDay + 1 : LEDGER_DAYS;
    for (let j = 0; j < count; j++) {
      if (narrow && fromDay + j < 0) continue;
      const d = this.hold(narrow ? (fromDay + j) % LEDGER_DAYS : j);
      if (d < fromDay || d > toDay || d < 0) continue;
      for (let m = 0; m < this.n; m++) {
        const k = 4 * pick(m);
        if (k < 0) continue;
        const i = this.hB + m * 2;
        out[k] += this.hE[i];
        out[k + 1] += this.hE[i + 1];
        out[k + 2] += this.hM[i];
        out[k + 3] += this.hM[i + 1];
      }
    }
    if (this.archive.drop) this.archive.drop();
    return out;
  }
}
