/**
 * Day-ahead prices from an upload: CSV, JSON, or an ENTSO-E Transparency Platform
 * publication document (Publication_MarketDocument, type A44). Every format yields
 * PriceBlocks in milli-cents per kWh; the first problem found rejects the whole file
 * with its line (1-based; 0 when the format has no lines to point at) and a reason,
 * and the caller keeps its old prices.
 *
 * CSV: one "start,price" row per interval, start ISO 8601 (with Z/offset, or local),
 * price in EUR/MWh with at most two decimals; ";" separators with decimal commas are
 * accepted too; blank lines, "#" comments and one header line are skipped. Rows must
 * be consecutive at one step of 15, 30 or 60 minutes.
 * JSON: {"start": ISO, "resolution": "PT60M"|"PT30M"|"PT15M", "prices": [EUR/MWh...]}
 * or an array of such objects (priceCompact.ts: the one form the device parses itself).
 * This file runs in the browser (modules/web/priceFile.ts), the simulator and Node tools.
 */
import { PriceBlock } from "./priceBook";
import { TimeZone, parseIso } from "./localTime";
import { parseFixed } from "./fixedPoint";
import type { Aggregator } from "./aggregator";
import { MAX_POINTS, fail, priceOf, stepOf, parseJson, caught } from "./priceCompact";
import type { ImportError } from "./priceCompact";

export type { ImportError };
export { parseJson };

export function parseCsv(text: string, tz: TimeZone): PriceBlock[] {
  const lines = text.split("\n");
  const vals: number[] = [];
  let start = NaN;
  let step = 0;
  let header = false;
  for (let i = 0; i < lines.length; i++) {
    const ln = i + 1;
    const l = lines[i].trim();
    if (l === "" || l[0] === "#") continue;
    const semi = l.indexOf(";") >= 0;
    const f = l.split(semi ? ";" : ",");
    if (f.length !== 2) fail(ln, "expected 2 fields 'start,price', found " + f.length);
    const t = parseIso(f[0].trim(), tz);
    if (isNaN(t)) {
      if (!header && isNaN(start)) { header = true; continue; }
      fail(ln, "start '" + f[0].slice(0, 30) + "' is not an ISO 8601 time");
    }
    const p = priceOf(semi ? f[1].replace(",", ".") : f[1], ln);
    if (isNaN(start)) start = t;
    else {
      if (!step) {
        step = t - start;
        if (step !== 900 && step !== 1800 && step !== 3600) fail(ln, "step of " + step + " s is not 15, 30 or 60 minutes");
      }
      if (t !== start + step * vals.length) fail(ln, "not consecutive with the row before");
    }
    if (vals.length >= MAX_POINTS) fail(ln, "more than " + MAX_POINTS + " rows");
    vals.push(p);
  }
  if (!vals.length) fail(0, "no price rows");
  return [{ startS: start, stepS: step || 3600, values: new Int32Array(vals) }];
}

/** Line number of character position p. */
function lineAt(s: string, p: number): number {
  let n = 1;
  for (let i = s.indexOf("\n"); i >= 0 && i < p; i = s.indexOf("\n", i + 1)) n++;
  return n;
}

/**
 * Tiny XML scanner for the ENTSO-E document: no DOM, one pass of indexOf over the
 * text, elements found by name inside a [from, to) window. Enough for this schema
 * (no prefixes, no CDATA around the values we read).
 */
export function parseEntsoe(x: string): PriceBlock[] {
  function find(name: string, from: number, to: number): number[] | null {
    let o = from - 1;
    let c = "";
    do {
      o = x.indexOf("<" + name, o + 1);
      if (o < 0 || o >= to) return null;
      c = x[o + name.length + 1];
    } while (c !== ">" && c !== " " && c !== "\n" && c !== "\r" && c !== "\t");
    const a = x.indexOf(">", o);
    const e = x.indexOf("</" + name + ">", a);
    if (a < 0 || e < 0 || e >= to) fail(lineAt(x, o), "<" + name + "> is not closed");
    return [a + 1, e, e + name.length + 3];
  }
  function text(name: string, from: number, to: number, need: boolean): string {
    const r = find(name, from, to);
    if (!r) { if (need) fail(lineAt(x, from), "missing <" + name + ">"); return ""; }
    return x.slice(r[0], r[1]).trim();
  }
  const root = find("Publication_MarketDocument", 0, x.length);
  if (!root) {
    const ack = find("Acknowledgement_MarketDocument", 0, x.length);
    fail(1, ack ? "no data: " + text("text", ack[0], ack[1], false).slice(0, 80) : "not an ENTSO-E Publication_MarketDocument");
  }
  const end = root![1];
  if (text("type", root![0], end, true) !== "A44") fail(lineAt(x, root![0]), "document type is not A44 (day-ahead prices)");
  const out: PriceBlock[] = [];
  let ts = find("TimeSeries", root![0], end);
  if (!ts) fail(lineAt(x, root![0]), "no <TimeSeries>");
  while (ts) {
    const cur = text("currency_Unit.name", ts[0], ts[1], false);
    if (cur && cur !== "EUR") fail(lineAt(x, ts[0]), "currency " + cur + " is not EUR");
    const unit = text("price_Measure_Unit.name", ts[0], ts[1], false);
    if (unit && unit !== "MWH") fail(lineAt(x, ts[0]), "price unit " + unit + " is not MWH");
    const fill = text("curveType", ts[0], ts[1], false) === "A03";
    let per = find("Period", ts[0], ts[1]);
    if (!per) fail(lineAt(x, ts[0]), "no <Period> in <TimeSeries>");
    while (per) {
      const ti = find("timeInterval", per[0], per[1]);
      if (!ti) fail(lineAt(x, per[0]), "missing <timeInterval>");
      const ln = lineAt(x, ti![0]);
      const tz0 = { stdOffsetS: 0, euDst: false };
      const s = parseIso(text("start", ti![0], ti![1], true), tz0);
      const e = parseIso(text("end", ti![0], ti![1], true), tz0);
      if (isNaN(s) || isNaN(e) || e <= s) fail(ln, "timeInterval needs ISO 8601 start < end");
      const rp = find("resolution", per[0], per[1]);
      if (!rp) fail(lineAt(x, per[0]), "missing <resolution>");
      const step = stepOf(x.slice(rp![0], rp![1]).trim(), lineAt(x, rp![0]));
      const n = (e - s) / step;
      if (n !== Math.floor(n) || n > MAX_POINTS) fail(ln, "timeInterval is not a whole number of steps");
      const v = new Int32Array(n);
      const seen = new Uint8Array(n);
      let pt = find("Point", per[0], per[1]);
      while (pt) {
        // line numbers only on failure: counting lines per point would be quadratic
        const pos = +text("position", pt[0], pt[1], true);
        if (!(pos >= 1 && pos <= n && pos === Math.floor(pos))) fail(lineAt(x, pt[0]), "position " + pos + " outside 1.." + n);
        const amount = text("price.amount", pt[0], pt[1], true);
        const pv = parseFixed(amount, 2);
        v[pos - 1] = isNaN(pv) || pv < -1e6 || pv > 1e7 ? priceOf(amount, lineAt(x, pt[0])) : pv;
        seen[pos - 1] = 1;
        pt = find("Point", pt[2], per[1]);
      }
      for (let i = 0; i < n; i++) {
        if (seen[i]) continue;
        // curve A03 (variable sized blocks) omits a point equal to the one before it
        if (!fill || i === 0) fail(lineAt(x, per[0]), "position " + (i + 1) + " missing");
        v[i] = v[i - 1];
      }
      out.push({ startS: s, stepS: step, values: v });
      per = find("Period", per[2], ts[1]);
    }
    ts = find("TimeSeries", ts[2], end);
  }
  return out;
}

/** Detects the format by its first character and parses; returns blocks or an ImportError. */
export function importPrices(text: string, tz: TimeZone): PriceBlock[] | ImportError {
  const t = text.trim();
  try {
    if (t[0] === "<") return parseEntsoe(text);
    if (t[0] === "{" || t[0] === "[") return parseJson(t, tz);
    return parseCsv(t, tz);
  } catch (e) {
    return caught(e);
  }
}

/** Error text of an ImportError: "line N: reason". */
function errorText(r: ImportError): string {
  return "line " + r.line + ": " + r.reason;
}

/**
 * Imports a price file of any format into the aggregator; "" on success, else "line N:
 * reason" (old prices kept). For Node callers (tests, host tools): the device's route
 * takes only the compact form (priceCompact.ts loadCompact); the simulator parses on the
 * host and calls setPrices.
 */
export function loadPrices(agg: Aggregator, text: string): string {
  const r = importPrices(text, agg.cfg.tz);
  if (!Array.isArray(r)) return errorText(r);
  agg.setPrices(r);
  return "";
}

/** Imports a renewable availability forecast (%, any price format); "" on success, else "line N: reason". */
export function loadForecast(agg: Aggregator, text: string): string {
  const r = importPrices(text, agg.cfg.tz);
  if (!Array.isArray(r)) return errorText(r);
  agg.forecast.put(r);
  return "";
}
