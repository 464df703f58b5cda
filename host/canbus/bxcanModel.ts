/**
 * A model of one STM32F1 bxCAN controller (RM0008 chapter 24) on the virtual bus,
 * implementing the CanController port exactly as the native hook will.
 *
 * Modelled: three transmit mailboxes served by identifier priority (TXFP=0; equal
 * identifiers by mailbox number) with automatic retransmission (NART=0); two receive
 * FIFOs of depth three where, with RFLM=0, a frame arriving at a full FIFO overwrites
 * the last one stored and sets FOVR; 14 filter banks (modules/can/filterBanks.ts, through
 * ControllerBase, modules/can/controllerBase.ts); TEC/REC per
 * ISO 11898-1 fault confinement with warning at 96, passive at 128, bus-off at 256 and
 * automatic bus-off recovery (ABOM=1) after 128 sequences of 11 recessive bits;
 * auto-reply slots answered from the receive interrupt after `isrLatencyUs`.
 *
 * Not modelled: time-triggered mode, sleep/wake-up, silent/loop-back modes,
 * the 16/32-bit filter scale choice, REC +8 for dominant bits after an error flag.
 * A node started at a bit rate other than the bus's stays off the bus (no ACK, no
 * reception, no transmission) instead of producing error frames as it would on a wire.
 */
import type { CanFrame } from "../../modules/can/frame.ts";
import { CAN_EBUSY, CAN_EINVAL, CAN_ENETDOWN, CAN_OK, type CanState } from "../../modules/can/controller.ts";
import { ControllerBase, sendable } from "../../modules/can/controllerBase.ts";
import type { BusNode, TxErrorKind } from "./busNode.ts";
import type { VirtualCanBus } from "./bus.ts";
import type { AutoReplySlot } from "../../modules/can/autoReplySlots.ts";
import { compareArbitration, SUSPEND_TRANSMISSION_BITS } from "./frameBits.ts";
import type { LinkCanController } from "../../modules/link/linkPort.ts";
import { SecocLayer, type SecuredCallback } from "./secocLayer.ts";

export const TX_MAILBOXES = 3;
export const RX_FIFO_DEPTH = 3;
export const AUTO_REPLY_SLOTS = 16;
/** bxCAN's kernel clock on the F107 (APB1 at 36 MHz). */
export const BXCAN_CLOCK_HZ = 36000000;

export interface BxcanModelOptions {
  /** Delay from end of the remote frame to the answer sitting in a mailbox (ISR entry + copy). */
  isrLatencyUs?: number;
  /** Delay from a frame entering a FIFO to the application callback (FIFO-pending ISR). */
  rxServiceUs?: number;
  /** Automatic bus-off management (ABOM); true unless given. */
  autoBusOffRecovery?: boolean;
}

/** Extra figures of the model beyond CanCounters. */
export interface BxcanModelStats {
  autoReplyMissed: number;
  rxFiltered: number;
  txErrors: number;
  rxErrors: number;
}

function copyFrame(f: CanFrame): CanFrame {
  return { id: f.id, extended: f.extended, rtr: f.rtr, dlc: f.dlc, data: new Uint8Array(f.data) };
}

/** True when bxCAN's bit timing can produce `bitrate` exactly from 36 MHz (8..25 tq per bit, BRP 1..1024). */
export function bxcanRateReachable(bitrate: number): boolean {
  if (!(bitrate > 0) || Math.floor(bitrate) !== bitrate) return false;
  for (let tq = 8; tq <= 25; tq++) {
    const brp = BXCAN_CLOCK_HZ / (bitrate * tq);
    if (Math.floor(brp) === brp && brp >= 1 && brp <= 1024) return true;
  }
  return false;
}

export class BxcanModel extends ControllerBase implements LinkCanController, BusNode {
  readonly name: string;
  private readonly bus: VirtualCanBus;
  private readonly isrLatencyUs: number;
  private readonly rxServiceUs: number;
  private readonly abom: boolean;
  private busOff = false;
  private bitrate = 0;
  private joinAtUs = 0;
  private suspendUntilUs = 0;
  private readonly mailboxes: (CanFrame | null)[] = [null, null, null];
  private readonly fifos: CanFrame[][] = [[], []];
  private recoverySeqs = 0;
  private rxHeld = false;
  private draining = false;
  private readonly extra: BxcanModelStats = { autoReplyMissed: 0, rxFiltered: 0, txErrors: 0, rxErrors: 0 };
  /** SecOC framing on the boards' C, as CAN1 has it (secured frames are verified before onFrame). */
  readonly secoc = new SecocLayer((f) => this.send(f), (f, once) => this.setAutoReply(f, once), {
    nowMs: () => this.bus.nowUs() / 1000,
    every: (ms, fn) => {
      // a periodic timer on the bus's clock (CAN1's idle hook on the board)
      const scheduler = this.bus.scheduler;
      let live = true;
      const again = () => { if (!live) return; fn(); scheduler.after(ms * 1000, again); };
      scheduler.after(ms * 1000, again);
      return () => { live = false; };
    },
  });

  constructor(bus: VirtualCanBus, name: string, opts?: BxcanModelOptions) {
    super(AUTO_REPLY_SLOTS);
    this.bus = bus;
    this.name = name;
    this.isrLatencyUs = opts && opts.isrLatencyUs !== undefined ? opts.isrLatencyUs : 4;
    this.rxServiceUs = opts && opts.rxServiceUs !== undefined ? opts.rxServiceUs : 5;
    this.abom = !(opts && opts.autoBusOffRecovery === false);
    bus.attach(this);
  }

  // ---- CanController ----

  start(bitrate: number): number {
    if (!bxcanRateReachable(bitrate)) return CAN_EINVAL;
    this.bitrate = bitrate;
    this.busOff = false;
    this.c.tec = 0;
    this.c.rec = 0;
    // Leaving initialisation mode, bxCAN waits for 11 recessive bits (bus integration).
    const now = this.bus.nowUs();
    this.joinAtUs = now + 11 * this.bus.bitUs;
    this.suspendUntilUs = 0;
    this.updateState();
    this.bus.scheduler.at(this.joinAtUs, () => this.bus.wake());
    return CAN_OK;
  }

  stop(): void {
    for (let i = 0; i < TX_MAILBOXES; i++) this.mailboxes[i] = null;
    this.fifos[0].length = 0;
    this.fifos[1].length = 0;
    this.busOff = false;
    this.bitrate = 0;
    this.setState("stopped");
  }

  send(frame: CanFrame): number {
    if (!sendable(frame)) return CAN_EINVAL;
    if (this.st === "stopped" || this.st === "bus-off") return CAN_ENETDOWN;
    const i = this.mailboxes.indexOf(null);
    if (i < 0) return CAN_EBUSY;
    this.mailboxes[i] = copyFrame(frame);
    this.bus.wake();
    return CAN_OK;
  }

  // addFilter, removeFilter, setAutoReply, clearAutoReply, onFrame, onState, state,
  // counters: ControllerBase (the filter banks and auto-reply slots every host controller keeps)

  // ---- SecuredCanController (modules/can/secured.ts), on the C through the addon ----

  secocInit(slots: number, rxPerSlot: number, txPerSlot: number, plan: Uint8Array): number { return this.secoc.init(slots, rxPerSlot, txPerSlot, plan); }
  secocKey(slot: number, address: number, key16: Uint8Array, derive: boolean): number { return this.secoc.key(slot, address, key16, derive); }
  secocEpoch(epoch: number): void { this.secoc.epoch(epoch); }
  secocRx(slot: number, fv: number): void { this.secoc.rx(slot, fv); }
  secocSyncLast(slot: number, fv: number): void { this.secoc.syncLast(slot, fv); }
  secocSend(id: number, data4: Uint8Array, fv: number): number { return this.secoc.send(id, data4, fv); }
  secocAutoReply(id: number, data4: Uint8Array): number { return this.secoc.autoReply(id, data4); }
  secocCodec(table: Uint8Array): number { return this.secoc.codec(table); }
  secocPublish(values: Float64Array, latest: Uint8Array): number { return this.secoc.publish(values, latest); }
  onSecured(cb: SecuredCallback): void { this.secoc.onSecured(cb); }
  // ---- the aggregator link (modules/link/linkPort.ts): the boards' C through the addon ----
  linkInit(capacity: number, maxInFlight: number, timing: Uint16Array): number { return this.secoc.linkInit(capacity, maxInFlight, timing); }
  linkPlan(addresses: Uint8Array, plan: Uint16Array, deadlineMs: number, retries: number): number { return this.secoc.linkPlan(addresses, plan, deadlineMs, retries); }
  linkStart(tickMs: number): number { return this.secoc.linkStart(tickMs); }
  linkCommand(address: number, code: number, tariff: number, arg: number): number { return this.secoc.linkCommand(address, code, tariff, arg); }
  linkRows(fns: Uint8Array, freshMask: number, changedMask: number, out: Float64Array): number { return this.secoc.linkRows(fns, freshMask, changedMask, out); }
  linkLatest(address: number, fn: number, out: Float64Array): number { return this.secoc.linkLatest(address, fn, out); }
  linkCounters(out: Uint32Array): number { return this.secoc.linkCounters(out); }
  linkMeter(address: number, out: Uint32Array): void { this.secoc.linkMeter(address, out); }

  // ---- model extras (fault injection and inspection) ----

  /** Holds the FIFO-pending interrupt (an interpreter that does not read): frames pile up and overrun. */
  setRxHold(hold: boolean): void {
    this.rxHeld = hold;
    if (!hold) this.scheduleDrain();
  }

  fifoLevels(): [number, number] {
    return [this.fifos[0].length, this.fifos[1].length];
  }

  pendingMailboxes(): number {
    let n = 0;
    for (const m of this.mailboxes) if (m) n++;
    return n;
  }

  stats(): BxcanModelStats {
    return Object.assign({}, this.extra);
  }

  // ---- BusNode ----

  isOnBus(nowUs: number): boolean {
    return this.st !== "stopped" && !this.busOff && this.bitrate === this.bus.bitrate && nowUs >= this.joinAtUs;
  }

  isErrorPassive(): boolean {
    return this.st === "error-passive";
  }

  pendingFrame(): CanFrame | null {
    let best = -1;
    for (let i = 0; i < TX_MAILBOXES; i++) {
      const m = this.mailboxes[i];
      if (!m) continue;
      // TXFP=0: the frame that would win arbitration first; equal identifiers by mailbox number.
      if (best < 0 || compareArbitration(m, this.mailboxes[best] as CanFrame) < 0) best = i;
    }
    return best < 0 ? null : this.mailboxes[best];
  }

  readyAtUs(): number | undefined {
    if (this.pendingMailboxes() === 0) return undefined;
    return Math.max(this.joinAtUs, this.suspendUntilUs);
  }

  txDone(frame: CanFrame, _nowUs: number, freeAtUs: number): void {
    const i = this.mailboxes.indexOf(frame);
    if (i >= 0) this.mailboxes[i] = null;
    this.c.txFrames++;
    if (this.c.tec > 0) this.c.tec--;
    this.updateState();
    this.afterTx(freeAtUs);
  }

  txError(_frame: CanFrame, kind: TxErrorKind, _nowUs: number, freeAtUs: number): void {
    this.extra.txErrors++;
    // ISO 11898-1 exception: an error-passive transmitter that sees no ACK keeps its TEC,
    // so a lone node stays error-passive instead of going bus-off.
    if (!(kind === "ack" && this.st === "error-passive")) this.c.tec += 8;
    if (this.c.tec >= 256) this.enterBusOff();
    else this.updateState();
    this.afterTx(freeAtUs);
  }

  rxFrame(frame: CanFrame, nowUs: number): void {
    if (this.c.rec > 0) this.c.rec = this.c.rec > 127 ? 119 : this.c.rec - 1;
    this.updateState();
    const fifo = this.accept(frame);
    if (fifo < 0) {
      this.extra.rxFiltered++;
      return;
    }
    const slot = this.autoReplyFor(frame);
    if (slot >= 0) {
      this.answerFromIsr(slot, frame, fifo, nowUs);
      return;
    }
    this.toFifo(copyFrame(frame), fifo);
  }

  rxError(): void {
    this.extra.rxErrors++;
    if (this.c.rec < 255) this.c.rec++;
    this.updateState();
  }

  recessiveSequence(): boolean {
    if (!this.busOff) return true;
    if (!this.abom) return false;
    this.recoverySeqs++;
    if (this.recoverySeqs < 128) return false;
    this.busOff = false;
    this.c.tec = 0;
    this.c.rec = 0;
    this.updateState();
    this.bus.wake();
    return true;
  }

  // ---- internals ----

  private afterTx(freeAtUs: number): void {
    // An error-passive transmitter must leave 8 more recessive bits (suspend transmission).
    this.suspendUntilUs = this.st === "error-passive" ? freeAtUs + SUSPEND_TRANSMISSION_BITS * this.bus.bitUs : 0;
  }

  private answerFromIsr(slotIndex: number, remote: CanFrame, fifo: number, nowUs: number): void {
    const slot = this.slots[slotIndex] as AutoReplySlot;
    if (slot.once) this.slots[slotIndex] = null;
    this.bus.scheduler.at(nowUs + this.isrLatencyUs, () => {
      if (this.st === "stopped" || this.busOff) return;
      const i = this.mailboxes.indexOf(null);
      if (i < 0) {
        // No free mailbox: the ISR cannot answer; hand the remote frame to the application instead.
        this.extra.autoReplyMissed++;
        if (slot.once) this.slots[slotIndex] = slot;
        this.toFifo(copyFrame(remote), fifo);
        return;
      }
      this.mailboxes[i] = copyFrame(slot.frame);
      this.c.autoReplies++;
      this.bus.wake();
    });
  }

  private toFifo(frame: CanFrame, fifo: number): void {
    const q = this.fifos[fifo];
    if (q.length >= RX_FIFO_DEPTH) {
      // RFLM=0: the last message stored is overwritten by the new one (RM0008 24.7.5).
      q[RX_FIFO_DEPTH - 1] = frame;
      this.c.rxOverruns++;
    } else q.push(frame);
    this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.draining || this.rxHeld) return;
    if (this.fifos[0].length === 0 && this.fifos[1].length === 0) return;
    this.draining = true;
    this.bus.scheduler.after(this.rxServiceUs, () => {
      this.draining = false;
      if (this.rxHeld) return;
      const fifo = this.fifos[0].length > 0 ? 0 : 1;
      const f = this.fifos[fifo].shift();
      if (f) {
        try {
          if (!this.secoc.deliver(f) && this.frameCb) this.frameCb(f, fifo);
        } catch (e) {
          // The hook must survive a throwing handler, as the device's event queue does.
          console.error("CanController onFrame handler threw:", e);
        }
      }
      this.scheduleDrain();
    });
  }

  private enterBusOff(): void {
    this.busOff = true;
    this.recoverySeqs = 0;
    this.c.busOffCount++;
    this.setState("bus-off");
    this.bus.watchRecovery(this);
  }

  private updateState(): void {
    if (this.st === "stopped" && this.bitrate === 0) return;
    let s: CanState;
    if (this.busOff) s = "bus-off";
    else if (this.c.tec >= 128 || this.c.rec >= 128) s = "error-passive";
    else if (this.c.tec >= 96 || this.c.rec >= 96) s = "error-warning";
    else s = "error-active";
    this.setState(s);
  }
}
