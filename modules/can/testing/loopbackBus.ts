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
import { CAN_OK, CAN_EINVAL, CAN_ENETDOWN } from "../controller";
import { ControllerBase } from "../controllerBase";

const SLOTS = 16;

function copyFrame(f: CanFrame): CanFrame {
  return { id: f.id, extended: f.extended, rtr: f.rtr, dlc: f.dlc, data: new Uint8Array(f.data) };
}

/** start() and stop() are its only state changes (onState): an untimed bus has no errors, so no error states. */
export class LoopbackNode extends ControllerBase {
  readonly name: string;
  private readonly bus: LoopbackBus;

  constructor(bus: LoopbackBus, name: string) {
    super(SLOTS);
    this.bus = bus;
    this.name = name;
  }

  start(bitrate: number): number {
    if (!(bitrate > 0)) return CAN_EINVAL;
    this.setState("error-active");
    return CAN_OK;
  }
  stop(): void {
    this.setState("stopped");
  }
  send(frame: CanFrame): number {
    if (frameError(frame) !== null) return CAN_EINVAL;
    if (this.st === "stopped") return CAN_ENETDOWN;
    this.c.txFrames++;
    this.bus.queue(this, copyFrame(frame));
    return CAN_OK;
  }
  /** Sends even a malformed frame (an attacker's raw access to the wire). */
  sendRaw(frame: CanFrame): void {
    this.bus.queue(this, copyFrame(frame));
  }
  // addFilter, removeFilter, setAutoReply, clearAutoReply, onFrame, onState, state,
  // counters: ControllerBase (the host controllers' filter banks and auto-reply slots)

  /** Bus side: a frame sent by another node. As on bxCAN, filters decide first. */
  receive(f: CanFrame): void {
    if (this.st === "stopped") return;
    const fifo = this.accept(f);
    if (fifo < 0) return;
    const slot = this.autoReplyFor(f);
    if (slot >= 0) {
      const s = this.slots[slot]!;
      if (s.once) this.slots[slot] = null;
      this.c.autoReplies++;
      this.c.txFrames++;
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
