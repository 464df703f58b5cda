/**
 * The aggregator's side of the CAN link: an AggregatorNode and a Poller for the
 * configured meters, each authenticated reading handed to `onReading`, and the
 * aggregator's CommandPort carried as authenticated relay commands. Device code.
 *
 * Poll plan (per meter): alarms every second first, power every second, voltage and
 * current every 2 s, energy registers every 5 s, THD and apparent power every 10 s.
 * 64 meters x 7 messages at these rates use about 20 % of a 125 kbit/s bus.
 */
import { SecuredCanController } from "../can/secured";
import { AggregatorNode, Reading } from "../can/aggregatorNode";
import { Poller, PollResult } from "../can/poller";
import { CommandSender, CMD_DISCONNECT, CMD_RECONNECT } from "../can/commands";
import { KvStore } from "../ports/kvStore";
import { Clock } from "../ports/clock";
import { LogLine } from "../ports/log";
import { BITRATE } from "./config";

export interface AggregatorLinkOptions {
  can: SecuredCanController;
  masterKey16: Uint8Array;
  addresses: number[];
  store: KvStore;
  clock: Clock;
  log: LogLine;
  onReading: (r: Reading) => void;
  /** Co-generator nodes (modules/can COGEN_STATUS): polled for their status only. */
  cogenerators?: number[];
  /** Each poll's outcome per address (ok: answered in time; else all retries used), e.g. for offline marks. */
  onPoll?: (address: number, ok: boolean) => void;
}

/** [fn, period ms, priority] of each polled message. */
// MEAS_QUALITY (14) with the power, every second: its flags say whether the values shown can be trusted.
const PLAN = [0, 1000, 0, 8, 1000, 10, 14, 1000, 10, 6, 2000, 20, 7, 2000, 20, 9, 5000, 30, 10, 5000, 30, 11, 10000, 40, 12, 10000, 40];
/** A co-generator's plan: its status (COGEN_STATUS, function 13) every 2 s. */
const COGEN_PLAN = [13, 2000, 30];
const DEADLINE_MS = 50;
const RETRIES = 2;
export const TICK_MS = 10;

export class AggregatorLink {
  readonly node: AggregatorNode;
  readonly poller: Poller;
  readonly commands: CommandSender;
  readonly can: SecuredCanController;
  readings = 0;
  /** Per configured meter (index in `addresses`): polls sent, answered in time, missed (all retries used), readings. */
  readonly polls: Uint32Array;
  readonly answered: Uint32Array;
  readonly missed: Uint32Array;
  readonly perReadings: Uint32Array;
  /** Per address: a sync request is outstanding (sent, no answer yet). */
  readonly syncPending: Uint8Array;
  private readonly onPoll?: (address: number, ok: boolean) => void;
  private readonly log: LogLine;
  cmdSent = 0;
  cmdDone = 0;
  cmdFailed = 0;
  errors = 0;
  started: number;
  private readonly addresses: number[];

  constructor(o: AggregatorLinkOptions) {
    const self = this;
    this.can = o.can;
    const cogens = o.cogenerators || [];
    const meters = o.addresses.length;
    this.addresses = o.addresses.concat(cogens);
    const all = this.addresses;
    const n = all.length;
    this.polls = new Uint32Array(n);
    this.answered = new Uint32Array(n);
    this.missed = new Uint32Array(n);
    this.perReadings = new Uint32Array(n);
    this.syncPending = new Uint8Array(n);
    this.onPoll = o.onPoll;
    this.log = o.log;
    const at = function (a: number) { return all.indexOf(a); };
    const node = new AggregatorNode({ masterKey16: o.masterKey16, can: o.can, store: o.store, log: o.log, addresses: all });
    this.node = node;
    const target = {
      poll: function (a: number, fn: number) { self.polls[at(a)]++; return node.poll(a, fn); },
      isSynced: function (a: number) { return node.isSynced(a); },
      requestSync: function (a: number) {
        // A meter that stops answering loses its synchronisation after 2 missed polls and is
        // then only sent sync requests: each one left unanswered counts as a missed poll too.
        const i = at(a);
        if (self.syncPending[i] && o.onPoll) self.report(a, false);
        self.syncPending[i] = 1;
        return node.requestSync(a);
      },
    };
    this.poller = new Poller(target, o.clock, { capacity: meters * PLAN.length / 3 + cogens.length * COGEN_PLAN.length / 3, maxInFlight: 3, staleAfterPeriods: 3, syncRetryMs: 200, syncAfterMisses: 2 });
    for (let i = 0; i < n; i++) {
      const plan = i < meters ? PLAN : COGEN_PLAN;
      for (let k = 0; k < plan.length; k += 3) this.poller.add(all[i], plan[k], plan[k + 1], plan[k + 2], DEADLINE_MS, RETRIES);
    }
    this.commands = new CommandSender(node, o.clock, 100, 2);
    const poller = this.poller;
    const commands = this.commands;
    node.onReading = function (r: Reading) {
      self.readings++;
      self.perReadings[at(r.address)]++;
      poller.answer(r.address, r.fn);
      try { o.onReading(r); } catch (e) { self.errors++; o.log("aggregator: reading handler: " + e); }
    };
    node.onAck = function (a: number, code: number, status: number, fv: number) { commands.ack(a, code, status, fv); };
    node.onSynced = function (a: number) {
      self.syncPending[at(a)] = 0;
      poller.synced(a);
      self.report(a, true);
    };
    poller.onResult = function (r: PollResult) {
      if (r.ok) self.answered[at(r.address)]++;
      else self.missed[at(r.address)]++;
      self.report(r.address, r.ok);
    };
    this.started = o.can.start(BITRATE);
    if (this.started === 0) this.started = node.start();
    if (this.started !== 0) o.log("aggregator: CAN start failed (" + this.started + ")");
  }

  private report(a: number, ok: boolean): void {
    if (!this.onPoll) return;
    try { this.onPoll(a, ok); } catch (e) { this.errors++; this.log("aggregator: poll handler: " + e); }
  }

  /** Timeouts, retries and new polls: call every TICK_MS. */
  tick(): void {
    this.poller.tick();
    this.commands.tick();
  }

  /** modules/aggregator/commandPort.ts CommandPort: 0 when queued, -1 when the meter is not synchronised. */
  sendCommand(address: number, command: string): number {
    if (!this.node.isSynced(address)) return -1;
    const self = this;
    this.cmdSent++;
    this.commands.send(address, command === "connect" ? CMD_RECONNECT : CMD_DISCONNECT, 0, 0, function (out) {
      if (out === 0) self.cmdDone++;
      else self.cmdFailed++;
    });
    return 0;
  }

  /** Plain data: `can` is the controller's CanCounters, `rejects` the RejectCounter (counts by cause). */
  status(): object {
    const p = this.poller;
    const meters = [];
    for (let i = 0; i < this.addresses.length; i++) {
      const a = this.addresses[i];
      meters.push({ address: a, synced: this.node.isSynced(a), polls: this.polls[i], answered: this.answered[i], missed: this.missed[i], readings: this.perReadings[i] });
    }
    return {
      role: "aggregator", state: this.can.state(), sent: p.sent, answered: p.answered, late: p.retried, missed: p.missed, syncs: p.syncRequests,
      readings: this.readings, can: this.can.counters(), rejects: this.node.rejects,
      foreignRemote: this.node.foreignRemoteFrames, commands: { sent: this.cmdSent, done: this.cmdDone, failed: this.cmdFailed },
      errors: this.errors + (this.started === 0 ? 0 : 1), meters: meters,
    };
  }
}
