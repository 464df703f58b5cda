import type { LogLine } from "../log";
import type { Gpio } from "./relay";

/**
 * Espruino's digitalWrite / digitalRead. A pin error (a board without these pins) is
 * logged and the pin left undriven: the meter measures and bills whatever its relay does.
 */
export function deviceGpio(log: LogLine): Gpio {
  return {
    write: function (p: string, v: boolean) { try { digitalWrite(p, v); } catch (e) { log("meternet meter: relay pin " + p + ": " + e); } },
    read: function (p: string) { return !!digitalRead(p); },
  };
}
