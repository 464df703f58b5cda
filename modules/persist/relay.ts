/**
 * The meter's load relay: safe state at boot, the commanded state restored after a power
 * cut, commanded and actual (feedback contact) state reported. The commanded state is
 * written to the FRAM record BEFORE the coil is driven, so after a cut at any instant
 * the restored state is the one the relay was left in (written and driven, or neither).
 *
 * Boot: the coil is driven once, to the record's commanded state when `restore` is set
 * and a record holds one, else to `safeClosed` (closed for a load that must run, e.g. a
 * fridge; open for one that must not start unattended). The record is read before the
 * first drive, so a restored relay does not pass through the safe state. From reset
 * until this code runs (about a second) the coil driver's pull resistor holds the
 * board's hardware default: fit it to the same safe state.
 */
import { RelayPort } from "../ports/relay";
import { BillingStore } from "./billingStore";
import { RELAY_UNKNOWN, B_RELAY } from "./billingRecord";

export class Relay {
  /** Commanded state, true closed. */
  closed: boolean;
  /** Commands whose state could not be written to the FRAM (the relay was driven anyway). */
  persistFails = 0;
  /** Where the boot state came from: "restored" or "safe". */
  readonly bootFrom: string;

  /** `store` null: no FRAM answered; the relay then boots in its safe state and nothing is written. */
  constructor(readonly port: RelayPort, readonly store: BillingStore | null, safeClosed: boolean, restore: boolean) {
    const r = store ? store.saved.bytes[B_RELAY] : RELAY_UNKNOWN;
    const useSaved = restore && r !== RELAY_UNKNOWN;
    this.closed = useSaved ? r === 1 : safeClosed;
    this.bootFrom = useSaved ? "restored" : "safe";
    port.drive(this.closed);
  }

  /** Commands the relay (true closed): persisted first, then driven. Returns true (the coil was driven). */
  set(closed: boolean): boolean {
    if (this.store && !this.store.setRelay(closed)) this.persistFails++;
    this.port.drive(closed);
    this.closed = closed;
    return true;
  }

  /** "closed", "open" or "unknown" (no feedback input) from the auxiliary contact. */
  actual(): string {
    const s = this.port.sense();
    return s < 0 ? "unknown" : s ? "closed" : "open";
  }
}
