/**
 * The aggregator's state in one object: registry, readings, prices, renewable and
 * co-generator status, decisions, persistence. Time comes in as arguments (epoch
 * seconds), storage (the team's KvStore port; values here are byte strings of a few
 * KB) and commands through ports; the app wires the timers.
 */
import { TimeZone, localDay } from "./localTime";
import { Registry, MeterInfo } from "./registry";
import { ReadingsStore, MeterReading, L_P, L_N, LEDGER_DAYS } from "./readingsStore";
import { PriceBook, PriceBlock } from "./priceBook";
import { Decisions, Conditions, R_OFFLINE } from "./decisions";
import { KvStore } from "../ports/kvStore";
import { METERS_PER_BUS } from "../can/idPlan";
import { CommandPort } from "./commandPort";
import { saveArrays, unpack, Packable } from "./snapshot";
import { kvDayArchive } from "./dayArchive";
import { kvProfileArchive } from "./profileArchive";
import type { HistoryFactory } from "./historyOnNor";

export interface AggConfig {
  maxMeters: number;
  tz: TimeZone;
  /** Network fees and taxes added to the day-ahead price, mc/kWh. */
  importAdderMc: number;
  /** Feed-in tariff credited for export, mc/kWh. */
  exportTariffMc: number;
  /**
   * Day-ahead price assumed for an interval without one, mc/kWh. Never silent: every
   * interval billed with it is counted (unpricedSlots, unpricedS) for the pages and API.
   */
  defaultPriceMc: number;
  /** Contracted site power, W. */
  limitW: number;
  /** Minimum time between two automatic changes of a load (its minimum on and off time), s. */
  holdS: number;
  /** Reconnect shed loads only at or below the limit less this band, % (default 10). */
  hysteresisPct?: number;
  /** Most switches of one load in any hour (default 4, at least 2). */
  maxSwitchesPerHour?: number;
  /** Consecutive missed polls after which a meter is offline (default 3). */
  offlineAfterMisses?: number;
  saveIntervalS: number;
  meters: MeterInfo[];
}

export const CO_STATES = ["unknown", "off", "starting", "running", "fault"];
/**
 * CO_STATES.length as a number: the resident bundle needs only the count (setCogen); the
 * names are the pages' (route modules), so the array stays out of the resident heap
 * (12 JsVars). aggregator.test.ts checks the two agree.
 */
export const CO_STATE_COUNT = 5;

export class Aggregator {
  reg: Registry;
  store: ReadingsStore;
  prices = new PriceBook(6);
  forecast = new PriceBook(3);
  dec: Decisions;
  renewPct = NaN;
  renewS = NaN;
  coState = 0;
  coPowerW = NaN;
  coS = NaN;
  rejected = 0;
  savedS = 0;
  /** Where state changes worth a console line go (the app sets print). */
  logLine: (line: string) => void = function () {};
  /** Saved files (agg.now, agg.rs, agg.st) that restore() found but could not read: each said on the console. */
  stateErrors = 0;
  /** Per meter row: polls missed in a row (all retries used); reset by an answer. */
  missed: Uint16Array;
  /** Closed 15-minute intervals billed at defaultPriceMc because no price covered them, and the last one's start. */
  unpricedSlots = 0;
  unpricedS = NaN;
  ledDay = -1;
  private cond: Conditions;

  /**
   * storage: the state saved every save interval (agg.now, agg.rs, agg.st, prices);
   * history: the closed days' ledger rows and the 24-hour profile, written as days and
   * intervals close and read back when a page or a bill asks (default: storage; the
   * flash map puts history on the SPI NOR, tools/firmware/flashMap.ts: the app passes
   * norHistory's factory, historyOnNor.ts).
   */
  constructor(public cfg: AggConfig, public storage: KvStore, cmd: CommandPort, history?: KvStore | HistoryFactory) {
    const hist = history && typeof history !== "function" ? history : storage;
    this.reg = new Registry(cfg.maxMeters);
    for (let i = 0; i < cfg.meters.length; i++) this.reg.add(cfg.meters[i]);
    const self = this;
    const fail = function () { self.saveFails++; };
    const arch = typeof history === "function" ? history(cfg.maxMeters, fail) : undefined;
    this.missed = new Uint16Array(cfg.maxMeters);
    this.store = new ReadingsStore(cfg.maxMeters, cfg.tz, {
      importMc: (t) => {
        const p = self.prices.at(t);
        if (isNaN(p)) {
          self.unpricedSlots++;
          self.unpricedS = t;
          self.logLine("aggregator: no imported price for the interval at " + t + ": billed at defaultPriceMc");
        }
        return (isNaN(p) ? cfg.defaultPriceMc : p) + cfg.importAdderMc;
      },
      exportMc: () => cfg.exportTariffMc,
    }, arch ? arch.day : kvDayArchive(hist, fail), arch ? arch.profile : kvProfileArchive(hist, cfg.maxMeters, fail));
    // one Conditions object for every tick (no allocation per second); a full
    // evaluation sums the site power itself and leaves the exact figure in siteW
    this.cond = {
      priceMc: NaN, renewPct: NaN, siteW: 0,
      powerW: function (m: number) { return self.powerW(m); },
      offline: function (m: number) { return self.isOffline(m); },
    };
    this.dec = new Decisions(this.reg, cmd, cfg.limitW, cfg.holdS, {
      hystPct: cfg.hysteresisPct === undefined ? 10 : cfg.hysteresisPct,
      maxPerHour: cfg.maxSwitchesPerHour === undefined ? 4 : cfg.maxSwitchesPerHour,
    });
  }

  /** Failed writes (flash full): shown on the status API. */
  saveFails = 0;
  put(name: string, data: string): void {
    if (!this.storage.set(name, data)) this.saveFails++;
  }
  putArrays(name: string, arrays: Packable[]): void {
    if (!saveArrays(this.storage, name, arrays)) this.saveFails++;
  }

  /** Day-ahead price at t, or the configured default. */
  spotMc(tS: number): number {
    const p = this.prices.at(tS);
    return isNaN(p) ? this.cfg.defaultPriceMc : p;
  }

  /**
   * THE SEAM FOR CAN: the poller calls this with every decoded, authenticated reading.
   * Returns false for an unknown meter or an implausible reading (counted).
   */
  onReading(r: MeterReading): boolean {
    if (!this.reading(r.address, r.timeS, r.powerW, r.importmWh, r.exportmWh)) return false;
    // voltage, current and quality: the reading's (a CAN link's C keeps its own, ReadingsStore.live)
    this.store.values(this.reg.indexOf(r.address), r);
    return true;
  }

  /**
   * onReading's energy and power as arguments: what the C link's rows call
   * (modules/link/rowReadings.ts), no object per reading; voltage, current and quality
   * stay in the link's C until a page asks (ReadingsStore.live). Runs 13 times a second
   * at 64 meters: Espruino lexes the text it runs and skips, so the rare branch is a call.
   */
  reading(address: number, tS: number, powerW: number, importmWh: number, exportmWh: number): boolean {
    // Registry.indexOf and isOffline written out: a call costs more than their text
    const m = address >= 0 && address < METERS_PER_BUS ? (this.reg.rowOf[address] | 0) - 1 : -1;
    const s = this.store;
    if (m < 0) { this.rejected++; return false; }
    const before = s.latest[m * L_N + L_P];
    const got = s.put(m, tS, powerW, importmWh, exportmWh);
    if (!got) { this.rejected++; return false; }
    // site power: this meter's share moves from its last power to this one (put() checked it is finite)
    const off = this.cfg.offlineAfterMisses;
    if (this.missed[m] < (off === undefined ? 3 : off)) this.siteW += powerW - (before === before ? before : 0);
    if (got === 2) this.logReset(address, importmWh, exportmWh);
    return true;
  }

  private logReset(address: number, importmWh: number, exportmWh: number): void {
    this.logLine("aggregator: meter " + address + ": energy register went back (to " + importmWh / 1000 + " / " + exportmWh / 1000 + " Wh): treated as a meter reset, totals kept");
  }

  /**
   * Site power, W: the sum of powerW(m) over the online meters with a known power, kept
   * reading by reading (the decisions read it every tick without a pass over the meters;
   * they recompute it exactly whenever they evaluate in full, and put it back here).
   */
  siteW = 0;
  /** Moves the site power by a meter's change (restoreState.ts sums it this way too). */
  moveSiteW(fromW: number, toW: number): void {
    this.siteW += (isFinite(toW) ? toW : 0) - (isFinite(fromW) ? fromW : 0);
  }

  /** Latest power of meter row m, W; NaN when unknown or the meter is offline (not counted in site power). */
  powerW(m: number): number { return this.isOffline(m) ? NaN : this.store.latestOf(m, L_P); }

  /** Meter row m missed offlineAfterMisses polls in a row (or m is not a meter row). */
  isOffline(m: number): boolean {
    const k = this.cfg.offlineAfterMisses === undefined ? 3 : this.cfg.offlineAfterMisses;
    return !(m >= 0 && m < this.reg.count) || this.missed[m] >= k;
  }

  /**
   * The CAN link reports each poll's outcome here (ok: answered, else all retries used).
   * Going offline and coming back are logged as decisions (R_OFFLINE, v = misses).
   * Returns false for an address that is not a registered meter.
   */
  pollResult(address: number, ok: boolean, nowS: number): boolean {
    // once per row: the registry lookup written out; an answer from a meter with no misses changes nothing
    const m = address >= 0 && address < METERS_PER_BUS ? (this.reg.rowOf[address] | 0) - 1 : -1;
    if (m < 0) return false;
    if (ok && this.missed[m] === 0) return true;
    const was = this.isOffline(m);
    const misses = this.missed[m];
    const p = this.store.latest[m * L_N + L_P];
    if (ok) this.missed[m] = 0;
    else if (this.missed[m] < 65535) this.missed[m]++;
    const is = this.isOffline(m);
    if (is !== was) {
      if (is) this.moveSiteW(p, 0);
      else this.moveSiteW(0, p);
      this.dec.ver++; // the next tick evaluates in full
      this.dec.log(nowS, m, this.dec.state[m], R_OFFLINE, is ? this.missed[m] : misses, is ? 1 : 0);
      this.logLine("aggregator: meter " + address + (is ? " offline after " + this.missed[m] + " missed polls" : " back online"));
    }
    return true;
  }

  /** Renewable availability now, % (0..100), as of tS. */
  setRenewable(pct: number, tS: number): void {
    this.renewPct = pct;
    this.renewS = tS;
  }

  /** The co-generator's report (CO_STATES index, electrical output W) as of tS. */
  setCogen(state: number, powerW: number, tS: number): void {
    this.coState = state >= 0 && state < CO_STATE_COUNT ? state : 0;
    this.coPowerW = powerW;
    this.coS = tS;
  }


  /** Runs once a second or so: closes intervals, decides, saves when due. */
  tick(nowS: number): void {
    this.store.tick(nowS);
    const c = this.cond;
    c.priceMc = this.spotMc(nowS);
    c.renewPct = this.renewPct;
    c.siteW = this.siteW;
    this.dec.evaluate(nowS, c);
    this.siteW = c.siteW; // exact again after a full evaluation
    if (nowS - this.savedS >= this.cfg.saveIntervalS) this.save(nowS);
  }

  /**
   * Puts parsed day-ahead price blocks in (mc/kWh) and saves them. Parsing a price file
   * is not resident: the browser app, the CLI and the simulator parse on their side, and
   * route.ctl carries the parser for a file a machine client posts (priceImport.ts
   * loadPrices), so none of its functions sit in RAM between uploads.
   */
  setPrices(blocks: PriceBlock[]): void {
    this.prices.put(blocks);
    this.put("agg.pr", this.prices.save());
  }

  nowArrays(tE: Int32Array, tM: Float64Array, meta: Float64Array) {
    const s = this.store;
    return [s.latest, s.open, meta, tE, tM];
  }

  /**
   * Saves the fast-changing state (latest counters, open interval, today's ledger
   * rows; the profile is written as each interval closes) every saveIntervalS, and the closed days still in RAM (yesterday's
   * rows, see dayArchive.ts) at the first save of a local day.
   */
  save(nowS: number): void {
    const s = this.store;
    const day = localDay(this.cfg.tz, nowS);
    const r = s.row(day);
    const n = s.n * 2;
    this.putArrays("agg.now", this.nowArrays(s.ledE.subarray(r * n, r * n + n), s.ledM.subarray(r * n, r * n + n), new Float64Array([s.openSlot, day])));
    this.putArrays("agg.rs", [s.offset, s.resets]);
    if (day !== this.ledDay) {
      s.flush(day);
      this.ledDay = day;
    }
    this.put("agg.st", JSON.stringify({ j: this.dec.jobs, o: [].slice.call(this.dec.ovr), u: [].slice.call(this.dec.ovrUntilS) }));
    this.savedS = nowS;
  }
}
