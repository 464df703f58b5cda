/**
 * Authenticated control commands from the aggregator, with acknowledgement and
 * retries. One command per meter at a time; each (re)transmission takes a new
 * freshness value, so the meter, which accepts each value once, never executes a
 * stale copy, and the acknowledgement names the FV it answers (AckCmdFreshness).
 */
import { Clock } from "../ports/clock";
import { SignalValues } from "./messageCodec";
import { CMD_DISCONNECT, CMD_RECONNECT, CMD_SET_TOU_START } from "./meterNode";

export { CMD_DISCONNECT, CMD_RECONNECT, CMD_SET_TOU_START };

/** What the command sender needs from the aggregator link (AggregatorNode implements it). */
export interface CommandTarget {
  isSynced(address: number): boolean;
  sendSecured(address: number, message: string, values: SignalValues): number;
  /**
   * Every attempt of a command went unacknowledged: a counter of this meter's link may be
   * out of 8-bit reach (more than 255 frames lost), so resynchronise before the next.
   */
  lostSync?(address: number): void;
}

/** Final outcome: the meter's AckStatus (0 = done), or "timeout" after all retries. */
export type CommandOutcome = number | "timeout" | "busy";

interface Pending {
  address: number;
  values: SignalValues;
  fvs: number[];
  sentMs: number;
  attempts: number;
  done: (outcome: CommandOutcome) => void;
}

export class CommandSender {
  private readonly target: CommandTarget;
  private readonly clock: Clock;
  private readonly ackTimeoutMs: number;
  private readonly retries: number;
  private pending: Pending[] = [];

  constructor(target: CommandTarget, clock: Clock, ackTimeoutMs: number, retries: number) {
    this.target = target;
    this.clock = clock;
    this.ackTimeoutMs = ackTimeoutMs;
    this.retries = retries;
  }

  /** Queues a command; `done` is called once with the outcome. */
  send(address: number, code: number, tariff: number, arg: number, done: (outcome: CommandOutcome) => void): void {
    for (let i = 0; i < this.pending.length; i++) if (this.pending[i].address === address) { done("busy"); return; }
    const p: Pending = { address: address, values: { CmdCode: code, CmdTariff: tariff, CmdArg: arg }, fvs: [], sentMs: -1, attempts: 0, done: done };
    this.pending.push(p);
    this.transmit(p);
  }

  private transmit(p: Pending): void {
    const now = this.clock.nowMs();
    p.sentMs = now; // a failed or impossible send also waits a timeout before retrying
    p.attempts++;
    if (!this.target.isSynced(p.address)) return;
    const fv = this.target.sendSecured(p.address, "COMMAND", p.values);
    if (fv >= 0) p.fvs.push(fv % 65536);
  }

  /** Wire AggregatorNode.onAck here. */
  ack(address: number, code: number, status: number, cmdFvLow16: number): void {
    for (let i = 0; i < this.pending.length; i++) {
      const p = this.pending[i];
      if (p.address === address && p.values.CmdCode === code && p.fvs.indexOf(cmdFvLow16) >= 0) {
        this.pending.splice(i, 1);
        p.done(status);
        return;
      }
    }
  }

  /** Retransmits or gives up on commands whose acknowledgement is late. */
  tick(): void {
    const now = this.clock.nowMs();
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const p = this.pending[i];
      if (now - p.sentMs < this.ackTimeoutMs) continue;
      if (p.attempts <= this.retries) this.transmit(p);
      else {
        this.pending.splice(i, 1);
        if (this.target.lostSync) this.target.lostSync(p.address);
        p.done("timeout");
      }
    }
  }
}
