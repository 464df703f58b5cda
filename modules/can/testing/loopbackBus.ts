/**
 * A tiny in-memory CAN bus for protocol tests: no timing, no errors, frames delivered
 * in send order when run() is called. Each attached node is a CanController with
 * filters (the host controllers' bxCAN filter model, ../filterBanks.ts) and auto-reply
 * slots that behave as controller.ts documents; the controller contract
 * (host/canbus/controllerContract.ts) runs on it (loopbackBus.test.ts, option timed: false) except for what
 * needs bus time: no transmit mailboxes (a send never gets CAN_EBUSY, frames go in
 * send order, not by identifier) and any positive bit rate starts. The bit-timed bus
 * with the bxCAN model lives in host/canbus.
 */
import { CanFrame, frameError } from "../frame";
import {
  CanController, CanCounters, CanFilter, CanState, CAN_OK, CAN_EINVAL, CAN_ENETDOWN, CAN_ENOSPC,
} from "../controller";
import { FilterBanks, filterError } from "../filterBanks";
import { AutoReplySlots, clearAutoReply, emptyAutoReplySlots, findAutoReply, storeAutoReply } from "../autoReplySlots";

const SLOTS = 16;

function copyFrame(f: CanFrame): CanFrame {
  return { id: f.id, extended: f.extended, rtr: f.rtr, dlc: f.dlc, data: new Uint8Array(f.data) };
}

export class LoopbackNode implements CanController {
  readonly name: string;
  private readonly bus: LoopbackBus;
  private running = false;
  private readonly filters = new FilterBanks();
  private readonly slots: AutoReplySlots = emptyAutoReplySlots(SLOTS);
  private frameCb: ((f: CanFrame, fifo: number) => void) | null = null;
  private stateCb: ((state: CanState, counters: CanCounters) => void) | null = null;
  private readonly stats: CanCounters = { tec: 0, rec: 0, txFrames: 0, rxFrames: 0, rxOverruns: 0, autoReplies: 0, busOffCount: 0 };

  constructor(bus: LoopbackBus, name: string) {
    this.bus = bus;
    this.name = name;
  }

  start(bitrate: number): number {
    if (!(bitrate > 0)) return CAN_EINVAL;
    const was = this.running;
    this.running = true;
    if (!was) this.changed();
    return CAN_OK;
  }
  stop(): void {
    const was = this.running;
    this.running = false;
    if (was) this.changed();
  }
  private changed(): void {
    if (this.stateCb) this.stateCb(this.state(), this.counters());
  }
  send(frame: CanFrame): number {
    if (frameError(frame) !== null) return CAN_EINVAL;
    if (!this.running) return CAN_ENETDOWN;
    this.stats.txFrames++;
    this.bus.queue(this, copyFrame(frame));
    return CAN_OK;
  }
  /** Sends even a malformed frame (an attacker's raw access to the wire). */
  sendRaw(frame: CanFrame): void {
    this.bus.queue(this, copyFrame(frame));
  }
  addFilter(filter: CanFilter): number {
    if (filterError(filter) !== null) return CAN_EINVAL;
    const bank = this.filters.add(filter);
    return bank === null ? CAN_ENOSPC : bank;
  }
  removeFilter(bank: number): void { this.filters.remove(bank); }
  setAutoReply(frame: CanFrame, once: boolean): number { return storeAutoReply(this.slots, frame, once); }
  clearAutoReply(id: number): void { clearAutoReply(this.slots, id); }
  onFrame(cb: (frame: CanFrame, fifo: number) => void): void { this.frameCb = cb; }
  /** start() and stop() only: an untimed bus has no errors, so no error states. */
  onState(cb: (state: CanState, counters: CanCounters) => void): void { this.stateCb = cb; }
  state(): CanState { return this.running ? "error-active" : "stopped"; }
  counters(): CanCounters { return Object.assign({}, this.stats); }

  /** Bus side: a frame sent by another node. As on bxCAN, filters decide first. */
  receive(f: CanFrame): void {
    if (!this.running) return;
    const fifo = this.filters.route(f);
    if (fifo < 0) return;
    this.stats.rxFrames++;
    const slot = f.rtr && !f.extended ? findAutoReply(this.slots, f.id) : -1;
    if (slot >= 0) {
      const s = this.slots[slot]!;
      if (s.once) this.slots[slot] = null;
      this.stats.autoReplies++;
      this.stats.txFrames++;
      this.bus.queue(this, copyFrame(s.frame));
      return;
    }
    if (this.frameCb) this.frameCb(copyFrame(f), fifo);
  }
}

export class LoopbackBus {
  private readonly nodes: LoopbackNode[] = [];
  private readonly pending: { from: LoopbackNode; frame: CanFrame }[] = [];
  /** Every frame that went over the bus, in order (what a sniffer captures). */
  readonly log: CanFrame[] = [];
  /** Set to drop frames (fault injection): return true to drop. */
  drop: ((f: CanFrame) => boolean) | null = null;

  attach(name: string): LoopbackNode {
    const n = new LoopbackNode(this, name);
    this.nodes.push(n);
    return n;
  }

  queue(from: LoopbackNode, frame: CanFrame): void {
    this.pending.push({ from: from, frame: frame });
  }

  /** Delivers queued frames (and the frames they cause) until the bus is idle. */
  run(maxFrames?: number): number {
    let n = 0;
    const limit = maxFrames === undefined ? 100000 : maxFrames;
    while (this.pending.length > 0 && n < limit) {
      const p = this.pending.shift()!;
      n++;
      if (this.drop !== null && this.drop(p.frame)) continue;
      this.log.push(copyFrame(p.frame));
      for (let i = 0; i < this.nodes.length; i++) if (this.nodes[i] !== p.from) this.nodes[i].receive(p.frame);
    }
    return n;
  }
}
