/**
 * The aggregator's state in one object: registry, readings, prices, renewable and
 * co-generator status, decisions, persistence. Time comes in as arguments (epoch
 * seconds), storage (the team's KvStore port; values here are byte strings of a few
 * KB) and commands through ports; the app wires the timers.
 */
import { TimeZone, localDay } from "./localTime";
import { Registry, MeterInfo } from "./registry";
import { ReadingsStore, MeterReading, L_P, LEDGER_DAYS } from "./readingsStore";
import { PriceBook } from "./priceBook";
import { importPrices } from "./priceImport";
import { Decisions } from "./decisions";
import { KvStore } from "../ports/kvStore";
import { CommandPort } from "./commandPort";
import { saveArrays, unpack, Packable } from "./snapshot";
import { kvDayArchive } from "./dayArchive";

export interface AggConfig {
  maxMeters: number;
  tz: TimeZone;
  /** Network fees and taxes added to the day-ahead price, mc/kWh. */
  importAdderMc: number;
  /** Feed-in tariff credited for export, mc/kWh. */
  exportTariffMc: number;
  /** Day-ahead price assumed for an interval without one, mc/kWh. */
  defaultPriceMc: number;
  /** Contracted site power, W. */
  limitW: number;
  holdS: number;
  saveIntervalS: number;
  meters: MeterInfo[];
}

export const CO_STATES = ["unknown", "off", "starting", "running", "fault"];

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
  ledDay = -1;

  constructor(public cfg: AggConfig, public storage: KvStore, cmd: CommandPort) {
    this.reg = new Registry(cfg.maxMeters);
    for (let i = 0; i < cfg.meters.length; i++) this.reg.add(cfg.meters[i]);
    const self = this;
    this.store = new ReadingsStore(cfg.maxMeters, cfg.tz, {
      importMc: (t) => self.spotMc(t) + cfg.importAdderMc,
      exportMc: () => cfg.exportTariffMc,
    }, kvDayArchive(storage, () => { self.saveFails++; }));
    this.dec = new Decisions(this.reg, cmd, cfg.limitW, cfg.holdS);
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
    const m = this.reg.indexOf(r.address);
    if (m < 0 || !this.store.add(m, r)) { this.rejected++; return false; }
    return true;
  }

  powerW(m: number): number { return this.store.latest[m * 6 + L_P]; }

  /** True when meter row m stopped answering (the meter-offline work gives this its body). */
  isOffline(m: number): boolean { return false; }

  /** Runs once a second or so: closes intervals, decides, saves when due. */
  tick(nowS: number): void {
    this.store.tick(nowS);
    const self = this;
    this.dec.evaluate(nowS, { priceMc: this.spotMc(nowS), renewPct: this.renewPct, powerW: (m) => self.powerW(m) });
    if (nowS - this.savedS >= this.cfg.saveIntervalS) this.save(nowS);
  }

  /** Imports a price upload; "" on success, else "line N: reason" (old prices kept). */
  loadPrices(text: string): string {
    const r = importPrices(text, this.cfg.tz);
    if (!Array.isArray(r)) return "line " + r.line + ": " + r.reason;
    this.prices.put(r);
    this.put("agg.pr", this.prices.save());
    return "";
  }

  nowArrays(tE: Int32Array, tM: Float64Array, meta: Float64Array) {
    const s = this.store;
    return [s.latest, s.open, s.profile, s.slotTag, meta, tE, tM];
  }

  /**
   * Saves the fast-changing state (latest counters, open interval, profile, today's
   * ledger rows) every saveIntervalS, and the closed days still in RAM (yesterday's
   * rows, see dayArchive.ts) at the first save of a local day.
   */
  save(nowS: number): void {
    const s = this.store;
    const day = localDay(this.cfg.tz, nowS);
    const r = s.row(day);
    const n = s.n * 2;
    this.putArrays("agg.now", this.nowArrays(s.ledE.subarray(r * n, r * n + n), s.ledM.subarray(r * n, r * n + n), new Float64Array([s.openSlot, day])));
    if (day !== this.ledDay) {
      s.flush(day);
      this.ledDay = day;
    }
    this.put("agg.st", JSON.stringify({ j: this.dec.jobs, o: [].slice.call(this.dec.ovr), u: [].slice.call(this.dec.ovrUntilS) }));
    this.savedS = nowS;
  }

  /** Restores what save() wrote; returns which parts were found. */
  restore(): string {
    const s = this.store;
    const n = s.n * 2;
    let got = "";
    for (let d = 0; d < LEDGER_DAYS; d++) if (s.hold(d) >= 0) { got += "ledger "; break; }
    const tE = new Int32Array(n);
    const tM = new Float64Array(n);
    const meta = new Float64Array(2);
    if (unpack(this.storage.get("agg.now"), this.nowArrays(tE, tM, meta))) {
      s.openSlot = meta[0];
      const r = s.row(meta[1]);
      s.ledE.set(tE, r * n);
      s.ledM.set(tM, r * n);
      s.dirty[r] = 1;
      got += "readings ";
    }
    this.prices.load(this.storage.get("agg.pr"));
    try {
      const st = JSON.parse(this.storage.get("agg.st") || "null");
      if (st) {
        this.dec.jobs = st.j;
        // JSON turned an unknown cost (NaN) into null
        for (let i = 0; i < st.j.length; i++) if (st.j[i].costMc === null) st.j[i].costMc = NaN;
        this.dec.ovr.set(st.o);
        this.dec.ovrUntilS.set(st.u);
        got += "decisions";
      }
    } catch (e) { /* a damaged state file only loses plans and overrides */ }
    return got.trim();
  }
}
