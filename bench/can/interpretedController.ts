/**
 * A CanController whose received frames reach the application through an interpreter
 * that needs `costUs` per frame (InterpreterModel): the protocol code itself runs in
 * zero simulated time, so this is where the aggregator's JavaScript cost is charged.
 */
import type { CanController, CanCounters, CanFilter, CanState } from "../../modules/can/controller.ts";
import type { CanFrame } from "../../modules/can/frame.ts";
import type { InterpreterModel } from "./interpreter.ts";

export class InterpretedController implements CanController {
  constructor(
    private readonly inner: CanController,
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
