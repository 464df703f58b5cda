/**
 * The load relay port: drive the coil, read the auxiliary contact back. Device:
 * ports/device/relay.ts (GPIO pins of the board table, modules/persist/boardPins.ts);
 * host: the same gpioRelay over the simulator's pins (host/sim/meterBoard.ts, host/runtime/globals.ts)
 * or the test double of modules/persist/testing.ts.
 */
export interface RelayPort {
  /** Drives the relay: true = closed (load supplied). */
  drive(closed: boolean): void;
  /** The feedback contact: 1 closed, 0 open, -1 when the board has no feedback input. */
  sense(): number;
}
