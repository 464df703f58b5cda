/** Number and time text for the UI: fixed widths, so a redrawn value covers the old one. */

// Padding is built from one constant, not a space per loop turn: on the Cortex-M3 rig a
// loop of 18 turns cost 258 k instructions against 53 k for one substr (bench/device
// README "Touchscreen redraws"), and the network and energy screens pad every field.
const SPACES = "                                ";
// The calls below are marked NOINLINE: where a screen module uses a helper once, terser would
// inline it as a function expression, which Espruino parses and creates anew on every call
// (measure pads nine fields per reading); kept a function, it costs a few JsVars while the
// screen is open and no parsing per call.

function spaces(n: number): string {
  let s = "";
  while (n > SPACES.length) { s += SPACES; n -= SPACES.length; }
  return s + SPACES.substring(0, n);
}

/** Left-pads to `width` (right-aligned text). */
export function pad(s: string, width: number): string {
  return s.length < width ? /*@__NOINLINE__*/ spaces(width - s.length) + s : s;
}

/** Right-pads to `width` (left-aligned text that fully covers the previous one). */
export function padR(s: string, width: number): string {
  return s.length < width ? s + /*@__NOINLINE__*/ spaces(width - s.length) : s;
}

/** `x` with `dp` decimals right-aligned in `width` characters; "---" for a missing value. */
export function num(x: number | undefined | null, dp: number, width: number): string {
  const s = x === undefined || x === null || !isFinite(x) ? "---" : x.toFixed(dp);
  return /*@__NOINLINE__*/ pad(s, width);
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
  return /*@__NOINLINE__*/ hhmm(utcS) + ":" + two(Math.floor(utcS) % 60);
}

/** Energy in Wh with a unit that keeps it in 9 characters: "12345.6 Wh" up to 99 999 Wh, then kWh, then MWh. */
export function energy(wh: number | null | undefined): string {
  if (wh === null || wh === undefined || !isFinite(wh)) return "      --- Wh";
  const a = Math.abs(wh);
  if (a < 1e5) return num(wh, 1, 9) + " Wh";
  if (a < 1e8) return num(wh / 1000, 2, 8) + " kWh";
  return num(wh / 1e6, 3, 8) + " MWh";
}

/**
 * [year, month 1..12, day 1..31] of a UTC time, s, by arithmetic (H. Hinnant's
 * days-to-civil): Espruino has no getUTCDate, and getDate depends on E.setTimeZone.
 */
export function civil(utcS: number): number[] {
  const z = Math.floor(utcS / 86400) + 719468, era = Math.floor(z / 146097), doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100)), mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, doy - Math.floor((153 * mp + 2) / 5) + 1];
}
