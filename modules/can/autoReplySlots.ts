/**
 * The auto-reply table every host CanController keeps (host/canbus bxcanModel.ts, slcanClient.ts; testing/loopbackBus.ts):
 * frames answered on their own when a remote frame with the same identifier arrives.
 * setAutoReply() keeps one slot per identifier, so the first match is the only one.
 */
import { CAN_EINVAL, CAN_ENOSPC } from "./controller";
import { frameError, type CanFrame } from "./frame";

export interface AutoReplySlot {
  frame: CanFrame;
  /** Emptied by the first answer. */
  once: boolean;
}

export type AutoReplySlots = (AutoReplySlot | null)[];

export function emptyAutoReplySlots(count: number): AutoReplySlots {
  return new Array<AutoReplySlot | null>(count).fill(null);
}

/** Index of the slot that answers `id`, or -1. */
export function findAutoReply(slots: AutoReplySlots, id: number): number {
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i];
    if (s && s.frame.id === id) return i;
  }
  return -1;
}

/**
 * CanController.setAutoReply for both host controllers: a valid standard data frame
 * is copied (the caller may change its own afterwards) into the slot that already
 * answers its identifier, else the first free one. Returns the slot index,
 * CAN_EINVAL for anything else (remote, extended, malformed), or CAN_ENOSPC when every
 * slot is taken.
 */
export function storeAutoReply(slots: AutoReplySlots, frame: CanFrame, once: boolean): number {
  if (!frame || !(frame.data instanceof Uint8Array) || frameError(frame) !== null || frame.rtr || frame.extended) return CAN_EINVAL;
  const same = findAutoReply(slots, frame.id);
  const i = same >= 0 ? same : slots.indexOf(null);
  if (i < 0) return CAN_ENOSPC;
  slots[i] = { frame: { id: frame.id, extended: false, rtr: false, dlc: frame.dlc, data: new Uint8Array(frame.data) }, once: once === true };
  return i;
}

export function clearAutoReply(slots: AutoReplySlots, id: number): void {
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i];
    if (s && s.frame.id === id) slots[i] = null;
  }
}
