/**
 * The simulated meter's board parts that outlive its runtime: the I2C FRAM with the
 * billing state (host/runtime/fram.ts) and the relay's coil and feedback pins. The
 * runtime's globals are made again at every reset, load and power-on; these parts keep
 * their state, as the chips do, so a restarted meter restores its registers, epoch and
 * relay from the FRAM (modules/persist).
 */
import { FramModel, framI2c } from "../runtime/fram.ts";
import { RELAY_PIN, RELAY_SENSE_PIN } from "../../modules/persist/boardPins.ts";

export class SimMeterBoard {
  readonly fram = new FramModel();
  /** Pin levels by name; the feedback contact follows the coil unless `stuck` (a welded or broken contact). */
  readonly pins: Record<string, number> = {};
  stuck: number | null = null;

  /** I2C1, digitalWrite and digitalRead for the runtime's globals. */
  globals(): Record<string, unknown> {
    const bus = framI2c(this.fram);
    return {
      I2C1: bus,
      digitalWrite: (pin: unknown, v: unknown) => { this.pins[String(pin)] = v ? 1 : 0; },
      digitalRead: (pin: unknown) => {
        const p = String(pin);
        if (p === RELAY_SENSE_PIN) return this.stuck !== null ? this.stuck : this.pins[RELAY_PIN] ? 1 : 0;
        return this.pins[p] ? 1 : 0;
      },
    };
  }

  /** The coil's state: true closed (the load is supplied); undefined before the app drove it. */
  relayClosed(): boolean | undefined {
    const v = this.pins[RELAY_PIN];
    return v === undefined ? undefined : v === 1;
  }
}
