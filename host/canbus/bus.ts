/**
 * A virtual CAN bus with real frame timing (ISO 11898-1).
 *
 * Every frame occupies the bus for its exact stuffed length plus CRC delimiter, ACK,
 * EOF and interframe space (frameBits.ts) at the configured bit rate. When the bus
 * becomes free, all nodes with a pending frame start together and the arbitration
 * field decides (dominant wins, bit by bit). Errors cost what they cost on a wire:
 * the bits sent so far, the error flag (with the other nodes' superposed flags), the
 * 8-bit delimiter and the IFS; the transmitter then retries (automatic retransmission).
 *
 * Simplifications, each with its limit:
 * - Nodes become pending at arbitrary microseconds; SOF is not aligned to a bit grid
 *   (error of at most one bit time per idle period).
 * - A flipped bit seen by every node is caught by the transmitter's bit monitoring at
 *   that bit; receivers join with their flags (12 dominant bits, the worst case). A bit
 *   flipped at one receiver only is always modelled as a CRC error (not a stuff error).
 * - A frame is valid for receivers and transmitter at the end of EOF (ISO says the
 *   last-but-one EOF bit for receivers: 1 bit earlier).
 * - Senders that clash after arbitration (same identifier, different data): an
 *   error-active one that sees dominant for its recessive bit destroys the frame with
 *   an active flag; error-passive ones drop out unseen (passive flag) and the frame of
 *   the dominant sender goes through (ISO 11898-1 12.1.4), so a clash between two
 *   error-passive nodes resolves. Their passive flag is taken to end with that frame.
 * - Bus-off recovery counts one 11-recessive-bit sequence per frame or error frame
 *   (ACK delimiter/EOF/IFS, or error delimiter/IFS) plus one per 11 idle bits.
 */
import type { CanFrame } from "../../modules/can/frame.ts";
import type { BusNode, TxErrorKind } from "./busNode.ts";
import {
  compareArbitration,
  ERROR_DELIMITER_BITS,
  ERROR_ECHO_BITS,
  ERROR_FLAG_BITS,
  frameLayout,
  IFS_BITS,
  type FrameBitLayout,
} from "./frameBits.ts";
import { Scheduler, type EventHandle } from "./scheduler.ts";

export interface BusOptions {
  /** Bit rate in bit/s; 125000 unless given. */
  bitrate?: number;
  /** Share a scheduler (and so a clock) with other simulated parts. */
  scheduler?: Scheduler;
}

export interface BusTraceEvent {
  kind: "frame" | "error";
  /** Names of the transmitting node(s): more than one only for identical frames or a collision. */
  from: string[];
  frame: CanFrame;
  startUs: number;
  /** When the bus is free again (after IFS). */
  endUs: number;
  bits: number;
  stuffBits: number;
  errorKind?: "bit" | "ack" | "collision" | "crc";
}

/**
 * Corrupt a bit of the next `count` matching frames. Without `receiver` every node sees
 * the flip and the transmitter's bit monitoring flags it at once. With `receiver`, only
 * that node sees it (a local disturbance): it withholds its ACK and flags a CRC error
 * from the bit after the ACK delimiter, which the others see as a form error in EOF.
 */
export interface BitErrorRule {
  count: number;
  match?: (frame: CanFrame, from: string) => boolean;
  /** Index into the stuffed SOF..CRC bits; the middle of the frame when omitted. */
  bitIndex?: number;
  /** Name of the only node that sees the flipped bit. */
  receiver?: string;
}

/** Lose the next `count` matching frames at some receivers without any error on the wire. */
export interface DropRule {
  count: number;
  match?: (frame: CanFrame, from: string) => boolean;
  /** Node names that miss the frame; all receivers when omitted. */
  receivers?: string[];
}

export interface BusStats {
  frames: number;
  errorFrames: number;
  busyUs: number;
  bitErrorsInjected: number;
  framesDropped: number;
}

interface Watch {
  node: BusNode;
  creditFromUs: number;
}

export class VirtualCanBus {
  readonly bitrate: number;
  readonly bitUs: number;
  readonly scheduler: Scheduler;
  private readonly nodes: BusNode[] = [];
  private freeAtUs = 0;
  private transmitting = false;
  /** The scheduled arbitration, if any, and its time. */
  private arbEvent: EventHandle | undefined;
  private arbAtUs = Infinity;
  private readonly traceCbs: ((e: BusTraceEvent) => void)[] = [];
  private readonly bitRules: BitErrorRule[] = [];
  private readonly dropRules: DropRule[] = [];
  private readonly watches: Watch[] = [];
  private watchGen = 0;
  private pendingStretch = false;
  private readonly st: BusStats = { frames: 0, errorFrames: 0, busyUs: 0, bitErrorsInjected: 0, framesDropped: 0 };

  constructor(opts?: BusOptions) {
    const rate = opts && opts.bitrate !== undefined ? opts.bitrate : 125000;
    if (!(rate >= 1000 && rate <= 1000000)) throw new RangeError("bus bit rate " + rate + " bit/s outside 1000..1000000");
    this.bitrate = rate;
    this.bitUs = 1e6 / rate;
    this.scheduler = opts && opts.scheduler ? opts.scheduler : new Scheduler();
    this.freeAtUs = this.scheduler.nowUs();
  }

  nowUs(): number {
    return this.scheduler.nowUs();
  }

  attach(node: BusNode): void {
    if (this.nodes.indexOf(node) >= 0) return;
    for (const n of this.nodes) if (n.name === node.name) throw new Error("a node named '" + node.name + "' is already on the bus");
    this.nodes.push(node);
  }

  detach(node: BusNode): void {
    const i = this.nodes.indexOf(node);
    if (i >= 0) this.nodes.splice(i, 1);
  }

  nodeNames(): string[] {
    return this.nodes.map((n) => n.name);
  }

  /** A node has a new pending frame (or became ready): arbitrate when the bus is free. */
  wake(): void {
    if (this.transmitting) return;
    this.scheduleArbitration(Math.max(this.scheduler.nowUs(), this.freeAtUs));
  }

  onTrace(cb: (e: BusTraceEvent) => void): void {
    this.traceCbs.push(cb);
  }

  injectBitErrors(rule: BitErrorRule): void {
    this.bitRules.push(Object.assign({}, rule));
  }

  dropFrames(rule: DropRule): void {
    this.dropRules.push(Object.assign({}, rule));
  }

  stats(): BusStats {
    return Object.assign({}, this.st);
  }

  /** A bus-off node asks to be told of every 11-recessive-bit sequence (ABOM recovery). */
  watchRecovery(node: BusNode): void {
    for (const w of this.watches) if (w.node === node) return;
    // The current recessive stretch starts where the running frame's final 11 recessive bits start.
    const from = this.transmitting ? this.freeAtUs - 11 * this.bitUs : this.scheduler.nowUs();
    this.watches.push({ node: node, creditFromUs: from });
    this.armIdleRecovery();
  }

  /** Arbitration at `atUs` unless one is already due no later. */
  private scheduleArbitration(atUs: number): void {
    if (this.arbEvent && this.arbAtUs <= atUs) return;
    if (this.arbEvent) this.arbEvent.cancel();
    this.arbAtUs = atUs;
    this.arbEvent = this.scheduler.at(atUs, () => this.arbitrate());
  }

  private arbitrate(): void {
    this.arbEvent = undefined;
    this.arbAtUs = Infinity;
    if (this.transmitting) return;
    const now = this.scheduler.nowUs();
    let nextReady: number | undefined;
    const cands: { node: BusNode; frame: CanFrame }[] = [];
    for (const n of this.nodes) {
      if (!n.isOnBus(now)) continue;
      const r = n.readyAtUs();
      if (r === undefined) continue;
      if (r > now) {
        if (nextReady === undefined || r < nextReady) nextReady = r;
        continue;
      }
      const f = n.pendingFrame(now);
      if (f) cands.push({ node: n, frame: f });
    }
    if (cands.length === 0) {
      if (nextReady !== undefined) this.scheduleArbitration(nextReady);
      return;
    }
    let best = [cands[0]];
    for (let i = 1; i < cands.length; i++) {
      const c = compareArbitration(cands[i].frame, best[0].frame);
      if (c < 0) best = [cands[i]];
      else if (c === 0) best.push(cands[i]);
    }
    this.creditIdle(now);
    this.transmit(best, now);
    this.startStretch();
  }

  private transmit(senders0: { node: BusNode; frame: CanFrame }[], startUs: number): void {
    this.transmitting = true;
    let winners = senders0;
    let frame = winners[0].frame;
    let from = winners.map((w) => w.node.name);
    let layout = frameLayout(frame);
    const senders = winners.map((w) => w.node);
    const receivers = this.nodes.filter((n) => senders.indexOf(n) < 0 && n.isOnBus(startUs));

    // Nodes with the same arbitration field but different content: the first
    // differing bit is a bit error for the nodes sending recessive there.
    const clash = this.resolveCollision(winners);
    if (clash.activeBit >= 0) {
      this.errorFrame(winners, receivers, layout, startUs, clash.activeBit, "collision");
      return;
    }
    if (clash.passiveLosers.length > 0) {
      this.passiveLosers(clash.passiveLosers, startUs);
      winners = clash.survivors;
      from = winners.map((w) => w.node.name);
      frame = winners[0].frame;
      layout = frameLayout(frame);
    }
    const rule = this.takeRule(this.bitRules, frame, from[0], receivers);
    if (rule && rule.receiver !== undefined) {
      this.st.bitErrorsInjected++;
      this.errorFrame(winners, receivers, layout, startUs, layout.stuffedBits.length + 2, "crc");
      return;
    }
    if (rule) {
      this.st.bitErrorsInjected++;
      const bit = rule.bitIndex !== undefined ? Math.min(rule.bitIndex, layout.stuffedBits.length - 1) : layout.stuffedBits.length >> 1;
      this.errorFrame(winners, receivers, layout, startUs, bit, "bit");
      return;
    }
    if (receivers.length === 0) {
      // Nobody drives the ACK slot dominant: ACK error seen at the ACK slot, flag from the ACK delimiter.
      this.errorFrame(winners, receivers, layout, startUs, layout.stuffedBits.length + 1, "ack");
      return;
    }
    const eofEndUs = startUs + layout.frameBits * this.bitUs;
    const freeUs = startUs + layout.slotBits * this.bitUs;
    const drop = this.takeRule(this.dropRules, frame, from[0]);
    this.freeAtUs = freeUs;
    this.scheduler.at(eofEndUs, () => {
      this.st.frames++;
      this.st.busyUs += freeUs - startUs;
      for (const w of winners) w.node.txDone(w.frame, eofEndUs, freeUs);
      for (const r of receivers) {
        if (drop && (!drop.receivers || drop.receivers.indexOf(r.name) >= 0)) {
          this.st.framesDropped++;
          continue;
        }
        r.rxFrame(frame, eofEndUs);
      }
      this.emit({ kind: "frame", from: from, frame: frame, startUs: startUs, endUs: freeUs, bits: layout.slotBits, stuffBits: layout.stuffBits });
    });
    this.scheduler.at(freeUs, () => this.busFree());
  }

  /**
   * Senders past arbitration with different content (ISO 11898-1, 10.11 bit error,
   * 12.1.4 error flags): at each bit where they differ, those sending recessive see
   * dominant. If any of them is error-active, its active flag (6 dominant bits)
   * destroys the frame for every node: `activeBit` is that bit. Error-passive ones
   * send a passive flag (6 recessive bits), which the others do not see: they drop
   * out (`passiveLosers`, with their bit) and the frame goes on from the senders of
   * the dominant bit (`survivors`), which may differ again further on.
   */
  private resolveCollision(winners: { node: BusNode; frame: CanFrame }[]): {
    activeBit: number;
    passiveLosers: { node: BusNode; frame: CanFrame; bit: number }[];
    survivors: { node: BusNode; frame: CanFrame }[];
  } {
    const passiveLosers: { node: BusNode; frame: CanFrame; bit: number }[] = [];
    let survivors = winners;
    // Past its own frame a sender's level is recessive (delimiters, EOF).
    const bits = winners.map((w) => frameLayout(w.frame).stuffedBits);
    const level = (i: number, b: number) => (b < bits[i].length ? bits[i][b] : 1);
    let idx = winners.map((_w, i) => i);
    const longest = Math.max.apply(null, bits.map((x) => x.length));
    for (let b = 0; b < longest && idx.length > 1; b++) {
      const rec = idx.filter((i) => level(i, b) === 1);
      if (rec.length === 0 || rec.length === idx.length) continue;
      if (rec.some((i) => !winners[i].node.isErrorPassive())) return { activeBit: b, passiveLosers: [], survivors: winners };
      for (const i of rec) passiveLosers.push({ node: winners[i].node, frame: winners[i].frame, bit: b });
      idx = idx.filter((i) => level(i, b) === 0);
      survivors = idx.map((i) => winners[i]);
    }
    return { activeBit: -1, passiveLosers: passiveLosers, survivors: survivors };
  }

  /**
   * Error-passive senders that lost a collision: a bit error at their bit; their
   * passive flag ends with the others' frame (6 equal bits are first seen in its
   * EOF), so their retransmission waits for the bus to be free, plus suspend
   * transmission. They do not receive the frame they were sending against.
   */
  private passiveLosers(losers: { node: BusNode; frame: CanFrame; bit: number }[], startUs: number): void {
    for (const l of losers) {
      const detectUs = startUs + (l.bit + 1) * this.bitUs;
      // freeAtUs is read when the error is delivered: by then transmit() has set it.
      this.scheduler.at(detectUs, () => l.node.txError(l.frame, "bit", detectUs, this.freeAtUs));
    }
  }

  private errorFrame(
    winners: { node: BusNode; frame: CanFrame }[],
    receivers: BusNode[],
    layout: FrameBitLayout,
    startUs: number,
    errorBit: number,
    kind: "bit" | "ack" | "collision" | "crc",
  ): void {
    // Error flag starts at the bit after the error; others superpose theirs (echo) unless nobody listens.
    const flagBits = ERROR_FLAG_BITS + (receivers.length > 0 ? ERROR_ECHO_BITS : 0);
    const detectUs = startUs + (errorBit + 1) * this.bitUs;
    const totalBits = errorBit + 1 + flagBits + ERROR_DELIMITER_BITS + IFS_BITS;
    const freeUs = startUs + totalBits * this.bitUs;
    this.freeAtUs = freeUs;
    const from = winners.map((w) => w.node.name);
    this.scheduler.at(detectUs, () => {
      this.st.errorFrames++;
      this.st.busyUs += freeUs - startUs;
      // A CRC error flagged by one receiver reaches the transmitter as a form error in EOF.
      const txKind: TxErrorKind = kind === "crc" ? "form" : kind;
      for (const w of winners) w.node.txError(w.frame, txKind, detectUs, freeUs);
      for (const r of receivers) r.rxError(detectUs);
      this.emit({ kind: "error", from: from, frame: winners[0].frame, startUs: startUs, endUs: freeUs, bits: totalBits, stuffBits: layout.stuffBits, errorKind: kind });
    });
    this.scheduler.at(freeUs, () => this.busFree());
  }

  private startStretch(): void {
    if (!this.pendingStretch) return;
    this.pendingStretch = false;
    for (const w of this.watches) w.creditFromUs = this.freeAtUs - 11 * this.bitUs;
  }

  private busFree(): void {
    this.transmitting = false;
    this.armIdleRecovery();
    this.wake();
  }

  private takeRule<R extends { count: number; match?: (f: CanFrame, from: string) => boolean; receiver?: string }>(
    rules: R[],
    f: CanFrame,
    from: string,
    receivers?: BusNode[],
  ): R | undefined {
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i];
      if (r.match && !r.match(f, from)) continue;
      if (r.receiver !== undefined && (!receivers || !receivers.some((n) => n.name === r.receiver))) continue;
      r.count--;
      if (r.count <= 0) rules.splice(i, 1);
      return r;
    }
    return undefined;
  }

  private emit(e: BusTraceEvent): void {
    for (const cb of this.traceCbs) cb(e);
  }

  /**
   * A frame starts at `nowUs`: credit each bus-off node with the 11-bit recessive
   * sequences of the stretch that ends here, and start its next stretch at the
   * new frame's final 11 recessive bits (ACK delimiter + EOF + IFS, or error
   * delimiter + IFS: 11 either way).
   */
  private creditIdle(nowUs: number): void {
    this.watchGen++;
    this.creditWatches(nowUs);
    this.pendingStretch = true;
  }

  private creditWatches(nowUs: number): void {
    const step = 11 * this.bitUs;
    for (let i = this.watches.length - 1; i >= 0; i--) {
      const w = this.watches[i];
      let n = Math.floor((nowUs - w.creditFromUs) / step + 1e-9);
      if (n <= 0) continue;
      w.creditFromUs += n * step;
      let done = false;
      while (n-- > 0 && !done) done = !!(w.node.recessiveSequence && w.node.recessiveSequence(nowUs));
      if (done) this.watches.splice(i, 1);
    }
  }

  /** While the bus is idle, recover bus-off nodes on time even if no frame ever starts. */
  private armIdleRecovery(): void {
    if (this.watches.length === 0 || this.transmitting) return;
    const gen = ++this.watchGen;
    const step = 11 * this.bitUs;
    const now = this.scheduler.nowUs();
    let next = Infinity;
    for (const w of this.watches) {
      const k = Math.max(1, Math.floor((now - w.creditFromUs) / step + 1e-9) + 1);
      next = Math.min(next, w.creditFromUs + k * step);
    }
    this.scheduler.at(next, () => {
      if (gen !== this.watchGen || this.transmitting) return;
      this.creditWatches(this.scheduler.nowUs());
      this.armIdleRecovery();
      this.wake();
    });
  }
}

/** Bits of a frame including IFS: handy for wire-time arithmetic. */
export function slotBits(frame: CanFrame): number {
  return frameLayout(frame).slotBits;
}
