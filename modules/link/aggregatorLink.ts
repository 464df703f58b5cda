/**
 * The aggregator's side of the CAN link. The per-answer work runs in C behind the
 * controller (linkPort.ts; boards/STM32F107/aglink): the poll schedule, the
 * verification of every answer and a latest-value table. This object configures it
 * once, reads rows of meters with news once a second (`tick`, TICK_MS) and hands them
 * to `onRows`; it keeps what is rare in JavaScript: an AggregatorNode for the sync
 * responses, command acknowledgements and the transmit epoch, and the aggregator's
 * CommandPort carried as authenticated relay commands. Device code.
 *
 * Poll plan (per meter): alarms every second first, power every second, voltage and
 * current every 2 s, energy registers every 5 s, THD and apparent power every 10 s.
 * 64 meters x 8 messages at these rates use about 20 % of a 125 kbit/s bus.
 *
 * Why C (issue 17): in JavaScript the schedule and the answer path cost about 2.5 M
 * x86 instructions per answer on Espruino, 230 answers a second at 64 meters: over 20
 * times what the 72 MHz Cortex-M3 has. poller.ts stays as the test oracle of the C.
 */
import { AggregatorNode } from "../can/aggregatorNode";
import { CommandSender, CMD_DISCONNECT, CMD_RECONNECT } from "../can/commands";
import { FN_ALARM, FN_MEAS_VOLTAGE_FREQ, FN_MEAS_CURRENT_PF, FN_MEAS_POWER, FN_MEAS_ENERGY_IMPORT, FN_MEAS_ENERGY_EXPORT, FN_COGEN_STATUS, FN_MEAS_QUALITY } from "../can/idPlan";
import { KvStore } from "../ports/kvStore";
import { Clock } from "../ports/clock";
import { LogLine } from "../ports/log";
import { BITRATE } from "./config";
import {
  LinkCanController, ROW_HEAD, AGC_COUNT, AGC_SENT, AGC_ANSWERED, AGC_RETRIED, AGC_MISSED, AGC_SYNC_REQUESTS, AGC_STORED,
  AGC_BAD_MAC, AGC_STALE, AGC_UNSYNCED, AGC_INTERNAL, AGC_SYNC_ENOFV, AGC_REFUSED, AGC_SKIPPED, AGC_EXTENDED, METER_COUNT,
} from "./linkPort";

export interface AggregatorLinkOptions {
  can: LinkCanController;
  masterKey16: Uint8Array;
  addresses: number[];
  store: KvStore;
  clock: Clock;
  log: LogLine;
  /**
   * Rows of meters with news (`n` rows of ROW_LEN numbers in `rows`, reused: read them
   * before returning): the columns are linkPort.ts ROW_* and the COL_* below.
   */
  onRows: (rows: Float64Array, n: number) => void;
  /** Co-generator nodes (modules/can COGEN_STATUS): polled for their status only. */
  cogenerators?: number[];
}

/** [fn, period ms, priority] of each polled message. */
// MEAS_QUALITY (14) with the power, every second: its flags say whether the values shown can be trusted.
const PLAN = [0, 1000, 0, 8, 1000, 10, 14, 1000, 10, 6, 2000, 20, 7, 2000, 20, 9, 5000, 30, 10, 5000, 30, 11, 10000, 40, 12, 10000, 40];
/** A co-generator's plan: its status (COGEN_STATUS, function 13) every 2 s. */
const COGEN_PLAN = [13, 2000, 30];
/** Stale after 3 periods, resynchronised after 2 misses, sync requests after 200 ms doubling up to 60 s. */
const TIMING = [3, 2, 200, 60000];
const DEADLINE_MS = 50;
const RETRIES = 2;
/** The C schedule's own tick on the controller, ms. */
const SCHEDULE_MS = 10;
/** JavaScript's tick: rows, epoch, command retries. */
export const TICK_MS = 1000;

/** Functions whose first 3 signals each row carries, in this order (COL_* below). */
const ROW_FNS = [FN_MEAS_POWER, FN_MEAS_VOLTAGE_FREQ, FN_MEAS_CURRENT_PF, FN_MEAS_ENERGY_IMPORT, FN_MEAS_ENERGY_EXPORT, FN_COGEN_STATUS, FN_ALARM, FN_MEAS_QUALITY];
export const ROW_LEN = ROW_HEAD + 3 * ROW_FNS.length;
export const COL_P_IMPORT = ROW_HEAD;
export const COL_P_EXPORT = ROW_HEAD + 1;
export const COL_U = ROW_HEAD + 3;
export const COL_I = ROW_HEAD + 6;
export const COL_E_IMPORT = ROW_HEAD + 9;
export const COL_E_EXPORT = ROW_HEAD + 12;
export const COL_CO_STATE = ROW_HEAD + 15;
export const COL_CO_POWER = ROW_HEAD + 16;
export const COL_ALARM = ROW_HEAD + 18;
/** MEAS_QUALITY: the latest answer's QualityFlags and QualitySince (the C keeps the latest answer only: one a second, as polled). */
export const COL_Q_FLAGS = ROW_HEAD + 21;
export const COL_Q_SINCE = ROW_HEAD + 22;
/** A row when an energy register or the co-generator's status was answered, or the alarm changed. */
export const FRESH_MASK = (1 << FN_MEAS_ENERGY_IMPORT) | (1 << FN_MEAS_ENERGY_EXPORT) | (1 << FN_COGEN_STATUS);
export const CHANGED_MASK = 1 << FN_ALARM;
/** Rows per read (a small buffer, read again while full: 4 x 26 doubles, about 64 JsVars). */
const ROWS = 4;

export class AggregatorLink {
  readonly node: AggregatorNode;
  readonly commands: CommandSender;
  readonly can: LinkCanController;
  /** Rows handed to onRows. */
  rowsRead = 0;
  cmdSent = 0;
  cmdDone = 0;
  cmdFailed = 0;
  errors = 0;
  started: number;
  private readonly addresses: number[];
  private readonly onRows: (rows: Float64Array, n: number) => void;
  private readonly log: LogLine;
  private readonly fns = new Uint8Array(ROW_FNS);
  private readonly rows = new Float64Array(ROWS * ROW_LEN);
  private readonly counts = new Uint32Array(AGC_COUNT);
  private readonly meter = new Uint32Array(METER_COUNT);
  private enofvSeen = 0;

  constructor(o: AggregatorLinkOptions) {
    const can = o.can;
    this.can = can;
    this.log = o.log;
    this.onRows = o.onRows;
    const cogens = o.cogenerators || [];
    const meters = o.addresses.length;
    const all = o.addresses.concat(cogens);
    this.addresses = all;
    const node = new AggregatorNode({ masterKey16: o.masterKey16, can: can, store: o.store, log: o.log, addresses: all });
    this.node = node;
    // Commands need the meter synchronised in the C link too (it may be resynchronising).
    const self = this;
    this.commands = new CommandSender({
      isSynced: function (a: number) { return self.isSynced(a); },
      sendSecured: function (a, m, v) { return node.sendSecured(a, m, v); },
      lostSync: function (a: number) { node.lostSync(a); can.linkSynced(a, false); },
    }, o.clock, 100, 2);
    const commands = this.commands;
    node.onAck = function (a: number, code: number, status: number, fv: number) { commands.ack(a, code, status, fv); };
    node.onSynced = function (a: number) { can.linkSynced(a, true); };
    let r = can.linkInit(meters * PLAN.length / 3 + cogens.length * COGEN_PLAN.length / 3, 3, new Uint16Array(TIMING));
    if (r === 0 && can.linkPlan(new Uint8Array(o.addresses), new Uint16Array(PLAN), DEADLINE_MS, RETRIES) < 0) r = -22;
    if (r === 0 && cogens.length > 0 && can.linkPlan(new Uint8Array(cogens), new Uint16Array(COGEN_PLAN), DEADLINE_MS, RETRIES) < 0) r = -22;
    if (r === 0) r = can.start(BITRATE);
    if (r === 0) r = node.start();
    // Extended identifiers are none of ours: let them in only for the C to count and drop
    // (the filters would drop them uncounted); FIFO 1, so a flood of them never fills the
    // hardware FIFO 0 of the answers (they share the driver's ring). No bank left: they
    // stay uncounted, the link runs on.
    if (r === 0) can.addFilter({ mode: "mask", extended: true, id: 0, mask: 0, fifo: 1 });
    if (r === 0) r = can.linkStart(SCHEDULE_MS);
    this.started = r;
    if (r !== 0) o.log("aggregator: CAN start failed (" + r + ")");
  }

  /** Rows of meters with news, the epoch, command retries: call every TICK_MS. */
  tick(): void {
    const can = this.can;
    for (;;) {
      const n = can.linkRows(this.fns, FRESH_MASK, CHANGED_MASK, this.rows);
      if (n > 0) {
        this.rowsRead += n;
        try { this.onRows(this.rows, n); } catch (e) { this.errors++; this.log("aggregator: rows handler: " + e); }
      }
      if (n < ROWS) break;
    }
    // The C could not sign a sync request: its transmit epoch is used up. Persist the next.
    can.linkCounters(this.counts);
    if (this.counts[AGC_SYNC_ENOFV] !== this.enofvSeen) {
      this.enofvSeen = this.counts[AGC_SYNC_ENOFV];
      if (!this.node.renewEpoch()) this.log("aggregator: cannot persist the next freshness epoch");
    }
    this.commands.tick();
  }

  /** Synchronised in the C link (which resynchronises on its own) and in the node. */
  isSynced(address: number): boolean {
    this.can.linkMeter(address, this.meter);
    return this.meter[4] === 1 && this.node.isSynced(address);
  }

  /** modules/aggregator/commandPort.ts CommandPort: 0 when queued, -1 when the meter is not synchronised. */
  sendCommand(address: number, command: string): number {
    if (!this.isSynced(address)) return -1;
    const self = this;
    this.cmdSent++;
    this.commands.send(address, command === "connect" ? CMD_RECONNECT : CMD_DISCONNECT, 0, 0, function (out) {
      if (out === 0) self.cmdDone++;
      else self.cmdFailed++;
    });
    return 0;
  }

  /** Plain data: `can` is the controller's CanCounters, `rejects` the C's and the node's counts by cause. */
  status(): object {
    const c = new Uint32Array(AGC_COUNT);
    this.can.linkCounters(c);
    const m = new Uint32Array(METER_COUNT);
    const meters = [];
    for (let i = 0; i < this.addresses.length; i++) {
      const a = this.addresses[i];
      this.can.linkMeter(a, m);
      // missed: every poll it missed (used every retry, or never sent); refused: sends the full mailboxes refused
      meters.push({ address: a, synced: m[4] === 1 && this.node.isSynced(a), polls: m[0], answered: m[1], missed: m[2], readings: m[3], refused: m[5] });
    }
    const j = this.node.rejects;
    return {
      role: "aggregator", state: this.can.state(), sent: c[AGC_SENT], answered: c[AGC_ANSWERED], late: c[AGC_RETRIED],
      // every missed poll: those that used every retry and those never sent (skipped)
      missed: c[AGC_MISSED] + c[AGC_SKIPPED], timedOut: c[AGC_MISSED], skipped: c[AGC_SKIPPED], refused: c[AGC_REFUSED], extended: c[AGC_EXTENDED],
      syncs: c[AGC_SYNC_REQUESTS], readings: c[AGC_STORED], rows: this.rowsRead, can: this.can.counters(),
      rejects: { badMac: j.badMac + c[AGC_BAD_MAC], stale: j.stale + c[AGC_STALE], length: j.length, unknownId: j.unknownId, unsynced: j.unsynced + c[AGC_UNSYNCED], internal: j.internal + c[AGC_INTERNAL], who: "aggregator" },
      foreignRemote: this.node.foreignRemoteFrames, commands: { sent: this.cmdSent, done: this.cmdDone, failed: this.cmdFailed },
      errors: this.errors + (this.started === 0 ? 0 : 1), meters: meters,
    };
  }
}
