/**
 * The compact price series, the only form the device parses: JSON
 * {"start": ISO, "resolution": "PT60M"|"PT30M"|"PT15M", "prices": [EUR/MWh...]} or an
 * array of such objects, what the browser app (modules/web/priceFile.ts), the simulator
 * and Node tools make from a price file. The raw formats (ENTSO-E A44 XML, CSV) are
 * parsed off the device (priceImport.ts): their parser was a third of route.ctl's
 * Storage bytes (3 KB stored) and held a raw file (11 KB for a 15-minute day of XML)
 * in RAM while it ran. A raw file posted to the device is refused with a JSON error
 * that says where to parse it.
 */
import { PriceBlock } from "./priceBook";
import { TimeZone, parseIso } from "./localTime";
import { parseFixed } from "./fixedPoint";
import type { Aggregator } from "./aggregator";

export interface ImportError { line: number; reason: string; }
export const MAX_POINTS = 400;

export function fail(line: number, reason: string): never {
  throw { line: line, reason: reason };
}

/** Price text "EUR/MWh" -> mc/kWh (x100), rejecting more than two decimals. */
export function priceOf(text: string, line: number): number {
  const v = parseFixed(text, 2);
  if (isNaN(v)) fail(line, "price '" + text.slice(0, 20) + "' is not a number with at most 2 decimals");
  if (v < -1e6 || v > 1e7) fail(line, "price out of range -10000..100000 EUR/MWh");
  return v;
}

export function stepOf(res: string, line: number): number {
  const s = res === "PT60M" || res === "PT1H" ? 3600 : res === "PT30M" ? 1800 : res === "PT15M" ? 900 : 0;
  if (!s) fail(line, "resolution '" + res + "' is not PT15M, PT30M or PT60M");
  return s;
}

export function parseJson(text: string, tz: TimeZone): PriceBlock[] {
  let o: any;
  try { o = JSON.parse(text); } catch (e) { fail(0, "not valid JSON"); }
  if (!Array.isArray(o)) o = [o];
  const out: PriceBlock[] = [];
  for (let b = 0; b < o.length; b++) {
    const x = o[b];
    const where = "block " + (b + 1) + ": ";
    if (!x || typeof x.start !== "string" || !Array.isArray(x.prices)) fail(0, where + "needs start (text) and prices (array)");
    const t = parseIso(x.start, tz);
    if (isNaN(t)) fail(0, where + "start is not an ISO 8601 time");
    const step = stepOf(x.resolution === undefined ? "PT60M" : x.resolution, 0);
    const n = x.prices.length;
    if (!n || n > MAX_POINTS) fail(0, where + "needs 1.." + MAX_POINTS + " prices");
    const v = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const p = x.prices[i];
      if (typeof p !== "number" || !isFinite(p)) fail(0, where + "prices[" + i + "] is not a number");
      v[i] = priceOf("" + Math.round(p * 100) / 100, 0);
      if (Math.abs(p * 100 - v[i]) > 1e-6) fail(0, where + "prices[" + i + "] has more than 2 decimals");
    }
    out.push({ startS: t, stepS: step, values: v });
  }
  return out;
}

/** Catches a parser's ImportError; anything else thrown is "unreadable file". */
export function caught(e: unknown): ImportError {
  const err = e as ImportError;
  return err && typeof err.reason === "string" ? err : { line: 0, reason: "unreadable file" };
}

/** What the device answers a raw file with (the API's 415, actions.ts). */
export const RAW_REFUSED = "a raw price file (ENTSO-E XML, CSV) is not parsed on the device: open it on the web app's Prices page, " +
  "or send it with `meternet prices --url URL --token T FILE` (both parse it and post the compact JSON [{start, resolution, prices}])";

/** True when the upload is not the compact JSON form (a raw file: XML, CSV). */
export function isRaw(text: string): boolean {
  const c = text.trim()[0];
  return c !== "{" && c !== "[";
}

/** The compact series, or an ImportError ("line 0: ..."). */
export function compactBlocks(text: string, tz: TimeZone): PriceBlock[] | ImportError {
  try {
    return parseJson(text.trim(), tz);
  } catch (e) {
    return caught(e);
  }
}

/**
 * The device's import (route.ctl): a compact series into the aggregator's prices
 * (forecast: its renewable forecast, %); "" on success, else "line N: reason" with the
 * old series kept. A raw file is the caller's to refuse first (isRaw).
 */
export function loadCompact(agg: Aggregator, text: string, forecast: boolean): string {
  const r = compactBlocks(text, agg.cfg.tz);
  if (!Array.isArray(r)) return "line " + r.line + ": " + r.reason;
  if (forecast) agg.forecast.put(r);
  else agg.setPrices(r);
  return "";
}
