/**
 * Numbers, money and site-local times as the pages show them. Times are the site's
 * (the zone rule /api/state sends, modules/aggregator/localTime.ts), not the browser's;
 * on a day when the offset changes, times carry it ("02:00 UTC+2").
 */
import { TimeZone, utcOffsetS, localDay, dayStartS, localText, dayText } from "../aggregator/localTime";

export const site = { tz: { stdOffsetS: 0, euDst: false } as TimeZone };

/** "UTC+2", "UTC+5:30". */
export function offsetText(tS: number): string {
  const o = utcOffsetS(site.tz, tS) / 60;
  const a = Math.abs(o);
  return "UTC" + (o < 0 ? "-" : "+") + Math.floor(a / 60) + (a % 60 ? ":" + String(a % 60).padStart(2, "0") : "");
}

/** True when local day `day` is not 24 hours long (a DST change). */
export const dstDay = (day: number) => dayStartS(site.tz, day + 1) - dayStartS(site.tz, day) !== 86400;

/** "14:15", with the offset on a DST-change day. */
export function hm(tS: number): string {
  const t = localText(site.tz, tS).slice(11);
  return dstDay(localDay(site.tz, tS)) ? t + " " + offsetText(tS) : t;
}

/** "2026-03-29 14:15", with the offset on a DST-change day. */
export const dateTime = (tS: number) => localText(site.tz, tS).slice(0, 11) + hm(tS);

export const dayOf = (tS: number) => dayText(localDay(site.tz, tS));

/** "12 s", "5 min", "3 h", "2 d" since tS; "never" when unknown. */
export function age(nowS: number, tS: number | null): string {
  if (!(tS! > 0)) return "never";
  const a = Math.max(0, Math.round(nowS - tS!));
  return a < 120 ? a + " s" : a < 7200 ? Math.round(a / 60) + " min" : a < 172800 ? Math.round(a / 3600) + " h" : Math.round(a / 86400) + " d";
}

/** "1234567.5" -> "1 234 567.5": digits grouped by three before the point only. */
const group = (i: string, f?: string) => i.replace(/\B(?=(\d{3})+$)/g, "\u202f") + (f ? "." + f : "");

/** Fixed decimals, grouped, a true minus sign; "–" when unknown. */
export function num(v: number | null | undefined, places = 0): string {
  if (v === null || v === undefined || !isFinite(v)) return "–";
  const [i, f] = Math.abs(v).toFixed(places).split(".");
  return (v < 0 && +v.toFixed(places) !== 0 ? "−" : "") + group(i, f);
}

/**
 * Exact decimal text ("12.34567") rounded half away from zero to `places` decimals,
 * in integers, so no binary fraction creeps in: money in the currency's minor unit.
 */
export function roundText(t: string, places: number): string {
  const neg = t[0] === "-";
  const [i, f = ""] = (neg ? t.slice(1) : t).split(".");
  const digits = BigInt(i + f.padEnd(places + 1, "0").slice(0, places + 1));
  const q = (digits + 5n) / 10n;
  const s = q.toString().padStart(places + 1, "0");
  return (neg && q !== 0n ? "−" : "") + (places ? group(s.slice(0, -places), s.slice(-places)) : group(s));
}
