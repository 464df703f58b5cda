/**
 * The meter side of the protocol.
 *
 * After each measurement window the application calls publish(readings): for every
 * polled message the meter encodes the 4 data bytes and hands them to the controller,
 * which signs them under the message's next freshness value and stores the answer in
 * its auto-reply slot (once), so the answer to the next remote frame leaves from the
 * interrupt, without the interpreter (secured.ts: the SecOC framing is native C). A
 * remote frame that finds the slot empty (polled twice in one window) reaches
 * handleFrame and is answered with a new freshness value.
 *
 * Commands, time and synchronisation requests arrive verified (onSecured: id, verdict,
 * FV, data bytes); only accepted ones are executed, everything else is counted in
 * `rejects`, never thrown.
 */
import { CAN_OK } from "./controller";
import { CanFrame } from "./frame";
import { KvStore } from "../ports/kvStore";
import { LogLine } from "../ports/log";
import { PersistedEpoch } from "./freshness";
import { SecuredCanController, SECOC_OK, SECOC_ENOFV, securePlan, planCounters, unpackData32 } from "./secured";
import { MESSAGES, MessageDef, messageByFn, messageByName, signalAt, PAYLOAD_BYTES, DATA_BYTES } from "./messages";
import { encodeData, decodeData, SignalValues } from "./messageCodec";
import { canId, functionOf, addressOf, ADDRESS_BITS, FN_COMMAND, FN_TIME, FN_SYNC_REQUEST, FN_SYNC_RESPONSE } from "./idPlan";
import { RejectCounter, RejectCause } from "./rejects";

/** What a verified command may do to the meter: the application wires the relay etc. */
export interface MeterActions {
  disconnectLoad(): boolean;
  reconnectLoad(): boolean;
  setTouStart(tariff: number, minuteOfDay: number): boolean;
  setTime(unixTimeS: number): void;
}

export interface MeterNodeOptions {
  address: number;
  /** This meter's key (kdf.meterKey of the network master key); handed to the controller once. */
  key16: Uint8Array;
  can: SecuredCanController;
  store: KvStore;
  log: LogLine;
  actions: MeterActions;
}

export const CMD_DISCONNECT = 1;
export const CMD_RECONNECT = 2;
export const CMD_SET_TOU_START = 3;
export const ACK_DONE = 0;
export const ACK_UNKNOWN_COMMAND = 1;
export const ACK_BAD_ARGUMENT = 2;
export const ACK_ACTUATOR_FAILED = 3;

const SYNC_KEY = "rxsync";
/** Rejection cause per verdict (secured.ts SECOC_*). */
const CAUSES: RejectCause[] = ["internal", "badMac", "stale", "unsynced", "internal"];

export class MeterNode {
  readonly address: number;
  readonly rejects: RejectCounter;
  /** Verified commands executed, by everyone's count (tests and diagnostics). */
  commandsExecuted = 0;
  private readonly opts: MeterNodeOptions;
  private readonly can: SecuredCanController;
  private readonly tx: PersistedEpoch;
  /** Latest 4 data bytes of each message by table index, and whether there are any. */
  private readonly latest = new Uint8Array(MESSAGES.length * DATA_BYTES);
  private readonly hasLatest = new Uint8Array(MESSAGES.length);
  /** Received data bytes (reused for every frame). */
  private readonly rx = new Uint8Array(DATA_BYTES);

  constructor(opts: MeterNodeOptions) {
    this.opts = opts;
    this.can = opts.can;
    this.address = opts.address;
    const can = opts.can;
    this.tx = new PersistedEpoch(opts.store, "txepoch", function (e: number) { can.secocEpoch(e); });
    this.rejects = new RejectCounter("meter " + opts.address, opts.log);
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
    if (r === CAN_OK) r = can.secocKey(0, this.address, this.opts.key16, false);
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
    can.onSecured(function (id: number, verdict: number, fv: number, data32: number) { self.handleSecured(id, verdict, fv, data32); });
    // An alarm poll always gets an answer: "no alarm" until one happens.
    const k = this.indexOf("ALARM");
    this.setLatest(k, encodeData(MESSAGES[k], { AlarmCode: 0, AlarmFlags: 0, AlarmValue: 0 }));
    this.arm(k);
    return CAN_OK;
  }

  /** Current transmit epoch (diagnostics, tests). */
  epoch(): number {
    return this.tx.epoch();
  }

  /**
   * New readings after a window: values by signal name (messages.ts), physical units.
   * Re-arms the auto-reply slot of every polled message whose signals are present.
   * Returns the number of slots armed.
   */
  publish(values: SignalValues): number {
    let armed = 0;
    for (let k = 0; k < MESSAGES.length; k++) {
      const m = MESSAGES[k];
      if (!m.polled || m.fn === 0) continue; // the alarm slot is armed by raiseAlarm
      if (values[signalAt(m.firstSignal).name] === undefined) continue;
      this.setLatest(k, encodeData(m, values));
      if (this.arm(k)) armed++;
    }
    return armed;
  }

  /** Sends an alarm at once and keeps it as the answer to alarm polls. */
  raiseAlarm(code: number, flags: number, value: number): number {
    const k = this.indexOf("ALARM");
    this.setLatest(k, encodeData(MESSAGES[k], { AlarmCode: code, AlarmFlags: flags, AlarmValue: value }));
    const r = this.sendLatest(k);
    this.arm(k);
    return r < 0 ? r : CAN_OK;
  }

  private setLatest(k: number, data4: Uint8Array): void {
    this.latest.set(data4, k * DATA_BYTES);
    this.hasLatest[k] = 1;
  }

  private indexOf(name: string): number {
    return messageByName(name).row;
  }

  private latestOf(k: number): Uint8Array {
    return this.latest.subarray(k * DATA_BYTES, (k + 1) * DATA_BYTES);
  }

  /** Signs (in the controller) and sends message k's latest data; FV or negative. */
  private sendLatest(k: number): number {
    if (this.hasLatest[k] !== 1) return -1;
    const id = canId(MESSAGES[k].fn, this.address);
    let r = this.can.secocSend(id, this.latestOf(k), -1);
    if (r === SECOC_ENOFV && this.tx.renew()) r = this.can.secocSend(id, this.latestOf(k), -1);
    return r;
  }

  private arm(k: number): boolean {
    if (this.hasLatest[k] !== 1) return false;
    const id = canId(MESSAGES[k].fn, this.address);
    let r = this.can.secocAutoReply(id, this.latestOf(k));
    // A counter used its 65536th value: the next epoch, persisted first.
    if (r === SECOC_ENOFV && this.tx.renew()) r = this.can.secocAutoReply(id, this.latestOf(k));
    return r >= 0;
  }

  /** Every plain frame the filter lets through (remote frames, malformed ones). Never throws. */
  handleFrame(f: CanFrame): void {
    this.rejects.guard(f, this);
  }

  /** A well-formed frame (RejectCounter.guard checked it) that is not a secured one for us. */
  dispatch(f: CanFrame): void {
    if (f.extended || addressOf(f.id) !== this.address) { this.rejects.reject("unknownId", f, "not this meter's identifier"); return; }
    const fn = functionOf(f.id);
    const m = messageByFn(fn);
    if (m === undefined) { this.rejects.reject("unknownId", f, "unknown function " + fn); return; }
    if (f.rtr) {
      if (m.sender !== "meter" || !m.polled) { this.rejects.reject("unknownId", f, "remote frame for " + m.name + ", which is not polled"); return; }
      this.sendLatest(m.row); // slow path: the slot was already used in this window
      return;
    }
    if (m.sender !== "aggregator") { this.rejects.reject("unknownId", f, m.name + " is sent by meters, not to them"); return; }
    if (f.dlc !== PAYLOAD_BYTES) { this.rejects.reject("length", f, m.name + " needs " + PAYLOAD_BYTES + " bytes"); return; }
    this.rejects.reject("unknownId", f, "no handler for " + m.name);
  }

  /** A secured frame, verified by the controller. Never throws. */
  handleSecured(id: number, verdict: number, fv: number, data32: number): void {
    try {
      const fn = functionOf(id);
      if (verdict !== SECOC_OK) {
        this.rejects.rejectId(CAUSES[verdict] || "internal", id, verdict === 3 ? "no synchronisation since boot" : "freshness/MAC check");
        return;
      }
      const m = messageByFn(fn) as MessageDef;
      if (fn === FN_SYNC_REQUEST) this.onSyncRequest(fv);
      else if (fn === FN_COMMAND) this.onCommand(m, fv, data32);
      else if (fn === FN_TIME) this.opts.actions.setTime(decodeData(m, unpackData32(data32, this.rx)).UnixTime);
    } catch (e) {
      this.rejects.rejectId("internal", id, "handler error: " + (e instanceof Error ? e.message : String(e)));
    }
  }

  private onCommand(m: MessageDef, fv: number, data32: number): void {
    const c = decodeData(m, unpackData32(data32, this.rx));
    const a = this.opts.actions;
    let status = ACK_DONE;
    if (c.CmdCode === CMD_DISCONNECT) status = a.disconnectLoad() ? ACK_DONE : ACK_ACTUATOR_FAILED;
    else if (c.CmdCode === CMD_RECONNECT) status = a.reconnectLoad() ? ACK_DONE : ACK_ACTUATOR_FAILED;
    else if (c.CmdCode === CMD_SET_TOU_START) {
      if (c.CmdTariff < 1 || c.CmdTariff > 8 || c.CmdArg > 1439) status = ACK_BAD_ARGUMENT;
      else status = a.setTouStart(c.CmdTariff, c.CmdArg) ? ACK_DONE : ACK_ACTUATOR_FAILED;
    } else status = ACK_UNKNOWN_COMMAND;
    if (status === ACK_DONE) this.commandsExecuted++;
    this.opts.log("meter " + this.address + ": command " + c.CmdCode + " fv " + fv + " -> status " + status);
    const k = this.indexOf("COMMAND_ACK");
    this.setLatest(k, encodeData(MESSAGES[k], { AckCode: c.CmdCode, AckStatus: status, AckCmdFreshness: fv % 65536 }));
    this.sendLatest(k);
  }

  /** Accepted by the controller: MAC good and FV above the last sync (the controller recorded it). */
  private onSyncRequest(fv: number): void {
    // Persist first: a replay of this request after a reboot must stay stale.
    if (!this.opts.store.set(SYNC_KEY, String(fv)) || !this.tx.renew()) {
      this.opts.log("meter " + this.address + ": cannot persist sync state; not answering");
      return;
    }
    const m = messageByFn(FN_SYNC_RESPONSE) as MessageDef;
    const data = encodeData(m, { MeterEpoch: this.tx.epoch(), SyncStatus: 0 });
    this.can.secocSend(canId(FN_SYNC_RESPONSE, this.address), data, fv);
    this.opts.log("meter " + this.address + ": synchronised, epoch " + this.tx.epoch());
    // Answers armed under the old epoch would no longer verify: re-arm them.
    for (let k = 0; k < MESSAGES.length; k++) if (MESSAGES[k].polled && this.hasLatest[k] === 1) this.arm(k);
  }
}
