// Date/time fields of the .cfg: "dd/mm/yyyy,hh:mm:ss.ssssss" (1999, 2013 with up to nine
// fractional digits) and "mm/dd/yy,hh:mm:ss.ssssss" (1991).
import type { ComtradeTimestamp, Revision } from "./types.ts";

/** Parses the two fields; returns null for an empty pair (allowed by lenient writers), or a
 *  string saying what is wrong. */
export function parseTimestamp(dateField: string, timeField: string, rev: Revision): ComtradeTimestamp | null | string {
  if (dateField === "" && timeField === "") return null;
  const d = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(dateField);
  if (!d) return `date '${dateField}' is not ${rev === 1991 ? "mm/dd/yy" : "dd/mm/yyyy"}`;
  const t = /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?$/.exec(timeField);
  if (!t) return `time '${timeField}' is not hh:mm:ss.ssssss`;
  let day = Number(rev === 1991 ? d[2] : d[1]);
  let month = Number(rev === 1991 ? d[1] : d[2]);
  // A day/month swap is the commonest writer mistake; accept it when unambiguous.
  if (month > 12 && day <= 12) [day, month] = [month, day];
  let year = Number(d[3]);
  if (d[3]!.length === 2) year += year >= 70 ? 1900 : 2000;
  const hour = Number(t[1]), minute = Number(t[2]), second = Number(t[3]);
  const frac = t[4] ?? "";
  const nanosecond = Number(frac.padEnd(9, "0") || "0");
  // 1999 and 2013 allow day 0 / month 0 for "unknown" (all-zero stamps), so only bounds are checked.
  if (month > 12 || day > 31 || hour > 23 || minute > 59 || second > 60) return `date/time '${dateField},${timeField}' is out of range`;
  return { year, month, day, hour, minute, second, nanosecond };
}

export function formatTimestamp(ts: ComtradeTimestamp, fractionDigits: 6 | 9): string {
  const p2 = (x: number): string => String(x).padStart(2, "0");
  const frac = String(ts.nanosecond).padStart(9, "0").slice(0, fractionDigits);
  return `${p2(ts.day)}/${p2(ts.month)}/${String(ts.year).padStart(4, "0")},${p2(ts.hour)}:${p2(ts.minute)}:${p2(ts.second)}.${frac}`;
}

/** Seconds since 1970 treating the stamp as UTC (the file's own zone is in timeCode). */
export function timestampToEpochS(ts: ComtradeTimestamp): number {
  return Date.UTC(ts.year, ts.month - 1, ts.day, ts.hour, ts.minute, ts.second) / 1000 + ts.nanosecond / 1e9;
}

export function timestampFromEpochS(epochS: number): ComtradeTimestamp {
  const whole = Math.floor(epochS);
  const d = new Date(whole * 1000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    nanosecond: Math.min(999_999_999, Math.round((epochS - whole) * 1e9)),
  };
}
