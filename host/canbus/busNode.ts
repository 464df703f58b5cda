/**
 * What the virtual bus needs from a node: its pending frame for arbitration, and the
 * events of fault confinement. The bxCAN model, the SLCAN endpoint's node and the
 * babbling node implement it; the bus knows nothing else about them.
 */
import type { CanFrame } from "../../modules/can/frame.ts";

export type TxErrorKind = "bit" | "ack" | "collision" | "form";

export interface BusNode {
  readonly name: string;
  /** Takes part in the bus at `nowUs`: sends ACK, receives, may transmit (started, integrated, not bus-off). */
  isOnBus(nowUs: number): boolean;
  /** Error-passive nodes send passive error flags and suspend transmission after sending. */
  isErrorPassive(): boolean;
  /** The frame this node would start at `nowUs` (its highest-priority mailbox), or null. */
  pendingFrame(nowUs: number): CanFrame | null;
  /** Earliest time a pending frame may start (suspend transmission), or undefined when none waits. */
  readyAtUs(): number | undefined;
  /** The node's own frame went out (at the end of EOF); `freeAtUs` is when the IFS ends. */
  txDone(frame: CanFrame, nowUs: number, freeAtUs: number): void;
  /** The node's own frame was destroyed by an error; it stays pending (automatic retransmission). */
  txError(frame: CanFrame, kind: TxErrorKind, nowUs: number, freeAtUs: number): void;
  /** A frame from another node, valid at the end of EOF. */
  rxFrame(frame: CanFrame, nowUs: number): void;
  /** This node detected an error while receiving. */
  rxError(nowUs: number): void;
  /** Bus-off nodes: one more sequence of 11 recessive bits was seen. Returns true when recovered. */
  recessiveSequence?(nowUs: number): boolean;
}
