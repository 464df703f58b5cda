/**
 * Counting and logging of rejected frames, per cause. A node never throws on a bad
 * frame: it calls reject() and goes on.
 */
import { CanFrame, frameError } from "./frame";
import { LogLine } from "../ports/log";

export type RejectCause = "badMac" | "stale" | "length" | "unknownId" | "unsynced" | "internal";

export class RejectCounter {
  badMac = 0;
  stale = 0;
  /** Wrong DLC, remote frame where data is needed, malformed frame. */
  length = 0;
  /** Extended id, unknown function, or a message this node does not receive. */
  unknownId = 0;
  /** Secured frame arriving before freshness synchronisation. */
  unsynced = 0;
  /** The node failed while handling the frame (e.g. no memory for AES): not the frame's fault. */
  internal = 0;
  private readonly log: LogLine;
  private readonly who: string;

  constructor(who: string, log: LogLine) {
    this.who = who;
    this.log = log;
  }

  reject(cause: RejectCause, f: CanFrame, detail: string): void {
    this[cause]++; // each cause has the counter of its name
    this.log(this.who + " rejected " + (f.extended ? "ext " : "") + "0x" + f.id.toString(16) + (f.rtr ? " RTR" : "") +
      " dlc " + f.dlc + ": " + cause + " (" + detail + ")");
  }

  /** A rejected secured frame (8-byte standard data frame, verified by the controller). */
  rejectId(cause: RejectCause, id: number, detail: string): void {
    this[cause]++;
    this.log(this.who + " rejected 0x" + id.toString(16) + " dlc 8: " + cause + " (" + detail + ")");
  }

  /**
   * Hands a well-formed frame to `node.dispatch` (the node, not a closure: nothing is
   * allocated per frame). A malformed frame is rejected as "length", an error thrown
   * while handling it as "internal". Never throws.
   */
  guard(f: CanFrame, node: { dispatch(f: CanFrame): void }): void {
    try {
      const err = frameError(f);
      if (err !== null) this.reject("length", f, err);
      else node.dispatch(f);
    } catch (e) {
      this.reject("internal", f, "handler error: " + (e instanceof Error ? e.message : String(e)));
    }
  }
}

/** Every rejected frame, whatever the cause (tests, reports): a function, not a method the meter would hold for good. */
export function rejectTotal(r: RejectCounter): number {
  return r.badMac + r.stale + r.length + r.unknownId + r.unsynced + r.internal;
}
