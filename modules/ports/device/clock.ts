import { Clock } from "../clock";

/** Espruino's getTime() is seconds (float) since power-on: milliseconds since power-on. */
export function espruinoNowMs(): number {
  return getTime() * 1000;
}

export function espruinoClock(): Clock {
  return { nowMs: espruinoNowMs };
}
