/**
 * Bills from the day ledger: each closed 15-minute interval was priced when it
 * closed (import at the day-ahead price plus the configured adder, export at its own
 * tariff) and rounded to the milli-cent, so a bill is an exact integer sum of ledger
 * rows. Periods are whole local days (23, 24 or 25 hours) within the 32 days held;
 * the interval in progress is not billed yet.
 */
import { ReadingsStore, LEDGER_DAYS } from "./readingsStore";
import { Registry } from "./registry";
import { civilFromDays, daysFromCivil, dayText } from "./localTime";
import { fmtFixed } from "./fixedPoint";

/**
 * Every meter's [import mWh, export mWh, cost mc, credit mc] over [fromDay, toDay], meter m
 * at 4m: each day of the period read once for the whole bill (a bill's rows are sums of
 * these), not once per row (a month's bill at 64 meters read each day 80 times).
 */
export function billAll(store: ReadingsStore, reg: Registry, fromDay: number, toDay: number): Float64Array {
  return store.sumOf((m) => (m < reg.count ? m : -1), fromDay, toDay, new Float64Array(4 * reg.count));
}

/** Sum of billAll's rows `all` over the meters for which `pick(m)` holds: [import mWh, export mWh, cost mc, credit mc]. */
export function billOf(all: Float64Array, reg: Registry, pick: (m: number) => boolean): Float64Array {
  const out = new Float64Array(4);
  for (let m = 0; m < reg.count; m++) if (pick(m)) for (let j = 0; j < 4; j++) out[j] += all[4 * m + j];
  return out;
}

/** Sum over meter rows for which `pick(m)` holds over [fromDay, toDay]: [import mWh, export mWh, cost mc, credit mc]. */
export function bill(store: ReadingsStore, reg: Registry, pick: (m: number) => boolean, fromDay: number, toDay: number): Float64Array {
  return billOf(billAll(store, reg, fromDay, toDay), reg, pick);
}

/** First day of the month of local day `day`. */
export function monthStartDay(day: number): number {
  const c = civilFromDays(day);
  return daysFromCivil(Math.floor(c / 10000), Math.floor(c / 100) % 100, 1);
}

/** Households in registry order, each once. */
export function households(reg: Registry): string[] {
  const h: string[] = [];
  for (let i = 0; i < reg.count; i++) if (h.indexOf(reg.household(i)) < 0) h.push(reg.household(i));
  return h;
}

export const kWh = (mWh: number) => fmtFixed(mWh, 6);
export const eur = (mc: number) => fmtFixed(mc, 5);
export const CSV_HEAD = "date,address,load,household,import_kWh,import_cost_EUR,export_kWh,export_credit_EUR,net_EUR\r\n";

/**
 * CSV lines, one per held day in [fromDay, toDay] and meter, oldest first: call with
 * k = 0, 1, ... until it returns null (one day per call, so a page streams it).
 */
export function csvDay(store: ReadingsStore, reg: Registry, fromDay: number, toDay: number, k: number): string | null {
  let first = Math.max(fromDay, toDay - LEDGER_DAYS + 1);
  const day = first + k;
  if (day > toDay) return null;
  let s = "";
  const q = (t: string) => '"' + t.replace(/"/g, '""') + '"';
  for (let m = 0; m < reg.count; m++) {
    const b = store.sum(m, day, day, new Float64Array(4));
    if (!b[0] && !b[1]) continue;
    s += dayText(day) + "," + reg.address[m] + "," + q(reg.name(m)) + "," + q(reg.household(m)) + "," + kWh(b[0]) + "," + eur(b[2]) + "," + kWh(b[1]) + "," + eur(b[3]) + "," + eur(b[2] - b[3]) + "\r\n";
  }
  return s;
}
