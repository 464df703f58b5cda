/**
 * What every controller of ours that is not the chip keeps in software, in one place:
 * the host's bxCAN model and SLCAN client (host/canbus bxcanModel.ts, slcanClient.ts)
 * and the tests' LoopbackNode (testing/loopbackBus.ts). It holds the acceptance filters
 * (filterBanks.ts: bxCAN's banks), the auto-reply slots (autoReplySlots.ts), the
 * onFrame/onState callbacks, the counters and the state, and implements the
 * CanController methods on them; a subclass says how frames go out (start, stop, send)
 * and hands each frame it receives to accept() and autoReplyFor().
 *
 * Host and test code (never bundled for the device; the device's CAN1 is
 * boards/STM32F107/can/canDriver.c).
 */
import { frameError, type CanFrame } from "./frame";
import { CAN_EINVAL, CAN_ENOSPC, type CanController, type CanCounters, type CanFilter, type CanState } from "./controller";
import { FilterBanks, filterError } from "./filterBanks";
import { clearAutoReply, emptyAutoReplySlots, findAutoReply, storeAutoReply, type AutoReplySlots } from "./autoReplySlots";

export abstract class ControllerBase implements CanController {
  protected st: CanState = "stopped";
  protected readonly filters = new FilterBanks();
  protected readonly slots: AutoReplySlots;
  protected frameCb: ((frame: CanFrame, fifo: number) => void) | null = null;
  protected stateCb: ((state: CanState, counters: CanCounters) => void) | null = null;
  protected readonly c: CanCounters = { tec: 0, rec: 0, txFrames: 0, rxFrames: 0, rxOverruns: 0, autoReplies: 0, busOffCount: 0 };

  constructor(autoReplySlots: number) {
    this.slots = emptyAutoReplySlots(autoReplySlots);
  }

  abstract start(bitrate: number): number;
  abstract stop(): void;
  abstract send(frame: CanFrame): number;

  addFilter(filter: CanFilter): number {
    if (filterError(filter) !== null) return CAN_EINVAL;
    const bank = this.filters.add(filter);
    return bank === null ? CAN_ENOSPC : bank;
  }

  removeFilter(bank: number): void {
    this.filters.remove(bank);
  }

  setAutoReply(frame: CanFrame, once: boolean): number {
    return storeAutoReply(this.slots, frame, once);
  }

  clearAutoReply(id: number): void {
    clearAutoReply(this.slots, id);
  }

  onFrame(cb: (frame: CanFrame, fifo: number) => void): void {
    this.frameCb = cb;
  }

  onState(cb: (state: CanState, counters: CanCounters) => void): void {
    this.stateCb = cb;
  }

  state(): CanState {
    return this.st;
  }

  counters(): CanCounters {
    return Object.assign({}, this.c);
  }

  /** The state changed: the onState callback, only on a change (as the device's hook). */
  protected setState(s: CanState): void {
    if (s === this.st) return;
    this.st = s;
    if (this.stateCb) this.stateCb(s, this.counters());
  }

  /** The FIFO a received frame goes to, counted in rxFrames; -1 when no filter bank takes it (not counted). */
  protected accept(frame: CanFrame): number {
    const fifo = this.filters.route(frame);
    if (fifo >= 0) this.c.rxFrames++;
    return fifo;
  }

  /** The slot that answers an accepted frame (a standard remote frame with a slot for its identifier), or -1. */
  protected autoReplyFor(frame: CanFrame): number {
    return frame.rtr && !frame.extended ? findAutoReply(this.slots, frame.id) : -1;
  }
}

/** A frame's structure is sound (send()'s first check in every controller). */
export function sendable(frame: CanFrame): boolean {
  return !!frame && typeof frame === "object" && frame.data instanceof Uint8Array && frameError(frame) === null;
}
