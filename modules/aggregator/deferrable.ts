/**
 * Choosing when a deferrable load runs. The energy is spread evenly over the run, so
 * the cost of a start time is proportional to the sum over the run of
 * price x seconds-of-overlap; the cheapest start minimises it, the greenest maximises
 * renewable availability x overlap. Starts are on quarter-hour boundaries from the next
 * one on, and the run must end by the deadline. Integer arithmetic throughout.
 */
import { PriceBook } from "./priceBook";
import { mulDivRound } from "./fixedPoint";

export interface Plan {
  startS: number;
  /** Expected cost in milli-cents, NaN when the window has no prices. */
  costMc: number;
  /** False when no start had prices for its whole run: the plan is "as soon as possible". */
  priced: boolean;
}

/** Weighted sum of book values over [s, s + durS), NaN when a part is uncovered. */
function weighted(book: PriceBook, s: number, durS: number): number {
  let sum = 0;
  let t = s;
  const end = s + durS;
  while (t < end) {
    const v = book.at(t);
    if (isNaN(v)) return NaN;
    const next = Math.min(end, (Math.floor(t / 900) + 1) * 900);
    sum += v * (next - t);
    t = next;
  }
  return sum;
}

/**
 * Best start in [now, deadline - dur]. `green` with a forecast picks the most
 * renewable window, otherwise the cheapest; price ties go to the earliest start.
 */
export function planStart(prices: PriceBook, forecast: PriceBook | null, nowS: number, durS: number, energyWh: number, deadlineS: number, green: boolean): Plan | null {
  const first = Math.ceil(nowS / 900) * 900;
  if (first + durS > deadlineS || durS <= 0) return null;
  let best = NaN;
  let bestS = first;
  for (let s = first; s + durS <= deadlineS; s += 900) {
    const w = green && forecast ? -weighted(forecast, s, durS) : weighted(prices, s, durS);
    if (!isNaN(w) && (isNaN(best) || w < best)) { best = w; bestS = s; }
  }
  const p = weighted(prices, bestS, durS);
  // Wh x (mc/kWh x s) / s / 1000 = mc
  return { startS: bestS, costMc: isNaN(p) ? NaN : mulDivRound(energyWh, p, durS * 1000), priced: !isNaN(best) };
}
