/**
 * Load decisions: rules that disconnect and reconnect relay loads, deferrable runs,
 * manual overrides, and the log of every command with its reason.
 *
 * Each tick every relay load gets a wanted state, from the first that applies:
 * a manual override until it expires; a planned deferrable run (off while waiting,
 * on while running); the price and renewable thresholds of the load; and shedding
 * when the site's total power exceeds the contracted limit (lowest priority number
 * first). A shed load is reconnected (highest priority first) only when the site power
 * plus the load's power before shedding is at or below the limit less the hysteresis
 * band (hystPct, 10 % by default), so a site hovering at the limit does not bounce it.
 *
 * Against flapping, every automatic change other than a protective shed must wait
 * holdS since the load's last change (minimum on and off time) and fit a switch
 * budget: at most maxPerHour switches of one load in any hour. A change is allowed
 * only while the last hour holds at most maxPerHour - 2 switches, which keeps one
 * switch free for a shed that may follow; sheds need a connected load, so after the
 * last allowed change at most one shed can come, and no hour ever sees more than
 * maxPerHour switches of a load (decisions.test.ts drives a site oscillating around
 * the limit to prove it). Manual changes (a person) skip both, and count.
 *
 * Every log line quotes the figure that triggered the action as it was BEFORE the
 * action (site power before the shed, price, renewables), the threshold, and a third
 * figure (the load's power for sheds and reconnections). For loads that do not change,
 * `why`/`whyV`/`untilS` say why each load is in its state right now (for
 * "Auto": held off by the minimum time until untilS, by the switch budget, by the
 * limit with the projected power, by price...). Meters that the aggregator marks
 * offline get no decision (R_OFFLINE) and their power is not counted.
 * The log is a ring of typed arrays (no objects per entry): reasons are codes and
 * numbers, turned into text only when a page shows them.
 *
 * What a person changes (manual pins, planned runs, overrides: decisionChanges.ts) is
 * not here: those functions are built into the control routes' Storage module and run
 * once per request, while this class's methods stay in RAM (a function object costs 6
 * to 8 JsVars on Espruino even with its code in flash).
 */
import { Registry } from "./registry";
import { CommandPort } from "./commandPort";

export const R_PRICE = 1, R_RENEW = 2, R_LIMIT = 3, R_OK = 4, R_MANUAL = 5, R_PLAN = 6, R_START = 7, R_OVERRIDE = 8, R_CANCEL = 9, R_AUTO = 10;
/**
 * Reasons added against flapping. R_RECONNECT (log): v site power before, v2 the
 * reconnect threshold, v3 the load's power before it was shed. R_HELD (state only):
 * the minimum on/off time holds the load until untilS. R_BUDGET (state only): v
 * switches in the last hour, the budget v2 allows the next at untilS. R_OFFLINE (state
 * and log when a meter goes offline or comes back): v missed polls in a row.
 */
export const R_RECONNECT = 11, R_HELD = 12, R_BUDGET = 13, R_OFFLINE = 14;
export const A_OFF = 0, A_ON = 1, A_PLAN = 2;
export const LOG_N = 16;

export interface Job { m: number; startS: number; endS: number; costMc: number; green: boolean; running: boolean; }

export interface Conditions {
  /** Import price now, mc/kWh (NaN unknown). */
  priceMc: number;
  /** Renewable availability now, % (NaN unknown). */
  renewPct: number;
  /** Site power now per meter row, W (NaN: unknown, not counted). */
  powerW: (m: number) => number;
  /** Meter row m is offline (missed polls): no decision, its power not counted. */
  offline?: (m: number) => boolean;
  /**
   * Site power now, W, as the caller keeps it up to date reading by reading (it may drift
   * by rounding: within 1 W of the limit the full evaluation recomputes it, and leaves
   * the exact sum here). Given, an evaluation with nothing new is skipped (see
   * evaluate); absent, every tick evaluates.
   */
  siteW?: number;
}

/** a and b are the same number, NaN equal to NaN. */
function same(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

/** Anti-flapping settings (AggConfig): band below the limit, switches per load and hour. */
export interface FlapLimits {
  /** Reconnect a shed load only at or below limitW x (100 - hystPct) %. */
  hystPct: number;
  /** Most switches of one load in any hour (>= 2). */
  maxPerHour: number;
}

export class Decisions {
  state: Int8Array;
  /** Per load, when it last switched (UTC s, Uint32 until 2106; 0: never). */
  changedS: Uint32Array;
  ovr: Int8Array;
  ovrUntilS: Uint32Array;
  /**
   * The load's power when it was shed, W. shedW and shedAtW are Float32 (7 digits: 0.001 W
   * at 10 kW), half a Float64's bytes: 64 meters save 42 JsVars (issue 16). whyV and untilS
   * stay Float64: they hold times (UTC s), which a Float32 rounds to minutes.
   */
  shedW: Float32Array;
  /** Site power when the load was shed (the figure quoted for it). */
  shedAtW: Float32Array;
  /**
   * Why each load is in its state now (R_*), its figure and the time a hold ends (NaN:
   * none). The threshold of each figure is in the configuration: R_PRICE maxPriceMc,
   * R_RENEW minRenewPct, R_LIMIT (whyV: projected site power with the load back on)
   * limitW x (100 - hysteresisPct) %, R_BUDGET (whyV: switches in the last hour)
   * maxSwitchesPerHour, R_HELD holdS.
   */
  why: Uint8Array;
  whyV: Float64Array;
  untilS: Float64Array;
  /** Per load, the times of its last maxPerHour switches (ring, UTC s; 0: none): Uint32 halves the Float64s (64 meters: -75 JsVars). */
  swT: Uint32Array;
  jobs: Job[] = [];
  lt = new Float64Array(LOG_N);
  lm = new Uint8Array(LOG_N);
  la = new Uint8Array(LOG_N);
  lr = new Uint8Array(LOG_N);
  lv = new Float64Array(LOG_N);
  lv2 = new Float64Array(LOG_N);
  lv3 = new Float64Array(LOG_N);
  lid = new Uint32Array(LOG_N);
  seq = 0;
  failures = 0;
  flap: FlapLimits;
  /**
   * What the last full evaluation saw, so a tick with nothing new costs a few comparisons
   * instead of a pass over every load (issue 17): the price, renewables, limit, meter
   * count and planned runs it used, a version that manual(), schedule(), override() (decisionChanges.ts)
   * bump (and the Aggregator when a meter goes offline or comes back, or state is restored), the loads it left shed, and the first time after it at which a
   * rule's outcome can change by itself (a pin or a plan ending or starting, a hold or
   * the switch budget releasing a load, a failed command to retry).
   */
  ver = 0;
  seen = { ver: -1, priceMc: NaN, renewPct: NaN, limitW: NaN, n: -1, jobs: -1, shed: 0, nextS: -Infinity };

  constructor(public reg: Registry, public cmd: CommandPort, public limitW: number, public holdS: number, flap: FlapLimits) {
    const n = reg.maxMeters;
    if (!(flap.maxPerHour >= 2 && flap.maxPerHour <= 60 && flap.hystPct >= 0 && flap.hystPct < 100)) throw new Error("agg.json: maxSwitchesPerHour 2..60, hysteresisPct 0..99");
    this.flap = flap;
    this.state = new Int8Array(n).fill(1);
    this.changedS = new Uint32Array(n);
    this.ovr = new Int8Array(n).fill(-1);
    this.ovrUntilS = new Uint32Array(n);
    this.shedW = new Float32Array(n).fill(NaN);
    this.shedAtW = new Float32Array(n).fill(NaN);
    this.why = new Uint8Array(n).fill(R_OK);
    this.whyV = new Float64Array(n).fill(NaN);
    this.untilS = new Float64Array(n).fill(NaN);
    this.swT = new Uint32Array(n * flap.maxPerHour);
  }

  log(tS: number, m: number, action: number, reason: number, v: number, v2: number, v3?: number): number {
    const i = this.seq % LOG_N;
    this.seq++;
    this.lt[i] = tS; this.lm[i] = m; this.la[i] = action; this.lr[i] = reason;
    this.lv[i] = v; this.lv2[i] = v2; this.lv3[i] = v3 === undefined ? NaN : v3; this.lid[i] = this.seq;
    return this.seq;
  }

  job(m: number): Job | undefined { return this.jobs.find((j) => j.m === m); }

  /** Switches of load m in the hour up to nowS. */
  switchesInHour(m: number, nowS: number): number {
    const k = this.flap.maxPerHour;
    let c = 0;
    for (let i = 0; i < k; i++) if (this.swT[m * k + i] > 0 && this.swT[m * k + i] > nowS - 3600) c++;
    return c;
  }

  private noteSwitch(m: number, nowS: number): void {
    const k = this.flap.maxPerHour;
    // the oldest entry makes room
    let o = 0;
    for (let i = 1; i < k; i++) if (this.swT[m * k + i] < this.swT[m * k + o]) o = i;
    this.swT[m * k + o] = nowS;
    this.changedS[m] = nowS;
  }

  /**
   * 0 when an automatic change of load m may happen now; else R_HELD or R_BUDGET,
   * with why/whyV/whyV2/untilS of m set to say so.
   */
  blocked(m: number, nowS: number): number {
    if (this.changedS[m] > 0 && nowS - this.changedS[m] < this.holdS) return this.setWhy(m, R_HELD, this.holdS, this.changedS[m] + this.holdS);
    const k = this.flap.maxPerHour;
    const used = this.switchesInHour(m, nowS);
    if (used <= k - 2) return 0;
    // allowed again once all but k - 3 of the hour's switches have aged out
    const times: number[] = [];
    for (let i = 0; i < k; i++) if (this.swT[m * k + i] > 0 && this.swT[m * k + i] > nowS - 3600) times.push(this.swT[m * k + i]);
    times.sort((a, b) => a - b);
    return this.setWhy(m, R_BUDGET, used, times[used - k + 1] + 3600);
  }

  private setWhy(m: number, r: number, v: number, untilS: number): number {
    this.why[m] = r; this.whyV[m] = v; this.untilS[m] = untilS;
    return r;
  }

  /**
   * Decides every load (see the top of this file). With c.siteW given, a tick where
   * nothing the rules read has changed since the last full evaluation, no load is shed
   * and the site is below the limit returns at once: its outcome would be the same.
   */
  evaluate(nowS: number, c: Conditions): void {
    const reg = this.reg;
    const n = reg.count;
    const z = this.seen;
    if (c.siteW !== undefined && nowS < z.nextS && z.shed === 0 && c.siteW <= this.limitW - 1 && z.ver === this.ver && z.n === n && z.jobs === this.jobs.length &&
      z.limitW === this.limitW && same(z.priceMc, c.priceMc) && same(z.renewPct, c.renewPct)) return;
    this.full(nowS, c, n);
  }

  private full(nowS: number, c: Conditions, n: number): void {
    const reg = this.reg;
    const seq0 = this.seq;
    const want = new Int8Array(n);
    const why = new Uint8Array(n);
    const v = new Float64Array(n);
    const v2 = new Float64Array(n);
    const v3 = new Float64Array(n).fill(NaN);
    const off = new Uint8Array(n);
    let total = 0;
    for (let m = 0; m < n; m++) {
      off[m] = c.offline && c.offline(m) ? 1 : 0;
      const p = c.powerW(m);
      if (!off[m] && isFinite(p)) total += p;
      const j = this.job(m);
      if (j && nowS >= j.endS) this.jobs.splice(this.jobs.indexOf(j), 1);
      else if (j && nowS >= j.startS) j.running = true;
      if (this.ovr[m] >= 0 && nowS >= this.ovrUntilS[m]) this.ovr[m] = -1;
      want[m] = 1; why[m] = R_OK; v[m] = NaN; v2[m] = NaN;
      if (!reg.hasRelay(m)) continue;
      const maxPriceMc = reg.maxPrice(m);
      const minRenewPct = reg.minRenew(m);
      if (this.ovr[m] >= 0) { want[m] = this.ovr[m]; why[m] = R_MANUAL; v[m] = this.ovrUntilS[m]; }
      else if (j && nowS < j.endS) { want[m] = j.running ? 1 : 0; why[m] = j.running ? R_START : R_PLAN; v[m] = j.startS; }
      else if (maxPriceMc !== undefined && c.priceMc > maxPriceMc) { want[m] = 0; why[m] = R_PRICE; v[m] = c.priceMc; v2[m] = maxPriceMc; }
      else if (minRenewPct !== undefined && c.renewPct < minRenewPct) { want[m] = 0; why[m] = R_RENEW; v[m] = c.renewPct; v2[m] = minRenewPct; }
    }
    if (c.siteW !== undefined) c.siteW = total;
    // Shedding against the contracted limit: lowest priority number first, at once (protection).
    for (;;) {
      let pick = -1;
      for (let m = 0; m < n; m++) {
        const ok = reg.hasRelay(m) && !off[m] && why[m] !== R_MANUAL && this.state[m] === 1 && want[m] === 1 && isNaN(this.shedW[m]);
        if (ok && (pick < 0 || reg.priority[m] < reg.priority[pick])) pick = m;
      }
      if (total <= this.limitW || pick < 0) break;
      const p = c.powerW(pick);
      this.shedW[pick] = isFinite(p) ? p : 0;
      this.shedAtW[pick] = total;
      total -= this.shedW[pick];
    }
    // Reconnection below the hysteresis band, highest priority first, of loads whose hold and budget allow it.
    const backW = this.limitW * (100 - this.flap.hystPct) / 100;
    for (;;) {
      let pick = -1;
      for (let m = 0; m < n; m++) {
        if (isNaN(this.shedW[m])) continue;
        // a shed load that a person or a plan now holds off is no longer shed by the limit
        if (why[m] === R_MANUAL || want[m] === 0 || off[m]) { this.shedW[m] = NaN; continue; }
        this.setWhy(m, R_LIMIT, total + this.shedW[m], NaN);
        if (total + this.shedW[m] > backW || this.blocked(m, nowS)) continue;
        if (pick < 0 || reg.priority[m] > reg.priority[pick]) pick = m;
      }
      if (pick < 0) break;
      why[pick] = R_RECONNECT; v[pick] = total; v2[pick] = backW; v3[pick] = this.shedW[pick];
      total += this.shedW[pick];
      this.shedW[pick] = NaN;
    }
    for (let m = 0; m < n; m++) {
      if (off[m]) { this.setWhy(m, R_OFFLINE, NaN, NaN); continue; }
      const shed = !isNaN(this.shedW[m]);
      if (shed) { want[m] = 0; why[m] = R_LIMIT; v[m] = this.shedAtW[m]; v2[m] = this.limitW; v3[m] = this.shedW[m]; }
      if (want[m] === this.state[m]) {
        if (!shed) this.setWhy(m, why[m], v[m], why[m] === R_MANUAL || why[m] === R_PLAN ? v[m] : NaN);
        continue;
      }
      // Shedding is protection and manual is a person: the other changes wait out the hold and fit the budget.
      const auto = why[m] !== R_MANUAL && !(why[m] === R_LIMIT && want[m] === 0);
      if (auto && why[m] !== R_RECONNECT && this.blocked(m, nowS)) continue;
      if (this.cmd.sendCommand(reg.address[m], want[m] ? "connect" : "disconnect") < 0) {
        this.failures++;
        if (why[m] === R_RECONNECT) this.shedW[m] = v3[m];
        continue;
      }
      this.state[m] = want[m];
      this.noteSwitch(m, nowS);
      if (!shed) this.shedAtW[m] = NaN;
      this.setWhy(m, why[m], v[m], NaN);
      this.log(nowS, m, want[m], why[m], v[m], v2[m], v3[m]);
    }
    // What this evaluation saw, and when its outcome can next change with time alone. A
    // load switched now states its reason once (R_RECONNECT, ...) and the next tick
    // restates it: then the next tick evaluates in full again.
    const z = this.seen;
    let next = this.seq !== seq0 ? -Infinity : Infinity, shed = 0;
    for (let m = 0; m < n; m++) {
      if (!isNaN(this.shedW[m])) shed++;
      if (this.ovr[m] >= 0 && this.ovrUntilS[m] < next) next = this.ovrUntilS[m];
      // a change still wanted: held (untilS says when it may happen), else a failed command retried next tick
      if (!off[m] && want[m] !== this.state[m]) {
        const w = this.why[m];
        const u = w === R_HELD || w === R_BUDGET ? this.untilS[m] : nowS;
        if (u < next) next = u;
      }
    }
    for (let i = 0; i < this.jobs.length; i++) {
      const j = this.jobs[i];
      const t = j.running ? j.endS : j.startS;
      if (t < next) next = t;
    }
    z.ver = this.ver; z.priceMc = c.priceMc; z.renewPct = c.renewPct; z.limitW = this.limitW; z.n = n; z.jobs = this.jobs.length;
    z.shed = shed; z.nextS = next;
  }
}
