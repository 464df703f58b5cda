import { RelayPort } from "../relay";

/** Espruino's digitalWrite / digitalRead, passed in (no globals in modules/). Pins are names ("E4"). */
export interface Gpio {
  write(pin: string, value: boolean): void;
  read(pin: string): boolean;
}

/**
 * A relay on GPIO: `out` drives the coil driver (high = closed unless activeLow), `sense`
 * (optional, "" for none) reads an auxiliary contact (high = closed unless activeLow).
 * Espruino's digitalWrite sets the pin to an output and digitalRead to an input.
 */
export function gpioRelay(gpio: Gpio, out: string, sense: string, activeLow: boolean): RelayPort {
  return {
    drive(closed: boolean): void {
      gpio.write(out, closed !== activeLow);
    },
    sense(): number {
      if (!sense) return -1;
      return gpio.read(sense) !== activeLow ? 1 : 0;
    },
  };
}

