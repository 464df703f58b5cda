import type { Gpio } from "./relay";
import { deviceLog } from "./console";

/**
 * Espruino's digitalWrite / digitalRead. A pin error (a board without these pins) is
 * logged and the pin left undriven: the meter measures and bills whatever its relay does.
 */
export const deviceGpio: Gpio = {
  write: function (p: string, v: boolean) { try { digitalWrite(p, v); } catch (e) { deviceLog("meternet meter: relay pin " + p + ": " + e); } },
  read: function (p: string) { return !!digitalRead(p); },
};
