/** Number and time text for the UI: fixed widths, so a redrawn value covers the old one. */

/** `x` with `dp` decimals right-aligned in `width` characters; "---" for a missing value. */
export function num(x: number | undefined | null, dp: number, width: number): string {
  const s = x === undefined || x === null || !isFinite(x) ? "---" : x.toFixed(dp);
  return pad(s, width);
}

/** Left-pads to `width` (right-aligned text). */
export function pad(s: string, width: number): string {
  while (s.length < width) s = " " + s;
  return s;
}

/** Right-pads to `width` (left-aligned text that fully covers the previous one). */
export function padR(s: string, width: number): string {
  while (s.length < width) s += " ";
  return s;
}

function two(n: number): string {
  return n < 10 ? "0" + n : "" + n;
}

/** "HH:MM" of a UTC time, s. */
export function hhmm(utcS: number): string {
  const d = Math.floor(utcS / 60);
  return two(Math.floor(d / 60) % 24) + ":" + two(d % 60);
}

/** "HH:MM:SS" of a UTC time, s. */
export function hhmmss(utcS: number): string {
  return hhmm(utcS) + ":" + two(Math.floor(utcS) % 60);
}

/** Energy in Wh with a unit that keeps it in 9 characters: "12345.6 Wh" up to 99 999 Wh, then kWh, then MWh. */
export function energy(wh: number | null | undefined): string {
  if (wh === null || wh === undefined || !isFinite(wh)) return "      --- Wh";
  const a = Math.abs(wh);
  if (a < 1e5) return num(wh, 1, 9) + " Wh";
  if (a < 1e8) return num(wh / 1000, 2, 8) + " kWh";
  return num(wh / 1e6, 3, 8) + " MWh";
}
