/**
 * A CanController whose received frames reach the application through an interpreter
 * that needs `costUs` per frame (InterpreterModel): the protocol code itself runs in
 * zero simulated time, so this is where the aggregator's JavaScript cost is charged.
 */
import type { CanCounters, CanFilter, CanState } from "../../modules/can/controller.ts";
import type { SecuredCanController } from "../../modules/can/secured.ts";
import type { CanFrame } from "../../modules/can/frame.ts";
import type { InterpreterModel } from "./interpreter.ts";

export class InterpretedController implements SecuredCanController {
  constructor(
    private readonly inner: SecuredCanController,
    private readonly interp: InterpreterModel,
    private readonly costUs: number,
  ) {}
  start(bitrate: number): number {
    return this.inner.start(bitrate);
  }
  stop(): void {
    this.inner.stop();
  }
  send(frame: CanFrame): number {
    return this.inner.send(frame);
  }
  addFilter(filter: CanFilter): number {
    return this.inner.addFilter(filter);
  }
  removeFilter(bank: number): void {
    this.inner.removeFilter(bank);
  }
  setAutoReply(frame: CanFrame, once: boolean): number {
    return this.inner.setAutoReply(frame, once);
  }
  clearAutoReply(id: number): void {
    this.inner.clearAutoReply(id);
  }
  onFrame(cb: (frame: CanFrame, fifo: number) => void): void {
    this.inner.onFrame((f, fifo) => this.interp.post(this.costUs, () => cb(f, fifo)));
  }
  /** Verification ran in the controller (C); the JavaScript handler is what costs `costUs`. */
  onSecured(cb: (id: number, verdict: number, fv: number, data32: number, v0: number, v1: number, v2: number) => void): void {
    this.inner.onSecured((id, v, fv, d, a, b, c) => this.interp.post(this.costUs, () => cb(id, v, fv, d, a, b, c)));
  }
  secocInit(slots: number, rx: number, tx: number, plan: Uint8Array): number { return this.inner.secocInit(slots, rx, tx, plan); }
  secocKey(slot: number, address: number, key16: Uint8Array, derive: boolean): number { return this.inner.secocKey(slot, address, key16, derive); }
  secocEpoch(epoch: number): void { this.inner.secocEpoch(epoch); }
  secocRx(slot: number, fv: number): void { this.inner.secocRx(slot, fv); }
  secocSyncLast(slot: number, fv: number): void { this.inner.secocSyncLast(slot, fv); }
  secocSend(id: number, data4: Uint8Array, fv: number): number { return this.inner.secocSend(id, data4, fv); }
  secocAutoReply(id: number, data4: Uint8Array): number { return this.inner.secocAutoReply(id, data4); }
  secocCodec(table: Uint8Array): number { return this.inner.secocCodec(table); }
  secocPublish(values: Float64Array, latest: Uint8Array): number { return this.inner.secocPublish(values, latest); }
  onState(cb: (state: CanState, counters: CanCounters) => void): void {
    this.inner.onState(cb);
  }
  state(): CanState {
    return this.inner.state();
  }
  counters(): CanCounters {
    return this.inner.counters();
  }
}
