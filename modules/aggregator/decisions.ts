/**
 * Load decisions: rules that disconnect and reconnect relay loads, deferrable runs,
 * manual overrides, and the log of every command with its reason.
 *
 * Each tick every relay load gets a wanted state, from the first that applies:
 * a manual override until it expires; a planned deferrable run (off while waiting,
 * on while running); the price and renewable thresholds of the load; and shedding
 * when the site's total power exceeds the contracted limit (lowest priority number
 * first, reconnected highest first once the total plus the load's power before
 * shedding is at or below 90 % of the limit). An automatic change is held back until
 * holdS has passed since the load's last change, so nothing flaps; manual ones are not.
 * The log is a ring of typed arrays (no objects per entry): reasons are codes and
 * numbers, turned into text only when a page shows them.
 */
import { Registry } from "./registry";
import { CommandPort } from "./commandPort";
import { PriceBook } from "./priceBook";
import { planStart } from "./deferrable";

export const R_PRICE = 1, R_RENEW = 2, R_LIMIT = 3, R_OK = 4, R_MANUAL = 5, R_PLAN = 6, R_START = 7, R_OVERRIDE = 8, R_CANCEL = 9, R_AUTO = 10;
export const A_OFF = 0, A_ON = 1, A_PLAN = 2;
export const LOG_N = 16;

export interface Job { m: number; startS: number; endS: number; costMc: number; green: boolean; running: boolean; }

export interface Conditions {
  /** Import price now, mc/kWh (NaN unknown). */
  priceMc: number;
  /** Renewable availability now, % (NaN unknown). */
  renewPct: number;
  /** Site power now per meter row, W. */
  powerW: (m: number) => number;
}

export class Decisions {
  state: Int8Array;
  changedS: Float64Array;
  ovr: Int8Array;
  ovrUntilS: Float64Array;
  shedW: Float64Array;
  jobs: Job[] = [];
  lt = new Float64Array(LOG_N);
  lm = new Uint8Array(LOG_N);
  la = new Uint8Array(LOG_N);
  lr = new Uint8Array(LOG_N);
  lv = new Float64Array(LOG_N);
  lv2 = new Float64Array(LOG_N);
  lid = new Uint32Array(LOG_N);
  seq = 0;
  failures = 0;

  constructor(public reg: Registry, public cmd: CommandPort, public limitW: number, public holdS: number) {
    const n = reg.maxMeters;
    this.state = new Int8Array(n).fill(1);
    this.changedS = new Float64Array(n).fill(-1e9);
    this.ovr = new Int8Array(n).fill(-1);
    this.ovrUntilS = new Float64Array(n);
    this.shedW = new Float64Array(n).fill(NaN);
  }

  log(tS: number, m: number, action: number, reason: number, v: number, v2: number): number {
    const i = this.seq % LOG_N;
    this.seq++;
    this.lt[i] = tS; this.lm[i] = m; this.la[i] = action; this.lr[i] = reason;
    this.lv[i] = v; this.lv2[i] = v2; this.lid[i] = this.seq;
    return this.seq;
  }

  /** Ring position of decision `id`, -1 when it has left the log. */
  find(id: number): number {
    const i = (id - 1) % LOG_N;
    return id >= 1 && this.lid[i] === id ? i : -1;
  }

  job(m: number): Job | undefined { return this.jobs.find((j) => j.m === m); }

  evaluate(nowS: number, c: Conditions): void {
    const list = this.reg.list;
    const n = list.length;
    const want = new Int8Array(n);
    const why = new Uint8Array(n);
    const v = new Float64Array(n);
    let total = 0;
    for (let m = 0; m < n; m++) {
      const p = c.powerW(m);
      if (isFinite(p)) total += p;
      const info = list[m];
      const j = this.job(m);
      if (j && nowS >= j.endS) this.jobs.splice(this.jobs.indexOf(j), 1);
      else if (j && nowS >= j.startS) j.running = true;
      if (this.ovr[m] >= 0 && nowS >= this.ovrUntilS[m]) this.ovr[m] = -1;
      want[m] = 1; why[m] = R_OK;
      if (!info.hasRelay) continue;
      if (this.ovr[m] >= 0) { want[m] = this.ovr[m]; why[m] = R_MANUAL; v[m] = this.ovrUntilS[m]; }
      else if (j && nowS < j.endS) { want[m] = j.running ? 1 : 0; why[m] = j.running ? R_START : R_PLAN; v[m] = j.startS; }
      else if (info.maxPriceMc !== undefined && c.priceMc > info.maxPriceMc) { want[m] = 0; why[m] = R_PRICE; v[m] = c.priceMc; }
      else if (info.minRenewPct !== undefined && c.renewPct < info.minRenewPct) { want[m] = 0; why[m] = R_RENEW; v[m] = c.renewPct; }
    }
    // Shedding against the contracted limit: lowest priority number first.
    for (;;) {
      let pick = -1;
      for (let m = 0; m < n; m++) {
        const ok = list[m].hasRelay && why[m] !== R_MANUAL && this.state[m] === 1 && want[m] === 1 && isNaN(this.shedW[m]);
        if (ok && (pick < 0 || list[m].priority < list[pick].priority)) pick = m;
      }
      if (total <= this.limitW || pick < 0) break;
      const p = c.powerW(pick);
      this.shedW[pick] = isFinite(p) ? p : 0;
      total -= this.shedW[pick];
    }
    for (;;) {
      let pick = -1;
      for (let m = 0; m < n; m++) {
        if (!isNaN(this.shedW[m]) && (pick < 0 || list[m].priority > list[pick].priority)) pick = m;
      }
      if (pick < 0 || total + this.shedW[pick] > this.limitW * 0.9) break;
      total += this.shedW[pick];
      this.shedW[pick] = NaN;
    }
    for (let m = 0; m < n; m++) {
      if (!isNaN(this.shedW[m]) && why[m] !== R_MANUAL) { want[m] = 0; why[m] = R_LIMIT; v[m] = total; }
      if (want[m] === this.state[m]) continue;
      // Shedding is protection and manual is a person: only the other reasons wait out the hold.
      if (why[m] !== R_MANUAL && why[m] !== R_LIMIT && nowS - this.changedS[m] < this.holdS) continue;
      if (this.cmd.sendCommand(list[m].address, want[m] ? "connect" : "disconnect") < 0) { this.failures++; continue; }
      this.state[m] = want[m];
      this.changedS[m] = nowS;
      this.log(nowS, m, want[m], why[m], v[m], why[m] === R_PRICE ? list[m].maxPriceMc! : why[m] === R_RENEW ? list[m].minRenewPct! : why[m] === R_LIMIT ? this.limitW : 0);
    }
  }

  /** A person pins load m on (1) or off (0) until untilS, or gives it back to the rules (-1). */
  manual(nowS: number, m: number, on: number, untilS: number): void {
    this.ovr[m] = on;
    this.ovrUntilS[m] = untilS;
    if (on < 0) this.log(nowS, m, this.state[m], R_AUTO, 0, 0);
  }

  /** Plans a deferrable run of load m; returns the decision id, or an error text. */
  schedule(nowS: number, m: number, durS: number, energyWh: number, deadlineS: number, green: boolean, prices: PriceBook, forecast: PriceBook | null): number | string {
    if (!this.reg.list[m].hasRelay) return "this load has no relay to start it";
    const p = planStart(prices, forecast, nowS, durS, energyWh, deadlineS, green);
    if (!p) return "the run does not fit before the deadline";
    const old = this.job(m);
    if (old) this.jobs.splice(this.jobs.indexOf(old), 1);
    if (this.jobs.length >= 4) return "4 runs are already planned";
    this.jobs.push({ m: m, startS: p.startS, endS: p.startS + durS, costMc: p.costMc, green: green, running: false });
    return this.log(nowS, m, A_PLAN, R_PLAN, p.startS, p.costMc);
  }

  /** Undoes decision `id`: a planned run is cancelled, a switch is reversed for holdS x 12. */
  override(nowS: number, id: number): string {
    const i = this.find(id);
    if (i < 0) return "no decision #" + id + " in the log";
    const m = this.lm[i];
    if (this.la[i] === A_PLAN) {
      const j = this.job(m);
      if (j) this.jobs.splice(this.jobs.indexOf(j), 1);
      this.log(nowS, m, A_PLAN, R_CANCEL, id, 0);
      return "";
    }
    this.ovr[m] = this.la[i] ? 0 : 1;
    this.ovrUntilS[m] = nowS + this.holdS * 12;
    this.log(nowS, m, this.ovr[m], R_OVERRIDE, id, 0);
    return "";
  }
}
