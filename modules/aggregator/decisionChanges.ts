/**
 * What a person (or a machine client) changes in the decisions: a load pinned on or off,
 * a deferrable run planned, a logged decision overridden. Free functions over Decisions
 * rather than its methods, so that only the control routes' Storage module (route.ctl)
 * carries them and the planner (deferrable.ts): a class's methods are all resident on
 * Espruino, these run once per request. The tick (Decisions.evaluate) acts on what they
 * set at its next evaluation (each bumps dec.ver).
 */
import { Decisions, LOG_N, A_PLAN, R_AUTO, R_PLAN, R_CANCEL, R_OVERRIDE } from "./decisions";
import { PriceBook } from "./priceBook";
import { planStart } from "./deferrable";

/** Ring position of decision `id` in dec's log, -1 when it has left the log. */
export function findDecision(dec: Decisions, id: number): number {
  const i = (id - 1) % LOG_N;
  return id >= 1 && dec.lid[i] === id ? i : -1;
}

/** A person pins load m on (1) or off (0) until untilS, or gives it back to the rules (-1). */
export function manual(dec: Decisions, nowS: number, m: number, on: number, untilS: number): void {
  dec.ver++;
  dec.ovr[m] = on;
  dec.ovrUntilS[m] = untilS;
  // v: when the rules may first change the load (the minimum on/off time still runs)
  if (on < 0) dec.log(nowS, m, dec.state[m], R_AUTO, dec.changedS[m] > 0 ? Math.max(nowS, dec.changedS[m] + dec.holdS) : nowS, 0);
}

/** Plans a deferrable run of load m; returns the decision id, or an error text. */
export function schedule(dec: Decisions, nowS: number, m: number, durS: number, energyWh: number, deadlineS: number, green: boolean, prices: PriceBook, forecast: PriceBook | null): number | string {
  if (!dec.reg.hasRelay(m)) return "this load has no relay to start it";
  dec.ver++;
  const p = planStart(prices, forecast, nowS, durS, energyWh, deadlineS, green);
  if (!p) return "the run does not fit before the deadline";
  const old = dec.job(m);
  if (old) dec.jobs.splice(dec.jobs.indexOf(old), 1);
  if (dec.jobs.length >= 4) return "4 runs are already planned";
  dec.jobs.push({ m: m, startS: p.startS, endS: p.startS + durS, costMc: p.costMc, green: green, running: false });
  return dec.log(nowS, m, A_PLAN, R_PLAN, p.startS, p.costMc);
}

/** Undoes decision `id`: a planned run is cancelled, a switch is reversed for holdS x 12. */
export function override(dec: Decisions, nowS: number, id: number): string {
  const i = findDecision(dec, id);
  if (i < 0) return "no decision #" + id + " in the log";
  dec.ver++;
  const m = dec.lm[i];
  if (dec.la[i] === A_PLAN) {
    const j = dec.job(m);
    if (j) dec.jobs.splice(dec.jobs.indexOf(j), 1);
    dec.log(nowS, m, A_PLAN, R_CANCEL, id, 0);
    return "";
  }
  dec.ovr[m] = dec.la[i] ? 0 : 1;
  dec.ovrUntilS[m] = nowS + dec.holdS * 12;
  dec.log(nowS, m, dec.ovr[m], R_OVERRIDE, id, 0);
  return "";
}
