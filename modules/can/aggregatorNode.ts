/**
 * The aggregator side of the link: per-meter keys and freshness state, polls,
 * authenticated sends, and verification of everything meters send. Scheduling lives
 * in poller.ts, command retries in commands.ts; both drive this object.
 *
 * Per meter the aggregator keeps the last accepted FV of each meter message (-1 until
 * synchronised) and uses one transmit counter for everything it sends to that meter
 * (commands, time, sync requests), drawn from its own persisted epoch. A meter is
 * "synchronised" after an authenticated SYNC_RESPONSE bound to our request; a new
 * aggregator epoch (boot, counter wrap) unsynchronises every meter.
 *
 * All per-meter state sits in flat typed arrays indexed by address (keys and CMAC
 * subkeys: 48 bytes, freshness state: about 100 bytes per meter): objects per meter
 * cost about 41 JsVars each on Espruino (measured), 2600 for 64 meters.
 */
import { CanController, CAN_OK } from "./controller";
import { CanFrame, dataFrame, remoteFrame, frameError } from "./frame";
import { Aes128 } from "../ports/aes";
import { KvStore } from "../ports/kvStore";
import { LogLine } from "../ports/log";
import { Cmac } from "./cmac";
import { meterKey } from "./kdf";
import { TxFreshness, SEQ_SPAN } from "./freshness";
import { securePayload, secureSyncRequest, verifySecured, verifyBound } from "./secoc";
import { MessageDef, messageByFn, messageByName, PAYLOAD_BYTES, METER_TX_SLOTS } from "./messages";
import { encodeData, decodeData, SignalValues } from "./messageCodec";
import { canId, functionOf, addressOf, METERS_PER_BUS, FN_SYNC_REQUEST, FN_SYNC_RESPONSE, FN_ALARM, FN_COMMAND_ACK } from "./idPlan";
import { RejectCounter } from "./rejects";

export interface AggregatorOptions {
  masterKey16: Uint8Array;
  aes: Aes128;
  can: CanController;
  store: KvStore;
  log: LogLine;
  /** Addresses of the meters on this bus. */
  addresses: number[];
}

export interface Reading {
  address: number;
  message: string;
  fn: number;
  values: SignalValues;
  fv: number;
}

export class AggregatorNode {
  readonly rejects: RejectCounter;
  /** Remote frames seen from other nodes (not ours to answer; a hint of a second poller or an attacker). */
  foreignRemoteFrames = 0;
  onReading: (r: Reading) => void = function () {};
  onAck: (address: number, code: number, status: number, cmdFvLow16: number) => void = function () {};
  onSynced: (address: number) => void = function () {};
  private readonly opts: AggregatorOptions;
  private readonly tx: TxFreshness;
  /** Per address: 1 when configured. */
  private readonly configured = new Uint8Array(METERS_PER_BUS);
  /** Per address: key, K1, K2 (16 bytes each). */
  private readonly keys = new Uint8Array(METERS_PER_BUS * 48);
  /** Per address and meter message slot: last accepted FV, -1 until synchronised. */
  private readonly rxLast = new Float64Array(METERS_PER_BUS * METER_TX_SLOTS);
  /** Per address: FV of the outstanding sync request, -1 when none. */
  private readonly challenge = new Float64Array(METERS_PER_BUS);
  /** Per address: aggregator epoch the meter was synchronised under, -1: not synchronised. */
  private readonly syncedTxEpoch = new Float64Array(METERS_PER_BUS);
  /** Per address: the meter's epoch from its last sync response, -1: none. */
  private readonly meterEpochs = new Float64Array(METERS_PER_BUS);
  /** Per address: consecutive answers with a bad MAC (a sign of lost synchronisation). */
  private readonly badMacs = new Uint8Array(METERS_PER_BUS);
  /** Last ALARM code answered per meter: the meter keeps its alarm as the poll answer, log a change once. */
  private readonly alarmCodes = new Uint8Array(METERS_PER_BUS);

  constructor(opts: AggregatorOptions) {
    this.opts = opts;
    this.tx = new TxFreshness(opts.store, "aggepoch", METERS_PER_BUS);
    this.rejects = new RejectCounter("aggregator", opts.log);
    this.rxLast.fill(-1);
    this.challenge.fill(-1);
    this.syncedTxEpoch.fill(-1);
    this.meterEpochs.fill(-1);
    for (let i = 0; i < opts.addresses.length; i++) {
      const a = opts.addresses[i];
      const c = new Cmac(opts.aes, meterKey(opts.aes, opts.masterKey16, a));
      this.keys.set(c.key, a * 48);
      this.keys.set(c.k1, a * 48 + 16);
      this.keys.set(c.k2, a * 48 + 32);
      this.configured[a] = 1;
    }
  }

  /** The CMAC of meter `a` on views of the key table (no AES call, no copy). */
  private cmacOf(a: number): Cmac {
    const k = this.keys;
    const o = a * 48;
    return new Cmac(this.opts.aes, k.subarray(o, o + 16), k.subarray(o + 16, o + 32), k.subarray(o + 32, o + 48));
  }

  /** Boots the transmit epoch and listens to every standard identifier. */
  start(): number {
    if (!this.tx.boot()) {
      this.opts.log("aggregator: cannot persist freshness epoch; not transmitting");
      return -1;
    }
    const bank = this.opts.can.addFilter({ mode: "mask", extended: false, id: 0, mask: 0, fifo: 0 });
    if (bank < 0) return bank;
    const self = this;
    this.opts.can.onFrame(function (f: CanFrame) { self.handleFrame(f); });
    return CAN_OK;
  }

  isSynced(address: number): boolean {
    return this.configured[address] === 1 && this.syncedTxEpoch[address] >= 0 && this.syncedTxEpoch[address] === this.tx.epoch();
  }

  badMacStreak(address: number): number {
    return this.badMacs[address];
  }

  meterEpoch(address: number): number {
    return this.meterEpochs[address];
  }

  /** Sends an authenticated SYNC_REQUEST; the answer completes it. Returns a CAN code or -1. */
  requestSync(address: number): number {
    if (this.configured[address] !== 1) return -1;
    const fv = this.tx.next(address);
    if (fv < 0) return -1;
    this.challenge[address] = fv;
    this.syncedTxEpoch[address] = -1; // until the answer: nothing from this meter verifies anyway
    const id = canId(FN_SYNC_REQUEST, address);
    return this.opts.can.send(dataFrame(id, secureSyncRequest(this.cmacOf(address), id, fv)));
  }

  /** Remote frame asking meter `address` for message `fn`. */
  poll(address: number, fn: number): number {
    return this.opts.can.send(remoteFrame(canId(fn, address), PAYLOAD_BYTES));
  }

  /**
   * Sends an authenticated aggregator message (COMMAND, TIME) to a synchronised meter.
   * Returns the FV used (>= 0), or -1 when the meter is not synchronised / no FV,
   * or the negative CAN code of a failed send.
   */
  sendSecured(address: number, message: string, values: SignalValues): number {
    const m = messageByName(message);
    if (this.configured[address] !== 1 || m.sender !== "aggregator" || m.layout !== "secured" || !this.isSynced(address)) return -1;
    const epochBefore = this.tx.epoch();
    const fv = this.tx.next(address);
    if (fv < 0) return -1;
    if (this.tx.epoch() !== epochBefore) return -1; // counter wrapped: every meter needs a sync first
    const id = canId(m.fn, address);
    const r = this.opts.can.send(dataFrame(id, securePayload(this.cmacOf(address), id, encodeData(m, values), fv)));
    return r === CAN_OK ? fv : r;
  }

  /** Every received frame. Never throws. */
  handleFrame(f: CanFrame): void {
    try {
      this.dispatch(f);
    } catch (e) {
      this.rejects.reject("internal", f, "handler error: " + (e instanceof Error ? e.message : String(e)));
    }
  }

  private dispatch(f: CanFrame): void {
    const err = frameError(f);
    if (err !== null) { this.rejects.reject("length", f, err); return; }
    if (f.extended) { this.rejects.reject("unknownId", f, "extended identifiers are not used"); return; }
    if (f.rtr) { this.foreignRemoteFrames++; return; }
    const address = addressOf(f.id);
    const fn = functionOf(f.id);
    const m = messageByFn(fn);
    if (m === undefined) { this.rejects.reject("unknownId", f, "unknown function " + fn); return; }
    if (this.configured[address] !== 1) { this.rejects.reject("unknownId", f, "meter " + address + " is not configured"); return; }
    if (m.sender !== "meter") { this.rejects.reject("unknownId", f, m.name + " is sent by the aggregator, not to it"); return; }
    if (f.dlc !== PAYLOAD_BYTES) { this.rejects.reject("length", f, m.name + " needs " + PAYLOAD_BYTES + " bytes"); return; }
    if (fn === FN_SYNC_RESPONSE) { this.onSyncResponse(f, m, address); return; }
    if (this.syncedTxEpoch[address] < 0) { this.rejects.reject("unsynced", f, "meter " + address + " not synchronised"); return; }
    const slot = address * METER_TX_SLOTS + m.txSlot;
    const v = verifySecured(this.cmacOf(address), f.id, f.data, this.rxLast[slot]);
    if (v.cause !== null) {
      if (v.cause === "badMac" && this.badMacs[address] < 255) this.badMacs[address]++;
      this.rejects.reject(v.cause, f, m.name + " from meter " + address);
      return;
    }
    this.rxLast[slot] = v.fv;
    this.badMacs[address] = 0;
    const values = decodeData(m, f.data);
    if (fn === FN_COMMAND_ACK) this.onAck(address, values.AckCode, values.AckStatus, values.AckCmdFreshness);
    else this.onReading({ address: address, message: m.name, fn: fn, values: values, fv: v.fv });
    if (fn === FN_ALARM && values.AlarmCode !== this.alarmCodes[address]) {
      this.alarmCodes[address] = values.AlarmCode;
      this.opts.log("aggregator: alarm " + values.AlarmCode + " from meter " + address);
    }
  }

  private onSyncResponse(f: CanFrame, m: MessageDef, address: number): void {
    const challenge = this.challenge[address];
    if (challenge < 0) { this.rejects.reject("stale", f, "no sync request outstanding for meter " + address); return; }
    if (!verifyBound(this.cmacOf(address), f.id, f.data, challenge)) { this.rejects.reject("badMac", f, "sync response of meter " + address); return; }
    const epoch = decodeData(m, f.data).MeterEpoch;
    if (epoch <= this.meterEpochs[address]) { this.rejects.reject("stale", f, "meter epoch " + epoch + " not above " + this.meterEpochs[address]); return; }
    this.challenge[address] = -1;
    this.meterEpochs[address] = epoch;
    this.rxLast.fill(epoch * SEQ_SPAN - 1, address * METER_TX_SLOTS, (address + 1) * METER_TX_SLOTS);
    this.syncedTxEpoch[address] = this.tx.epoch();
    this.badMacs[address] = 0;
    this.opts.log("aggregator: meter " + address + " synchronised at epoch " + epoch);
    this.onSynced(address);
  }
}
