/**
 * The device's CAN driver (boards/STM32F107/can/canDriver.c) over the board tests'
 * register model of the bxCAN (boards/STM32F107/test/fake/fakeBxcan.c), as a
 * CanController (modules/can/controller.ts), so the controller contract runs on the C
 * that CAN1 runs. The main loop's part (jswrap_can.c's event handler: received frames
 * and state changes to the callbacks) is pump(), which every call that can produce
 * one runs; the wire is attachTo(): a LoopbackBus node that carries the controller's
 * transmitted frames to the other nodes and theirs into the controller's filters.
 */
import type { CanFrame } from "../../modules/can/frame.ts";
import type { CanController, CanCounters, CanFilter, CanState } from "../../modules/can/controller.ts";
import type { LoopbackBus, LoopbackNode } from "../../modules/can/testing/loopbackBus.ts";
import { loadAddon } from "./loadAddon.ts";

type RxFrame = CanFrame & { fifo: number };

interface NativeCan {
  start(bitrate: number): number;
  stop(): void;
  send(f: CanFrame): number;
  addFilter(f: CanFilter): number;
  removeFilter(bank: number): void;
  setAutoReply(f: CanFrame, once: boolean): number;
  clearAutoReply(id: number): void;
  state(): CanState;
  counters(): CanCounters;
  /** Bus side: the frame the controller wins arbitration with, sent, or null. */
  transmit(): CanFrame | null;
  /** Bus side: a frame from another node; its FIFO, -1 (no filter), -2 (not receiving). */
  receive(f: CanFrame): number;
  takeFrame(): RxFrame | null;
  takeStateChange(): CanState | null;
}

export class CanDriverOnFakes implements CanController {
  private readonly c = new (loadAddon<{ CanDriverOnFakes: new () => NativeCan }>("meterKernel", "CAN driver").CanDriverOnFakes)();
  private frameCb: ((f: CanFrame, fifo: number) => void) | null = null;
  private stateCb: ((s: CanState, c: CanCounters) => void) | null = null;
  private wire: LoopbackNode | null = null;

  /** Joins `bus` through a node of its own that relays frames both ways (bus.run() moves them). */
  attachTo(bus: LoopbackBus): void {
    const w = bus.attach("fake bxCAN");
    w.start(1);
    w.addFilter({ mode: "mask", extended: false, id: 0, mask: 0, fifo: 0 });
    w.addFilter({ mode: "mask", extended: true, id: 0, mask: 0, fifo: 0 });
    w.onFrame((f) => {
      this.c.receive(f);
      this.flush();
    });
    this.wire = w;
  }

  /** Puts every frame the controller has pending on the wire, lowest identifier first (its mailboxes' arbitration). */
  flush(): void {
    for (let f = this.c.transmit(); f; f = this.c.transmit()) if (this.wire) this.wire.sendRaw(f);
    this.pump();
  }

  /** The main loop: queued state changes and received frames to the callbacks. */
  pump(): void {
    for (let s = this.c.takeStateChange(); s; s = this.c.takeStateChange()) if (this.stateCb) this.stateCb(s, this.c.counters());
    for (let f = this.c.takeFrame(); f; f = this.c.takeFrame()) {
      const fifo = f.fifo;
      const frame: CanFrame = { id: f.id, extended: f.extended, rtr: f.rtr, dlc: f.dlc, data: f.data };
      if (this.frameCb) this.frameCb(frame, fifo);
    }
  }

  start(bitrate: number): number {
    const rc = this.c.start(bitrate);
    this.pump();
    return rc;
  }
  stop(): void {
    this.c.stop();
    this.pump();
  }
  send(frame: CanFrame): number {
    return this.c.send(frame);
  }
  addFilter(filter: CanFilter): number {
    return this.c.addFilter(filter);
  }
  removeFilter(bank: number): void {
    this.c.removeFilter(bank);
  }
  setAutoReply(frame: CanFrame, once: boolean): number {
    return this.c.setAutoReply(frame, once);
  }
  clearAutoReply(id: number): void {
    this.c.clearAutoReply(id);
  }
  onFrame(cb: (frame: CanFrame, fifo: number) => void): void {
    this.frameCb = cb;
  }
  onState(cb: (state: CanState, counters: CanCounters) => void): void {
    this.stateCb = cb;
  }
  state(): CanState {
    return this.c.state();
  }
  counters(): CanCounters {
    return this.c.counters();
  }
}
