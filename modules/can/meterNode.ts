/**
 * The meter side of the protocol.
 *
 * After each measurement window the application calls publish(readings): for every
 * polled message the meter takes the next freshness value, authenticates the answer
 * and stores it in the controller's auto-reply slot (once), so the answer to the next
 * remote frame leaves from the interrupt, without the interpreter. A remote frame that
 * finds the slot empty (polled twice in one window) reaches handleFrame and is
 * answered from JavaScript with a new freshness value.
 *
 * Commands, time and synchronisation requests are executed only after MAC and
 * freshness checks; everything else is counted in `rejects`, never thrown.
 */
import { CanController, CAN_OK } from "./controller";
import { CanFrame, dataFrame } from "./frame";
import { Aes128 } from "../ports/aes";
import { KvStore } from "../ports/kvStore";
import { LogLine } from "../ports/log";
import { Cmac } from "./cmac";
import { TxFreshness } from "./freshness";
import { securePayload, verifySecured, verifySyncRequest, syncRequestFreshness } from "./secoc";
import { MESSAGES, MessageDef, messageByFn, messageByName, signalAt, PAYLOAD_BYTES, DATA_BYTES, METER_TX_SLOTS } from "./messages";
import { encodeData, decodeData, SignalValues } from "./messageCodec";
import { canId, functionOf, addressOf, ADDRESS_BITS, FN_COMMAND, FN_TIME, FN_SYNC_REQUEST, FN_SYNC_RESPONSE } from "./idPlan";
import { RejectCounter } from "./rejects";

/** What a verified command may do to the meter: the application wires the relay etc. */
export interface MeterActions {
  disconnectLoad(): boolean;
  reconnectLoad(): boolean;
  setTouStart(tariff: number, minuteOfDay: number): boolean;
  setTime(unixTimeS: number): void;
}

export interface MeterNodeOptions {
  address: number;
  /** This meter's key (kdf.meterKey of the network master key). */
  key16: Uint8Array;
  aes: Aes128;
  can: CanController;
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

const RX_COMMAND = 0;
const RX_TIME = 1;
const SYNC_KEY = "rxsync";

export class MeterNode {
  readonly address: number;
  readonly rejects: RejectCounter;
  /** Verified commands executed, by everyone's count (tests and diagnostics). */
  commandsExecuted = 0;
  private readonly opts: MeterNodeOptions;
  private readonly cmac: Cmac;
  private readonly tx: TxFreshness;
  /** Last accepted aggregator FV per received secured message; -1: unsynchronised. */
  private readonly rxLast = new Float64Array(2);
  private lastSyncFv = -1;
  /** Latest 4 data bytes of each message by table index, and whether there are any. */
  private readonly latest = new Uint8Array(MESSAGES.length * DATA_BYTES);
  private readonly hasLatest = new Uint8Array(MESSAGES.length);

  constructor(opts: MeterNodeOptions) {
    this.opts = opts;
    this.address = opts.address;
    this.cmac = new Cmac(opts.aes, opts.key16);
    this.tx = new TxFreshness(opts.store, "txepoch", METER_TX_SLOTS);
    this.rejects = new RejectCounter("meter " + opts.address, opts.log);
  }

  /**
   * Boots freshness (a new persisted epoch), installs the filter for this meter's
   * identifiers and the frame handler. Returns CAN_OK, or a negative code / -1 when
   * the epoch cannot be persisted (the meter then stays silent rather than risk reuse).
   */
  start(): number {
    this.rxLast.fill(-1);
    const s = this.opts.store.get(SYNC_KEY);
    this.lastSyncFv = s === undefined ? -1 : parseInt(s, 10);
    if (!this.tx.boot()) {
      this.opts.log("meter " + this.address + ": cannot persist freshness epoch; not transmitting");
      return -1;
    }
    const bank = this.opts.can.addFilter({ mode: "mask", extended: false, id: this.address, mask: (1 << ADDRESS_BITS) - 1, fifo: 0 });
    if (bank < 0) return bank;
    const self = this;
    this.opts.can.onFrame(function (f: CanFrame) { self.handleFrame(f); });
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
    const f = this.secured(k);
    if (f === null) return -1;
    const r = this.opts.can.send(f);
    this.arm(k);
    return r;
  }

  private setLatest(k: number, data4: Uint8Array): void {
    this.latest.set(data4, k * DATA_BYTES);
    this.hasLatest[k] = 1;
  }

  private indexOf(name: string): number {
    return messageByName(name).row;
  }

  /** The next authenticated frame of message k from its latest data, or null. */
  private secured(k: number): CanFrame | null {
    const m = MESSAGES[k];
    if (this.hasLatest[k] !== 1) return null;
    const data = this.latest.subarray(k * DATA_BYTES, (k + 1) * DATA_BYTES);
    const fv = this.tx.next(m.txSlot);
    if (fv < 0) return null;
    const id = canId(m.fn, this.address);
    return dataFrame(id, securePayload(this.cmac, id, data, fv));
  }

  private arm(k: number): boolean {
    const f = this.secured(k);
    return f !== null && this.opts.can.setAutoReply(f, true) >= 0;
  }

  /** Every frame the filter lets through. Never throws. */
  handleFrame(f: CanFrame): void {
    this.rejects.guard(f, this);
  }

  /** A well-formed frame (RejectCounter.guard checked it). */
  dispatch(f: CanFrame): void {
    if (f.extended || addressOf(f.id) !== this.address) { this.rejects.reject("unknownId", f, "not this meter's identifier"); return; }
    const fn = functionOf(f.id);
    const m = messageByFn(fn);
    if (m === undefined) { this.rejects.reject("unknownId", f, "unknown function " + fn); return; }
    if (f.rtr) {
      if (m.sender !== "meter" || !m.polled) { this.rejects.reject("unknownId", f, "remote frame for " + m.name + ", which is not polled"); return; }
      this.answerPoll(m.row);
      return;
    }
    if (m.sender !== "aggregator") { this.rejects.reject("unknownId", f, m.name + " is sent by meters, not to them"); return; }
    if (f.dlc !== PAYLOAD_BYTES) { this.rejects.reject("length", f, m.name + " needs " + PAYLOAD_BYTES + " bytes"); return; }
    if (fn === FN_SYNC_REQUEST) this.onSyncRequest(f);
    else if (fn === FN_COMMAND) this.onCommand(f, m);
    else if (fn === FN_TIME) this.onTime(f, m);
    else this.rejects.reject("unknownId", f, "no handler for " + m.name);
  }

  /** Slow path: the slot was already used in this window. */
  private answerPoll(k: number): void {
    const f = this.secured(k);
    if (f !== null) this.opts.can.send(f);
  }

  private verify(f: CanFrame, slot: number): number {
    const v = verifySecured(this.cmac, f.id, f.data, this.rxLast[slot]);
    if (v.cause !== null) { this.rejects.reject(v.cause, f, v.cause === "unsynced" ? "no synchronisation since boot" : "freshness/MAC check"); return -1; }
    this.rxLast[slot] = v.fv;
    return v.fv;
  }

  private onCommand(f: CanFrame, m: MessageDef): void {
    const fv = this.verify(f, RX_COMMAND);
    if (fv < 0) return;
    const c = decodeData(m, f.data);
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
    const ack = this.secured(k);
    if (ack !== null) this.opts.can.send(ack);
  }

  private onTime(f: CanFrame, m: MessageDef): void {
    if (this.verify(f, RX_TIME) < 0) return;
    this.opts.actions.setTime(decodeData(m, f.data).UnixTime);
  }

  private onSyncRequest(f: CanFrame): void {
    if (!verifySyncRequest(this.cmac, f.id, f.data)) { this.rejects.reject("badMac", f, "sync request"); return; }
    const fv = syncRequestFreshness(f.data);
    if (fv <= this.lastSyncFv) { this.rejects.reject("stale", f, "sync request " + fv + " <= " + this.lastSyncFv); return; }
    // Persist first: a replay of this request after a reboot must stay stale.
    if (!this.opts.store.set(SYNC_KEY, String(fv)) || !this.tx.newEpoch()) {
      this.opts.log("meter " + this.address + ": cannot persist sync state; not answering");
      return;
    }
    this.lastSyncFv = fv;
    // Everything the aggregator sent before this request is now stale.
    for (let i = 0; i < this.rxLast.length; i++) if (this.rxLast[i] < fv) this.rxLast[i] = fv;
    const id = canId(FN_SYNC_RESPONSE, this.address);
    const m = messageByFn(FN_SYNC_RESPONSE)!;
    const data = encodeData(m, { MeterEpoch: this.tx.epoch(), SyncStatus: 0 });
    this.opts.can.send(dataFrame(id, securePayload(this.cmac, id, data, fv)));
    this.opts.log("meter " + this.address + ": synchronised, epoch " + this.tx.epoch());
    // Answers armed under the old epoch would no longer verify: re-arm them.
    for (let k = 0; k < MESSAGES.length; k++) if (MESSAGES[k].polled && this.hasLatest[k] === 1) this.arm(k);
  }
}
