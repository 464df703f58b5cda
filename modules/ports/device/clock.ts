import { Clock } from "../clock";

/** Espruino's getTime() is seconds (float) since power-on. */
export function espruinoClock(): Clock {
  return { nowMs(): number { return getTime() * 1000; } };
}
