/**
 * Local civil time without a tz database: the device knows one fixed rule.
 * A zone is its standard offset plus, optionally, the EU summer-time rule
 * (Directive 2000/84/EC): +1 h from the last Sunday of March 01:00 UTC to the last
 * Sunday of October 01:00 UTC, the same instant in every EU zone. Europe/Brussels is
 * { stdOffsetS: 3600, euDst: true }. All instants are UTC epoch seconds; a "day" is a
 * local day number (days since 1970-01-01 in local civil time), so a local day lasts
 * 23, 24 or 25 hours and a 15-minute interval belongs to the local day of its start.
 */
export interface TimeZone { stdOffsetS: number; euDst: boolean; }

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
export function daysFromCivil(y: number, m: number, d: number): number {
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** The date of a day number packed as yyyymmdd (one number, no array to allocate). */
export function civilFromDays(z: number): number {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return (yoe + era * 400 + (m <= 2 ? 1 : 0)) * 10000 + m * 100 + d;
}

function lastSundayDay(y: number, m: number): number {
  const last = daysFromCivil(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1) - 1;
  return last - ((last + 4) % 7); // 1970-01-01 was a Thursday (weekday 4, Sunday 0)
}

/** UTC offset in force at instant tS. */
export function utcOffsetS(tz: TimeZone, tS: number): number {
  if (!tz.euDst) return tz.stdOffsetS;
  const y = Math.floor(civilFromDays(Math.floor(tS / 86400)) / 10000);
  const on = lastSundayDay(y, 3) * 86400 + 3600;
  const off = lastSundayDay(y, 10) * 86400 + 3600;
  return tS >= on && tS < off ? tz.stdOffsetS + 3600 : tz.stdOffsetS;
}

/** Local day number of instant tS. */
export function localDay(tz: TimeZone, tS: number): number {
  return Math.floor((tS + utcOffsetS(tz, tS)) / 86400);
}

/** UTC instant of local midnight starting local day `day` (EU switches never at midnight). */
export function dayStartS(tz: TimeZone, day: number): number {
  return day * 86400 - utcOffsetS(tz, day * 86400 - tz.stdOffsetS);
}

function p2(n: number): string { return (n < 10 ? "0" : "") + n; }

/** "YYYY-MM-DD" of a local day number. */
export function dayText(day: number): string {
  const c = civilFromDays(day);
  return Math.floor(c / 10000) + "-" + p2(Math.floor(c / 100) % 100) + "-" + p2(c % 100);
}

/** "YYYY-MM-DD HH:MM" in local time. */
export function localText(tz: TimeZone, tS: number): string {
  const l = tS + utcOffsetS(tz, tS);
  const s = ((l % 86400) + 86400) % 86400;
  return dayText(Math.floor(l / 86400)) + " " + p2(Math.floor(s / 3600)) + ":" + p2(Math.floor(s / 60) % 60);
}

function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = s.charCodeAt(k) - 48;
    if (!(c >= 0 && c <= 9)) return NaN;
    v = v * 10 + c;
  }
  return v;
}

/** Parses "YYYY-MM-DD" into a local day number, NaN when malformed. */
export function parseDay(s: string): number {
  if (s.length !== 10 || s[4] !== "-" || s[7] !== "-") return NaN;
  const m = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  if (m < 1 || m > 12 || d < 1 || d > 31) return NaN;
  return daysFromCivil(digits(s, 0, 4), m, d);
}

/**
 * Parses ISO 8601 "YYYY-MM-DDTHH:MM[:SS]" followed by "Z" or "+HH:MM"/"-HH:MM"
 * (ENTSO-E writes "2026-03-28T23:00Z"); without a zone suffix the time is local in tz.
 * Returns UTC epoch seconds or NaN.
 */
export function parseIso(s: string, tz: TimeZone): number {
  const day = parseDay(s.slice(0, 10));
  if (isNaN(day) || (s[10] !== "T" && s[10] !== " ") || s[13] !== ":") return NaN;
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  let i = 16;
  let sec = 0;
  if (s[i] === ":") { sec = digits(s, 17, 2); i = 19; }
  if (!(h < 24 && mi < 60 && sec < 60)) return NaN;
  const local = day * 86400 + h * 3600 + mi * 60 + sec;
  const rest = s.slice(i);
  if (rest === "Z") return local;
  if (rest === "") return local - utcOffsetS(tz, local - tz.stdOffsetS);
  if (rest.length !== 6 || rest[3] !== ":" || (rest[0] !== "+" && rest[0] !== "-")) return NaN;
  const off = digits(rest, 1, 2) * 3600 + digits(rest, 4, 2) * 60;
  return rest[0] === "+" ? local - off : local + off;
}
