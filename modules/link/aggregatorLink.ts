/**
 * The aggregator's side of the CAN link. The per-answer work runs in C behind the
 * controller (linkPort.ts; boards/STM32F107/aglink): the poll schedule, the
 * verification of every answer and a latest-value table. This object configures it
 * once, reads rows of meters with news once a second (`tick`, TICK_MS) and hands them
 * to `onRows`, and carries the aggregator's CommandPort as authenticated relay commands
 * (signed, sent, retried until acknowledged in C: linkCommand). No CAN frame reaches
 * this JavaScript: sync responses and acknowledgements are the C's too
 * (boards/STM32F107/aglink/aglinkCommands.c). What stays here is rare: the
 * persistence of the transmit epoch (a KvStore write at boot and when the C has used
 * an epoch up). Device code.
 *
 * Poll plan (per meter): alarms every second first, power every second, voltage and
 * current every 2 s, energy registers every 5 s, THD and apparent power every 10 s.
 * 64 meters x 8 messages at these rates use about 20 % of a 125 kbit/s bus.
 *
 * Why C (issue 17): in JavaScript the schedule and the answer path cost about 2.5 M
 * x86 instructions per answer on Espruino, 230 answers a second at 64 meters: over 20
 * times what the 72 MHz Cortex-M3 has. poller.ts stays as the test oracle of the C,
 * aggregatorNode.ts and commands.ts as the reference of its rare path (issue 16: their
 * ~30 KB of source with the message table left the aggregator's bundle).
 */
import { FN_ALARM, FN_MEAS_POWER, FN_MEAS_ENERGY_IMPORT, FN_MEAS_ENERGY_EXPORT, FN_COGEN_STATUS } from "../can/idPlan";
import { PersistedEpoch } from "../can/freshness";
import { KvStore } from "../ports/kvStore";
import { Clock } from "../ports/clock";
import { LogLine } from "../ports/log";
import { BITRATE } from "./config";
import { AGG_PLAN_HEX, AGG_CODEC_HEX, AGG_RX_COUNTERS, AGG_TX_COUNTERS, hexBytes } from "./aggTables";
import {
  LinkCanController, ROW_HEAD, AGC_COUNT, AGC_SENT, AGC_ANSWERED, AGC_RETRIED, AGC_MISSED, AGC_SYNC_REQUESTS, AGC_STORED,
  AGC_BAD_MAC, AGC_STALE, AGC_UNSYNCED, AGC_INTERNAL, AGC_PLAIN, AGC_TO_JS, AGC_SYNC_ENOFV, AGC_REFUSED, AGC_SKIPPED, AGC_EXTENDED, METER_COUNT,
  AGC_CMD_QUEUED, AGC_CMD_DONE, AGC_CMD_FAILED, AGC_OLD_EPOCH, AGC_CMD_ENOFV,
} from "./linkPort";

export interface AggregatorLinkOptions {
  can: LinkCanController;
  masterKey16: Uint8Array;
  addresses: number[];
  store: KvStore;
  /** Not read by the link (its C keeps the time); callers may leave it out. */
  clock?: Clock;
  log: LogLine;
  /**
   * Rows of meters with news (`n` rows of ROW_LEN numbers in `rows`, reused: read them
   * before returning): the columns are linkPort.ts ROW_* and the COL_* below.
   */
  onRows: (rows: Float64Array, n: number) => void;
  /** Co-generator nodes (modules/can COGEN_STATUS): polled for their status only. */
  cogenerators?: number[];
}

const DEADLINE_MS = 50;
const RETRIES = 2;
/** The C schedule's own tick on the controller, ms. */
const SCHEDULE_MS = 10;
/** JavaScript's tick: rows and the epoch (command retries run in C on the schedule's tick). */
export const TICK_MS = 1000;

/**
 * Functions whose first 3 signals each row carries, in this order (COL_* below). Voltage,
 * current and quality are not among them: they stay in the C's table until a page asks
 * (latestSignals), so a row costs JavaScript only what the store needs.
 */
export function rowFns(): Uint8Array {
  return new Uint8Array([FN_MEAS_POWER, FN_MEAS_ENERGY_IMPORT, FN_MEAS_ENERGY_EXPORT, FN_COGEN_STATUS, FN_ALARM]);
}
/** rowFns().length as a number, so that no array of them stays at top level (link.test.ts checks they agree). */
export const ROW_FN_COUNT = 5;
export const ROW_LEN = ROW_HEAD + 3 * ROW_FN_COUNT;
export const COL_P_IMPORT = ROW_HEAD;
export const COL_P_EXPORT = ROW_HEAD + 1;
export const COL_E_IMPORT = ROW_HEAD + 3;
export const COL_E_EXPORT = ROW_HEAD + 6;
export const COL_CO_STATE = ROW_HEAD + 9;
export const COL_CO_POWER = ROW_HEAD + 10;
export const COL_ALARM = ROW_HEAD + 12;
/** A row when an energy register or the co-generator's status was answered, or the alarm changed. */
export const FRESH_MASK = (1 << FN_MEAS_ENERGY_IMPORT) | (1 << FN_MEAS_ENERGY_EXPORT) | (1 << FN_COGEN_STATUS);
export const CHANGED_MASK = 1 << FN_ALARM;
/**
 * Rows per read (a small buffer, read again while full: 3 x 20 doubles, 37 JsVars): 13 rows
 * a second at 64 meters are 5 reads. It was 6 rows (3 reads, 71 JsVars): two more calls
 * of linkRows a second buy 34 JsVars for the whole uptime (issue 16, branch aggbase).
 */
const ROWS = 3;
/** COMMAND codes (modules/can/meterNode.ts CMD_*; aggTables.test.ts checks they agree). */
export const CMD_DISCONNECT = 1;
export const CMD_RECONNECT = 2;

/**
 * The transmit epoch's setter on the controller. Its own function so that the closure
 * holds `can` alone: made in the constructor, it would keep the constructor's whole
 * scope alive on Espruino (the options and the node list, plain arrays of one JsVar a
 * node: about 130 JsVars at 64 meters). The annotation keeps terser from writing it back
 * into the constructor as a call of a function expression, whose closure would keep that
 * scope all the same (measured on the real interpreter: a 500-number array kept, 523 JsVars).
 */
function epochSetter(can: LinkCanController): (e: number) => void {
  return function (e: number) { can.secocEpoch(e); };
}

export class AggregatorLink {
  readonly can: LinkCanController;
  /** Rows handed to onRows. */
  rowsRead = 0;
  errors = 0;
  started: number;
  /** Bus addresses of the polled nodes (meters, then co-generators): a Uint8Array, 1 byte a node where a plain array costs a JsVar each (65 JsVars at 64 meters against 8). */
  private readonly addresses: Uint8Array;
  private readonly onRows: (rows: Float64Array, n: number) => void;
  private readonly log: LogLine;
  private readonly tx: PersistedEpoch;
  private readonly fns = rowFns();
  private readonly rows = new Float64Array(ROWS * ROW_LEN);
  private readonly counts = new Uint32Array(AGC_COUNT);
  private enofvSeen = 0;

  constructor(o: AggregatorLinkOptions) {
    // The poll plan and timing are needed once, here: as module constants they would stay
    // at top level for the whole uptime (about 60 JsVars on Espruino).
    /** [fn, period ms, priority] of each polled message. */
    // MEAS_QUALITY (14) with the power, every second: its flags say whether the values shown can be trusted.
    const PLAN = [0, 1000, 0, 8, 1000, 10, 14, 1000, 10, 6, 2000, 20, 7, 2000, 20, 9, 5000, 30, 10, 5000, 30, 11, 10000, 40, 12, 10000, 40];
    /** A co-generator's plan: its status (COGEN_STATUS, function 13) every 2 s. */
    const COGEN_PLAN = [13, 2000, 30];
    /**
     * Stale after 3 periods, resynchronised after 2 misses, sync requests after 200 ms doubling
     * up to 60 s; a command's acknowledgement awaited 100 ms, 2 retries (as CommandSender had).
     */
    const TIMING = [3, 2, 200, 60000, 100, 2];
    const can = o.can;
    this.can = can;
    this.log = o.log;
    this.onRows = o.onRows;
    const cogens = o.cogenerators || [];
    const all = o.addresses.concat(cogens);
    this.addresses = new Uint8Array(all);
    this.tx = new PersistedEpoch(o.store, "aggepoch", /*@__NOINLINE__*/ epochSetter(can));
    // Keys, freshness counters and the tables live in the controller (C); one slot per node.
    let r = can.secocInit(all.length, AGG_RX_COUNTERS, AGG_TX_COUNTERS, hexBytes(AGG_PLAN_HEX));
    if (r === 0) r = can.secocCodec(hexBytes(AGG_CODEC_HEX));
    for (let i = 0; i < all.length; i++) {
      const a = all[i];
      if (!(a >= 0 && a < 64 && Math.floor(a) === a) || all.indexOf(a) !== i) throw new Error("meter address " + a + " is not an unused integer 0..63");
      if (r === 0) r = can.secocKey(i, a, o.masterKey16, true);
    }
    if (r === 0) r = can.linkInit(o.addresses.length * PLAN.length / 3 + cogens.length * COGEN_PLAN.length / 3, 3, new Uint16Array(TIMING));
    if (r === 0 && can.linkPlan(new Uint8Array(o.addresses), new Uint16Array(PLAN), DEADLINE_MS, RETRIES) < 0) r = -22;
    if (r === 0 && cogens.length > 0 && can.linkPlan(new Uint8Array(cogens), new Uint16Array(COGEN_PLAN), DEADLINE_MS, RETRIES) < 0) r = -22;
    if (r === 0) r = can.start(BITRATE);
    // every standard identifier: the link's C takes each frame (answers, sync responses, acks) and counts the rest
    if (r === 0 && can.addFilter({ mode: "mask", extended: false, id: 0, mask: 0, fifo: 0 }) < 0) r = -28;
    if (r === 0 && !this.tx.boot()) r = -1;
    // Extended identifiers are none of ours: let them in only for the C to count and drop
    // (the filters would drop them uncounted); FIFO 1, so a flood of them never fills the
    // hardware FIFO 0 of the answers (they share the driver's ring). No bank left: they
    // stay uncounted, the link runs on.
    if (r === 0) can.addFilter({ mode: "mask", extended: true, id: 0, mask: 0, fifo: 1 });
    if (r === 0) r = can.linkStart(SCHEDULE_MS);
    this.started = r;
    if (r !== 0) o.log("aggregator: CAN start failed (" + r + (r === -1 ? ": cannot persist the freshness epoch" : "") + ")");
  }

  /** Rows of meters with news, and the epoch: call every TICK_MS. */
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
    // The C could not sign a sync request or a command: its transmit epoch is used up. Persist the next.
    const c = this.counts;
    can.linkCounters(c);
    if (c[AGC_SYNC_ENOFV] + c[AGC_CMD_ENOFV] !== this.enofvSeen) {
      this.enofvSeen = c[AGC_SYNC_ENOFV] + c[AGC_CMD_ENOFV];
      if (!this.tx.renew()) this.log("aggregator: freshness epoch not persisted");
    }
  }

  /**
   * readingsStore.ts LatestSource: the first 3 signals of meter `address`'s latest answer
   * to `fn`, read from the C's table when a page asks (linkLatest; no row taken), or null
   * when never answered. The buffer is the rows' (a request never runs inside onRows): no
   * array kept for this alone.
   */
  latestSignals(address: number, fn: number): Float64Array | null {
    return this.can.linkLatest(address, fn, this.rows) === 1 ? this.rows : null;
  }

  /**
   * modules/aggregator/commandPort.ts CommandPort: 0 when queued (the C signs, sends and
   * retries it until acknowledged; outcomes in status().commands), -1 when the meter is
   * not synchronised, -16 while a command of that meter is pending.
   */
  sendCommand(address: number, command: string): number {
    return this.can.linkCommand(address, command === "connect" ? CMD_RECONNECT : CMD_DISCONNECT, 0, 0);
  }

  /** Plain data: `can` is the controller's CanCounters, `rejects` the C's counts by cause. */
  status(): object {
    const c = new Uint32Array(AGC_COUNT);
    this.can.linkCounters(c);
    const m = new Uint32Array(METER_COUNT);
    const meters = [];
    for (let i = 0; i < this.addresses.length; i++) {
      const a = this.addresses[i];
      this.can.linkMeter(a, m);
      // missed: every poll it missed (used every retry, or never sent); refused: sends the full mailboxes refused
      meters.push({ address: a, synced: m[4] === 1, polls: m[0], answered: m[1], missed: m[2], readings: m[3], refused: m[5] });
    }
    return {
      role: "aggregator", state: this.can.state(), sent: c[AGC_SENT], answered: c[AGC_ANSWERED], late: c[AGC_RETRIED],
      // every missed poll: those that used every retry and those never sent (skipped)
      missed: c[AGC_MISSED] + c[AGC_SKIPPED], timedOut: c[AGC_MISSED], skipped: c[AGC_SKIPPED], refused: c[AGC_REFUSED], extended: c[AGC_EXTENDED],
      syncs: c[AGC_SYNC_REQUESTS], readings: c[AGC_STORED], rows: this.rowsRead, can: this.can.counters(),
      rejects: { badMac: c[AGC_BAD_MAC], stale: c[AGC_STALE] + c[AGC_OLD_EPOCH], length: 0, unknownId: 0, unsynced: c[AGC_UNSYNCED], internal: c[AGC_INTERNAL], who: "aggregator" },
      plain: c[AGC_PLAIN], unpolled: c[AGC_TO_JS], commands: { sent: c[AGC_CMD_QUEUED], done: c[AGC_CMD_DONE], failed: c[AGC_CMD_FAILED] },
      errors: this.errors + (this.started === 0 ? 0 : 1), meters: meters,
    };
  }
}
