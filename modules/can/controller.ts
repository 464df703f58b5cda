/**
 * The CAN controller port: what application code sees of one bxCAN controller.
 *
 * One interface, two implementations: the native hook on the STM32F107
 * (boards/STM32F107, exposed to JavaScript with the same method names) and the host
 * model on the virtual bus (host/canbus). Modules receive a CanController and never
 * know which one they talk to. Every method reports failure by return value, never by
 * throwing, because it is called from timers and event handlers that must not die.
 *
 * Error codes (negative numbers, as in Zephyr's can.h):
 *   CAN_EINVAL   a malformed frame, filter or slot argument
 *   CAN_EBUSY    all three transmit mailboxes are pending
 *   CAN_ENETDOWN the controller is stopped or bus-off
 *   CAN_ENOSPC   no free filter bank or auto-reply slot
 *
 * Behaviour every implementation shows (host/canbus/controllerContract.ts checks it):
 *   - as on the bxCAN, a controller with no filter bank receives nothing;
 *   - an auto-reply slot answers only remote frames that some filter accepts;
 *   - frames pending in the mailboxes are kept through bus-off and sent after the
 *     automatic recovery; stop() drops them;
 *   - counters.rxFrames counts every frame a filter accepted.
 */
import { CanFrame } from "./frame";

// The codes are the drivers' (boards/STM32F107/drivers/mnReg.h), generated into
// ../ports/errorCodes.generated.ts: re-exported under the port's names, so the bundle
// inlines the same numbers and the C stays their one source.
export {
  MN_OK as CAN_OK, MN_EINVAL as CAN_EINVAL, MN_EBUSY as CAN_EBUSY, MN_ENETDOWN as CAN_ENETDOWN, MN_ENOSPC as CAN_ENOSPC,
} from "../ports/errorCodes.generated";

/** Controller state per ISO 11898-1 fault confinement. */
export type CanState = "stopped" | "error-active" | "error-warning" | "error-passive" | "bus-off";

export interface CanCounters {
  /** Transmit and receive error counters (TEC, REC), as the controller holds them. */
  tec: number;
  rec: number;
  txFrames: number;
  rxFrames: number;
  /** Frames lost because a receive FIFO was full (FOVR). */
  rxOverruns: number;
  /** Remote frames answered from an auto-reply slot without the interpreter. */
  autoReplies: number;
  busOffCount: number;
}

/**
 * An acceptance filter bank. "mask": accept when (id & mask) === (filterId & mask).
 * "list": accept when id equals one of `ids`. `rtr`, when given, must also match.
 * Frames are delivered to FIFO `fifo` (0 or 1).
 */
export interface CanFilter {
  mode: "mask" | "list";
  extended: boolean;
  id?: number;
  mask?: number;
  ids?: number[];
  rtr?: boolean;
  fifo: 0 | 1;
}

export interface CanController {
  /** Starts the controller at `bitrate` bit/s; returns CAN_OK or CAN_EINVAL for an unreachable rate. */
  start(bitrate: number): number;
  stop(): void;
  /**
   * Queues a frame into a free transmit mailbox; the lowest identifier pending goes
   * first. Returns CAN_OK, CAN_EBUSY (all mailboxes full), CAN_EINVAL or CAN_ENETDOWN.
   */
  send(frame: CanFrame): number;
  /** Installs a filter bank; returns its bank number (>= 0) or CAN_ENOSPC / CAN_EINVAL. */
  addFilter(filter: CanFilter): number;
  removeFilter(bank: number): void;
  /**
   * Auto-reply slot: when a remote frame with this standard identifier is received,
   * the controller transmits `frame` (same identifier, data) at once, from the
   * interrupt, without waiting for the interpreter. The slot keeps the frame until it
   * is replaced; `once` empties it after one answer (a freshness-counted answer must not
   * be sent twice). Returns the slot number or CAN_ENOSPC / CAN_EINVAL.
   */
  setAutoReply(frame: CanFrame, once: boolean): number;
  clearAutoReply(id: number): void;
  /** Called for every accepted frame (data or remote not consumed by an auto-reply). */
  onFrame(cb: (frame: CanFrame, fifo: number) => void): void;
  /** Called when the fault-confinement state changes. */
  onState(cb: (state: CanState, counters: CanCounters) => void): void;
  state(): CanState;
  counters(): CanCounters;
}
