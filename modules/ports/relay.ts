/**
 * The load relay port: drive the coil, read the auxiliary contact back. Device:
 * ports/device/relay.ts (GPIO pins of the board table, modules/persist/boardPins.ts);
 * host: the simulator's pin model (host/sim/relayPins.ts).
 */
export interface RelayPort {
  /** Drives the relay: true = closed (load supplied). */
  drive(closed: boolean): void;
  /** The feedback contact: 1 closed, 0 open, -1 when the board has no feedback input. */
  sense(): number;
}
