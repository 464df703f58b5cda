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
 *
 * Feedback: after each drive (boot and command) the auxiliary contact is read until it
 * agrees with the command or RELAY_SETTLE_MS have passed (a power relay's contacts move in
 * 5..20 ms). Still disagreeing is a fault: RELAY_WELDED (commanded open, contact closed) or
 * RELAY_COIL (commanded closed, contact open: open coil, its driver or supply), and set()
 * returns false, so the command is acknowledged ACTUATOR_FAILED, not DONE.
 */
import { RelayPort } from "../ports/relay";
import { BillingStore } from "./billingStore";
import { RELAY_UNKNOWN, B_RELAY } from "./billingRecord";

/** Relay.fault: commanded open, the contact stays closed (the load stays supplied). */
export const RELAY_WELDED = 1;
/** Relay.fault: commanded closed, the contact stays open (open coil, its driver or supply). */
export const RELAY_COIL = 2;
/** How long a contact may take to follow the coil (power relays: 5..20 ms). */
export const RELAY_SETTLE_MS = 30;

export class Relay {
  /** Commanded state, true closed. */
  closed: boolean;
  /** Commands whose state could not be written to the FRAM (the relay was driven anyway). */
  persistFails = 0;
  /** Where the boot state came from: "restored" or "safe". */
  readonly bootFrom: string;
  /** 0 while the feedback contact agrees with the command (or there is none), else RELAY_WELDED or RELAY_COIL (set by check(), which the constructor runs). */
  declare fault: number;

  /** `store` null: no FRAM answered; the relay then boots in its safe state and nothing is written. `nowMs`: a clock for the settle time. */
  constructor(readonly port: RelayPort, readonly store: BillingStore | null, safeClosed: boolean, restore: boolean, readonly nowMs: () => number) {
    const r = store ? store.saved.bytes[B_RELAY] : RELAY_UNKNOWN;
    const useSaved = restore && r !== RELAY_UNKNOWN;
    this.closed = useSaved ? r === 1 : safeClosed;
    this.bootFrom = useSaved ? "restored" : "safe";
    port.drive(this.closed);
    this.check();
  }

  /** Commands the relay (true closed): persisted first, then driven. False when the contact did not follow (`fault`). */
  set(closed: boolean): boolean {
    if (this.store && !this.store.setRelay(closed)) this.persistFails++;
    this.port.drive(closed);
    this.closed = closed;
    return this.check();
  }

  /** Waits up to RELAY_SETTLE_MS for the contact to agree with the command; sets `fault`. True when it agrees or there is no feedback input. */
  check(): boolean {
    const want = this.closed ? 1 : 0, t0 = this.nowMs();
    let s: number;
    // Bounded by reads too: a clock that stands still during a call (the simulator's) never ends the wait.
    for (let n = 0; (s = this.port.sense()) >= 0 && s !== want && n++ < 2000 && this.nowMs() - t0 < RELAY_SETTLE_MS; );
    this.fault = s < 0 || s === want ? 0 : want ? 2 : 1; // RELAY_COIL : RELAY_WELDED
    return !this.fault;
  }

  /** "closed", "open" or "unknown" (no feedback input) from the auxiliary contact. */
  actual(): string {
    const s = this.port.sense();
    return s < 0 ? "unknown" : s ? "closed" : "open";
  }
}
