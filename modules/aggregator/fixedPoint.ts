/**
 * Exact decimal arithmetic on integers held in doubles. Every money and energy value
 * is an integer count of milli-units (mWh, milli-cents). Doubles hold integers
 * exactly up to 2^53 (9.007e15), on Espruino as on V8 (Espruino turns an overflowing
 * int32 product into a double); `|0` and other bitwise operators would cut to 32 bits,
 * so they are never applied to these values.
 */

/** round(a * b / div) with halves away from zero, exact while |a * b| < 2^53. */
export function mulDivRound(a: number, b: number, div: number): number {
  let p = a * b;
  const neg = p < 0;
  if (neg) p = -p;
  const r = p % div;
  let q = (p - r) / div;
  if (r * 2 >= div) q += 1;
  return neg ? -q : q;
}

/** An integer of milli-units (scale 10^places) as a decimal text, e.g. (-1234, 3) -> "-1.234". */
export function fmtFixed(v: number, places: number): string {
  const neg = v < 0;
  if (neg) v = -v;
  let s = "" + v;
  if (places > 0) {
    s = s.padStart(places + 1, "0");
    s = s.slice(0, s.length - places) + "." + s.slice(s.length - places);
  }
  return neg && v !== 0 ? "-" + s : s;
}

/** Decimal text to an integer scaled by 10^places; NaN when malformed or too precise. */
export function parseFixed(s: string, places: number): number {
  s = s.trim();
  let neg = false;
  if (s[0] === "-" || s[0] === "+") { neg = s[0] === "-"; s = s.slice(1); }
  const dot = s.indexOf(".");
  let ip = dot < 0 ? s : s.slice(0, dot);
  let fp = dot < 0 ? "" : s.slice(dot + 1);
  if (ip === "" && fp === "") return NaN;
  if (fp.length > places) return NaN;
  fp = fp.padEnd(places, "0");
  ip = ip + fp;
  let v = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return NaN;
    v = v * 10 + c;
  }
  return neg ? -v : v;
}
