/**
 * A babbling node: a faulty transmitter that has a frame pending at every arbitration
 * between `fromUs` and `untilUs`. With a low identifier it starves every other node,
 * which is what the poller's deadlines and stale marking must survive.
 */
import { dataFrame, remoteFrame, type CanFrame } from "../../modules/can/frame.ts";
import type { BusNode } from "./busNode.ts";
import type { VirtualCanBus } from "./bus.ts";

export interface BabblerOptions {
  name?: string;
  id: number;
  extended?: boolean;
  data?: Uint8Array;
  /** A remote frame of this DLC instead of a data frame (a flood of forged polls). */
  remoteDlc?: number;
  fromUs?: number;
  untilUs?: number;
}

export class BabblingNode implements BusNode {
  readonly name: string;
  sent = 0;
  private readonly frame: CanFrame;
  private readonly fromUs: number;
  private untilUs: number;

  constructor(private readonly bus: VirtualCanBus, opts: BabblerOptions) {
    this.name = opts.name !== undefined ? opts.name : "babbler";
    this.frame = opts.remoteDlc !== undefined ? remoteFrame(opts.id, opts.remoteDlc, opts.extended === true)
      : dataFrame(opts.id, opts.data ? opts.data : new Uint8Array(8), opts.extended === true);
    this.fromUs = opts.fromUs !== undefined ? opts.fromUs : bus.nowUs();
    this.untilUs = opts.untilUs !== undefined ? opts.untilUs : Infinity;
    bus.attach(this);
    bus.scheduler.at(this.fromUs, () => bus.wake());
  }

  /** Silences the node from now on. */
  stop(): void {
    this.untilUs = this.bus.nowUs();
  }

  isOnBus(nowUs: number): boolean {
    return nowUs < this.untilUs;
  }
  isErrorPassive(): boolean {
    return false;
  }
  pendingFrame(nowUs: number): CanFrame | null {
    return nowUs >= this.fromUs && nowUs < this.untilUs ? this.frame : null;
  }
  readyAtUs(): number | undefined {
    const now = this.bus.nowUs();
    if (now >= this.untilUs) return undefined;
    return Math.max(now, this.fromUs);
  }
  txDone(): void {
    this.sent++;
  }
  txError(): void {}
  rxFrame(): void {}
  rxError(): void {}
}
