/**
 * The site data files of host/sim/data/ (see its README: what they are, where they come
 * from, licence): 96 quarter-hour values of a local day ("HH:MM,value" rows), turned
 * into the CSV that the aggregator's import reads (modules/aggregator/priceImport.ts:
 * "start,value" rows, UTC ISO times, 15-minute steps) for the simulated dates. A
 * local day has 92, 96 or 100 quarter hours (EU summer time): each instant takes the
 * value of its local time of day, so the repeated autumn hour repeats its values.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type TimeZone, utcOffsetS, dayStartS } from "../../modules/aggregator/localTime.ts";

export const DATA_DIR = fileURLToPath(new URL("./data/", import.meta.url));
export const PRICE_FILE = "dayahead-synthetic.csv";
export const FORECAST_FILE = "renewable-forecast-synthetic.csv";
/** Shown wherever the prices appear (terminal, summary): they are not market data. */
export const PRICE_SOURCE = "SYNTHETIC day-ahead profile (host/sim/data/" + PRICE_FILE + "), not market data";
export const FORECAST_SOURCE = "SYNTHETIC renewable forecast profile (host/sim/data/" + FORECAST_FILE + ")";

/** The 96 values of a profile file; throws with the line and reason on anything else. */
export function readProfile(path: string): number[] {
  const out: number[] = [];
  const lines = readFileSync(path, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim();
    if (l === "" || l.startsWith("#")) continue;
    const m = /^(\d\d):(\d\d),(-?\d+(\.\d{1,2})?)$/.exec(l);
    if (!m) throw new Error(`${path}:${i + 1}: expected "HH:MM,value" with at most 2 decimals, got '${l.slice(0, 40)}'`);
    const q = Number(m[1]) * 4 + Number(m[2]) / 15;
    if (q !== out.length) throw new Error(`${path}:${i + 1}: expected ${String(Math.floor(out.length / 4)).padStart(2, "0")}:${String((out.length % 4) * 15).padStart(2, "0")}, got ${m[1]}:${m[2]}`);
    out.push(Number(m[3]));
  }
  if (out.length !== 96) throw new Error(`${path}: ${out.length} quarter hours, expected 96`);
  return out;
}

/** Value of the profile in force at instant tS (local time of day of the site). */
export function profileAt(profile: number[], tz: TimeZone, tS: number): number {
  const local = tS + utcOffsetS(tz, tS);
  const sod = ((local % 86400) + 86400) % 86400;
  return profile[Math.floor(sod / 900)];
}

/** Import CSV of the profile for `days` local days from local day `fromDay` (days since 1970-01-01). */
export function seriesCsv(profile: number[], tz: TimeZone, fromDay: number, days: number): { csv: string; points: number; startS: number; endS: number } {
  const startS = dayStartS(tz, fromDay);
  const endS = dayStartS(tz, fromDay + days);
  let csv = "start,value\n";
  let points = 0;
  for (let t = startS; t < endS; t += 900) {
    csv += new Date(t * 1000).toISOString().replace(".000", "") + "," + profileAt(profile, tz, t).toFixed(2) + "\n";
    points++;
  }
  return { csv, points, startS, endS };
}
