/**
 * The meter side of the protocol.
 *
 * After each measurement window the application calls publishRows(values by signal
 * row) (or publish(values by name)): one call hands them to the controller, which
 * encodes every polled message, signs it under the message's next freshness value and
 * stores the answer in its auto-reply slot (once), so the answer to the next remote
 * frame leaves from the interrupt, without the interpreter (secured.ts: encoding and
 * SecOC framing are native C). A
 * remote frame that finds the slot empty (polled twice in one window) reaches
 * handleFrame and is answered with a new freshness value.
 *
 * Commands, time and synchronisation requests arrive verified (onSecured: id, verdict,
 * FV, data bytes); only accepted ones are executed, everything else is counted in
 * `rejects`, never thrown.
 */
import { CAN_OK, CAN_EINVAL } from "./controller";
import { CanFrame } from "./frame";
import { KvStore } from "../ports/kvStore";
import { LogLine } from "../ports/log";
import { PersistedEpoch } from "./freshness";
import { SecuredCanController, SECOC_OK, SECOC_ENOFV, SECOC_BAD_MAC, SECOC_STALE, SECOC_UNSYNCED, securePlan, planCounters, securedCodec, DATA_SIGNAL_ROWS } from "./secured";
import { MessageDef, messageByFn, signalAt, PAYLOAD_BYTES, DATA_BYTES } from "./messages";
import { encodeData, SignalValues } from "./messageCodec";
import { canId, functionOf, addressOf, ADDRESS_BITS, OTA_CHUNK_ID_BASE, OTA_CHUNK_ID_MASK, FN_ALARM, FN_COMMAND, FN_COMMAND_ACK, FN_TIME, FN_SYNC_REQUEST, FN_SYNC_RESPONSE } from "./idPlan";
import { RejectCounter, RejectCause } from "./rejects";

/**
 * What a verified command may do to the meter: the application wires the relay etc.
 * Without setTouStart a valid tariff start is accepted and has no effect; without setTime
 * a TIME message is ignored (optional: on the meter each method held for good is JsVars).
 */
export interface MeterActions {
  disconnectLoad(): boolean;
  reconnectLoad(): boolean;
  setTouStart?(tariff: number, minuteOfDay: number): boolean;
  setTime?(unixTimeS: number): void;
}

export interface MeterNodeOptions {
  address: number;
  /**
   * This meter's key (kdf.meterKey of the network master key); handed to the controller
   * once, by start(), which then drops it from these options (the controller holds it;
   * kept, it was 5 JsVars for the meter's life).
   */
  key16?: Uint8Array;
  can: SecuredCanController;
  store: KvStore;
  log: LogLine;
  actions: MeterActions;
  /**
   * Milliseconds, never going back (Espruino: getTime() * 1000), and the most sync
   * requests answered in any hour (default 12). Each answered sync writes the sync state
   * and starts a new freshness epoch: without a bound, a sync storm (150 requests in
   * 30 s when a meter's answers are lost) would write 36 000 times an hour and spend
   * the 2^24 epochs in 39 days. Without nowMs every request is answered.
   */
  nowMs?: () => number;
  maxSyncsPerHour?: number;
}

export const MAX_SYNCS_PER_HOUR = 12;
const HOUR_MS = 3600000;

export const CMD_DISCONNECT = 1;
export const CMD_RECONNECT = 2;
export const CMD_SET_TOU_START = 3;
export const ACK_DONE = 0;
export const ACK_UNKNOWN_COMMAND = 1;
export const ACK_BAD_ARGUMENT = 2;
export const ACK_ACTUATOR_FAILED = 3;

const SYNC_KEY = "rxsync";
/** Rejection cause of a verdict (secured.ts SECOC_*): a function, not a table held for good (11 JsVars on the meter). */
function causeOf(verdict: number): RejectCause {
  return verdict === SECOC_BAD_MAC ? "badMac" : verdict === SECOC_STALE ? "stale" : verdict === SECOC_UNSYNCED ? "unsynced" : "internal";
}

export class MeterNode {
  readonly address: number;
  readonly rejects: RejectCounter;
  /** Verified commands executed, by everyone's count (tests and diagnostics). */
  commandsExecuted = 0;
  /** Verified sync requests not answered because maxSyncsPerHour were answered in the last hour. */
  syncsRefused = 0;
  /** Times of the last maxSyncsPerHour answered syncs (ring, ms; NaN: none). */
  private readonly syncTimes: Float64Array;
  private syncAt = 0;
  /** The ring's oldest time when a refusal was last logged: one line per run of refusals. */
  private refusedLogAt = NaN;
  private readonly opts: MeterNodeOptions;
  private readonly can: SecuredCanController;
  private readonly tx: PersistedEpoch;
  /** Latest 4 data bytes of each message by function code (the controller writes the published ones). */
  private readonly latest = new Uint8Array(32 * DATA_BYTES);
  /** The values of the last publish (re-armed after a resynchronisation). */
  private lastRows: Float64Array | null = null;
  /**
   * No sync since this boot: the transmit epoch is new (tx.boot) and the aggregator does
   * not know it, so every answer would reach it as a bad MAC, indistinguishable from a
   * forgery (9 per 3 restarted meters, 27 after an OTA switch whose meters had measured
   * before the first poll). Silent instead: its missed polls make the aggregator resync it.
   */
  private unsynced = true;

  constructor(opts: MeterNodeOptions) {
    this.opts = opts;
    this.can = opts.can;
    this.address = opts.address;
    const can = opts.can;
    this.tx = new PersistedEpoch(opts.store, "txepoch", function (e: number) { can.secocEpoch(e); });
    this.rejects = new RejectCounter("meter " + opts.address, opts.log);
    this.syncTimes = new Float64Array(opts.maxSyncsPerHour || MAX_SYNCS_PER_HOUR).fill(NaN);
  }

  /**
   * Hands key and plan to the controller, boots freshness (a new persisted epoch),
   * installs the filter for this meter's identifiers and the handlers. Returns CAN_OK,
   * or a negative code / -1 when the epoch cannot be persisted (the meter then stays
   * silent rather than risk reuse).
   */
  start(): number {
    const can = this.can;
    const dims = planCounters("meter");
    let r = can.secocInit(1, dims.rx, dims.tx, securePlan("meter"));
    if (r === CAN_OK) r = this.opts.key16 ? can.secocKey(0, this.address, this.opts.key16, false) : CAN_EINVAL;
    this.opts.key16 = undefined;
    if (r === CAN_OK) r = can.secocCodec(securedCodec());
    if (r !== CAN_OK) {
      this.opts.log("meter " + this.address + ": controller refused the SecOC setup (" + r + ")");
      return r;
    }
    const s = this.opts.store.get(SYNC_KEY);
    can.secocSyncLast(0, s === undefined ? -1 : parseInt(s, 10));
    if (!this.tx.boot()) {
      this.opts.log("meter " + this.address + ": cannot persist freshness epoch; not transmitting");
      return -1;
    }
    const bank = can.addFilter({ mode: "mask", extended: false, id: this.address, mask: (1 << ADDRESS_BITS) - 1, fifo: 0 });
    if (bank < 0) return bank;
    const self = this;
    can.onFrame(function (f: CanFrame) { self.handleFrame(f); });
    can.onSecured(function (id: number, verdict: number, fv: number, data32: number, v0: number, v1: number, v2: number) { self.handleSecured(id, verdict, fv, v0, v1, v2); });
    // An alarm poll always gets an answer: "no alarm" until one happens.
    this.setLatest(FN_ALARM, { AlarmCode: 0, AlarmFlags: 0, AlarmValue: 0 });
    this.arm(FN_ALARM);
    return CAN_OK;
  }

  /** Current transmit epoch (diagnostics, tests). */
  epoch(): number {
    return this.tx.epoch();
  }

  /**
   * New readings after a window, by data signal row (secured.ts signalRow; NaN: absent):
   * the controller encodes, signs and arms every polled message whose first signal is
   * present, in one call. Returns the number of slots armed.
   */
  publishRows(values: Float64Array): number {
    this.lastRows = values;
    if (this.unsynced) return 0;
    let r = this.can.secocPublish(values, this.latest);
    // A counter used the last value of the epoch: the next one, persisted first (the
    // counters run on into it, none jumps), then again.
    if (r === SECOC_ENOFV && this.tx.renew()) r = this.can.secocPublish(values, this.latest);
    return r < 0 ? 0 : r;
  }

  /** Sends an alarm at once and keeps it as the answer to alarm polls. */
  raiseAlarm(code: number, flags: number, value: number): number {
    this.setLatest(FN_ALARM, { AlarmCode: code, AlarmFlags: flags, AlarmValue: value });
    const r = this.sendLatest(FN_ALARM);
    this.arm(FN_ALARM);
    return r < 0 ? r : CAN_OK;
  }

  // setLatest is the one caller of encodeData and messageByFn's only caller but one: terser
  // builds them into it. canId and functionOf are built into their callers (INLINE): each
  // held for good as a function of its own was 5-6 JsVars on the meter (issue 16).
  private setLatest(fn: number, values: SignalValues): void {
    this.latest.set(encodeData(messageByFn(fn) as MessageDef, values), fn * DATA_BYTES);
  }

  /** Signs (in the controller) and sends message fn's latest data; FV or negative. */
  private sendLatest(fn: number): number {
    if (this.unsynced) return 0; // re-armed at the sync
    const id = /*@__INLINE__*/ canId(fn, this.address), d = this.latest.subarray(fn * DATA_BYTES, (fn + 1) * DATA_BYTES);
    let r = this.can.secocSend(id, d, -1);
    if (r === SECOC_ENOFV && this.tx.renew()) r = this.can.secocSend(id, d, -1);
    return r;
  }

  private arm(fn: number): boolean {
    if (this.unsynced) return false;
    const id = /*@__INLINE__*/ canId(fn, this.address), d = this.latest.subarray(fn * DATA_BYTES, (fn + 1) * DATA_BYTES);
    let r = this.can.secocAutoReply(id, d);
    // A counter used its 65536th value: the next epoch, persisted first.
    if (r === SECOC_ENOFV && this.tx.renew()) r = this.can.secocAutoReply(id, d);
    return r >= 0;
  }

  /** Every plain frame the filter lets through (remote frames, malformed ones). Never throws. */
  handleFrame(f: CanFrame): void {
    // the OTA bulk class is broadcast (its low 6 bits are a chunk index, not an address):
    // the OTA C takes it before JavaScript; a node not listening ignores it, uncounted
    if (!f.extended && (f.id & OTA_CHUNK_ID_MASK) === OTA_CHUNK_ID_BASE) return;
    this.rejects.guard(f, this);
  }

  /** A well-formed frame (RejectCounter.guard checked it) that is not a secured one for us. */
  dispatch(f: CanFrame): void {
    if (f.extended || addressOf(f.id) !== this.address) { this.rejects.reject("unknownId", f, "not this meter's identifier"); return; }
    const fn = /*@__INLINE__*/ functionOf(f.id);
    const m = /*@__INLINE__*/ messageByFn(fn);
    if (m === undefined) { this.rejects.reject("unknownId", f, "unknown function " + fn); return; }
    if (f.rtr) {
      if (m.sender !== "meter" || !m.polled) { this.rejects.reject("unknownId", f, "remote frame for " + m.name + ", which is not polled"); return; }
      // Nothing measured since boot: no answer (the poll is retried). Zeros would reach the
      // aggregator as a register at 0 Wh: a meter reset there, and the next real value
      // booked again on top of the total.
      if (this.lastRows === null && fn !== FN_ALARM) return;
      this.sendLatest(fn); // slow path: the slot was already used in this window
      return;
    }
    if (m.sender !== "aggregator") { this.rejects.reject("unknownId", f, m.name + " is sent by meters, not to them"); return; }
    if (f.dlc !== PAYLOAD_BYTES) { this.rejects.reject("length", f, m.name + " needs " + PAYLOAD_BYTES + " bytes"); return; }
    this.rejects.reject("unknownId", f, "no handler for " + m.name);
  }

  /** A secured frame, verified and decoded by the controller (v0..v2: its signals). Never throws. */
  handleSecured(id: number, verdict: number, fv: number, v0: number, v1: number, v2: number): void {
    try {
      const fn = /*@__INLINE__*/ functionOf(id);
      if (verdict !== SECOC_OK) {
        this.rejects.rejectId(causeOf(verdict), id, verdict === 3 ? "no synchronisation since boot" : "freshness/MAC check");
        return;
      }
      if (fn === FN_SYNC_REQUEST) this.onSyncRequest(fv);
      else if (fn === FN_COMMAND) this.onCommand(fv, v0, v1, v2);
      else if (fn === FN_TIME && this.opts.actions.setTime) this.opts.actions.setTime(v0);
    } catch (e) {
      this.rejects.rejectId("internal", id, "handler error: " + (e instanceof Error ? e.message : String(e)));
    }
  }

  /** CmdCode, CmdTariff, CmdArg (messages.ts COMMAND). */
  private onCommand(fv: number, code: number, tariff: number, arg: number): void {
    const c = { CmdCode: code, CmdTariff: tariff, CmdArg: arg };
    const a = this.opts.actions;
    let status = ACK_DONE;
    if (c.CmdCode === CMD_DISCONNECT) status = a.disconnectLoad() ? ACK_DONE : ACK_ACTUATOR_FAILED;
    else if (c.CmdCode === CMD_RECONNECT) status = a.reconnectLoad() ? ACK_DONE : ACK_ACTUATOR_FAILED;
    else if (c.CmdCode === CMD_SET_TOU_START) {
      if (c.CmdTariff < 1 || c.CmdTariff > 8 || c.CmdArg > 1439) status = ACK_BAD_ARGUMENT;
      else status = !a.setTouStart || a.setTouStart(c.CmdTariff, c.CmdArg) ? ACK_DONE : ACK_ACTUATOR_FAILED;
    } else status = ACK_UNKNOWN_COMMAND;
    if (status === ACK_DONE) this.commandsExecuted++;
    this.opts.log("meter " + this.address + ": command " + c.CmdCode + " fv " + fv + " -> status " + status);
    this.setLatest(FN_COMMAND_ACK, { AckCode: c.CmdCode, AckStatus: status, AckCmdFreshness: fv % 65536 });
    this.sendLatest(FN_COMMAND_ACK);
  }

  /** Accepted by the controller: MAC good and FV above the last sync (the controller recorded it). */
  private onSyncRequest(fv: number): void {
    // Bounded: the oldest of the last maxSyncsPerHour answers must be an hour old. The
    // aggregator's poller backs off (syncRetryMaxMs) and asks again later.
    const nowMs = this.opts.nowMs;
    if (nowMs) {
      const t = nowMs(), oldest = this.syncTimes[this.syncAt];
      if (t - oldest < HOUR_MS) {
        this.syncsRefused++;
        if (this.refusedLogAt !== oldest) {
          this.refusedLogAt = oldest;
          this.opts.log("meter " + this.address + ": " + this.syncTimes.length + " syncs in the last hour: refusing more (epoch writes bounded)");
        }
        return;
      }
      this.syncTimes[this.syncAt] = t;
      this.syncAt = (this.syncAt + 1) % this.syncTimes.length;
    }
    // Persist first: a replay of this request after a reboot must stay stale.
    // Every counter restarts at the new epoch the response announces.
    if (!this.opts.store.set(SYNC_KEY, String(fv)) || !this.tx.restart()) {
      this.opts.log("meter " + this.address + ": cannot persist sync state; not answering");
      return;
    }
    // encoded into its row of `latest` (not published: the controller never arms it)
    this.setLatest(FN_SYNC_RESPONSE, { MeterEpoch: this.tx.epoch(), SyncStatus: 0 });
    this.can.secocSend(/*@__INLINE__*/ canId(FN_SYNC_RESPONSE, this.address), this.latest.subarray(FN_SYNC_RESPONSE * DATA_BYTES, (FN_SYNC_RESPONSE + 1) * DATA_BYTES), fv);
    this.opts.log("meter " + this.address + ": synchronised, epoch " + this.tx.epoch());
    this.unsynced = false;
    // Answers armed under the old epoch would no longer verify: re-arm them.
    this.arm(FN_ALARM);
    if (this.lastRows !== null) this.publishRows(this.lastRows);
  }
}

/**
 * node.publishRows with values by signal name (messages.ts), physical units (the
 * simulator's co-generator, the CAN tests). A function, not a method: the meter's path
 * publishes rows (modules/link/meterLink.ts), and a method would be JsVars of the class
 * held on every meter for good.
 */
export function publishValues(node: MeterNode, values: SignalValues): number {
  const v = new Float64Array(DATA_SIGNAL_ROWS);
  for (let r = 0; r < DATA_SIGNAL_ROWS; r++) {
    const x = values[signalAt(r).name];
    v[r] = x === undefined ? NaN : x;
  }
  return node.publishRows(v);
}
