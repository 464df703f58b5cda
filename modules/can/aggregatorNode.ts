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
 * All per-meter state sits in flat typed arrays indexed by the meter's slot (its
 * position in `addresses`; keys and CMAC subkeys: 48 bytes, freshness state: about 100
 * bytes per meter): objects per meter cost about 41 JsVars each on Espruino (measured),
 * and arrays sized for all 64 addresses cost about 760 JsVars in blocks of up to 355
 * contiguous ones, whatever the number of meters. An address-to-slot map links the two.
 */
import { CanController, CAN_OK } from "./controller";
import { CanFrame, dataFrame, remoteFrame } from "./frame";
import { Aes128 } from "../ports/aes";
import { KvStore } from "../ports/kvStore";
import { LogLine } from "../ports/log";
import { Cmac } from "./cmac";
import { meterKey } from "./kdf";
import { TxFreshness, SEQ_SPAN } from "./freshness";
import { securePayload, secureSyncRequest, verifySecured, verifyBound } from "./secoc";
import { MessageDef, messageByFn, messageByName, layoutOf, PAYLOAD_BYTES, METER_TX_SLOTS } from "./messages";
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
  /** Per address: its slot + 1, 0 when not configured. */
  private readonly slots = new Uint8Array(METERS_PER_BUS);
  /** Per slot: key, K1, K2 (16 bytes each). */
  private readonly keys: Uint8Array;
  /** Per slot and meter message slot: last accepted FV, -1 until synchronised. */
  private readonly rxLast: Float64Array;
  /** Per slot: FV of the outstanding sync request, -1 when none. */
  private readonly challenge: Float64Array;
  /** Per slot: aggregator epoch the meter was synchronised under, -1: not synchronised. */
  private readonly syncedTxEpoch: Float64Array;
  /** Per slot: the meter's epoch from its last sync response, -1: none. */
  private readonly meterEpochs: Float64Array;
  /** Per slot: consecutive answers with a bad MAC (a sign of lost synchronisation). */
  private readonly badMacs: Uint8Array;
  /** Last ALARM code answered per slot: the meter keeps its alarm as the poll answer, log a change once. */
  private readonly alarmCodes: Uint8Array;

  constructor(opts: AggregatorOptions) {
    const n = opts.addresses.length;
    this.opts = opts;
    this.tx = new TxFreshness(opts.store, "aggepoch", n);
    this.rejects = new RejectCounter("aggregator", opts.log);
    this.keys = new Uint8Array(n * 48);
    this.rxLast = new Float64Array(n * METER_TX_SLOTS);
    this.challenge = new Float64Array(n);
    this.syncedTxEpoch = new Float64Array(n);
    this.meterEpochs = new Float64Array(n);
    this.rxLast.fill(-1);
    this.challenge.fill(-1);
    this.syncedTxEpoch.fill(-1);
    this.meterEpochs.fill(-1);
    this.badMacs = new Uint8Array(n);
    this.alarmCodes = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const a = opts.addresses[i];
      if (!(a >= 0 && a < METERS_PER_BUS && Math.floor(a) === a) || this.slots[a] !== 0) throw new Error("meter address " + a + " is not an unused integer 0.." + (METERS_PER_BUS - 1));
      const c = new Cmac(opts.aes, meterKey(opts.aes, opts.masterKey16, a));
      this.keys.set(c.key, i * 48);
      this.keys.set(c.k1, i * 48 + 16);
      this.keys.set(c.k2, i * 48 + 32);
      this.slots[a] = i + 1;
    }
  }

  /** The slot of a configured meter address, or -1. */
  private slotOf(address: number): number {
    const s = this.slots[address]; // undefined outside 0..63
    return s > 0 ? s - 1 : -1;
  }

  /** The CMAC of the meter in slot `s` on views of the key table (no AES call, no copy). */
  private cmacOf(s: number): Cmac {
    const k = this.keys;
    const o = s * 48;
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
    const s = this.slotOf(address);
    return s >= 0 && this.syncedTxEpoch[s] >= 0 && this.syncedTxEpoch[s] === this.tx.epoch();
  }

  badMacStreak(address: number): number {
    const s = this.slotOf(address);
    return s < 0 ? 0 : this.badMacs[s];
  }

  meterEpoch(address: number): number {
    const s = this.slotOf(address);
    return s < 0 ? -1 : this.meterEpochs[s];
  }

  /** Sends an authenticated SYNC_REQUEST; the answer completes it. Returns a CAN code or -1. */
  requestSync(address: number): number {
    const s = this.slotOf(address);
    if (s < 0) return -1;
    const fv = this.tx.next(s);
    if (fv < 0) return -1;
    this.challenge[s] = fv;
    this.syncedTxEpoch[s] = -1; // until the answer: nothing from this meter verifies anyway
    const id = canId(FN_SYNC_REQUEST, address);
    return this.opts.can.send(dataFrame(id, secureSyncRequest(this.cmacOf(s), id, fv)));
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
    const s = this.slotOf(address);
    if (s < 0 || m.sender !== "aggregator" || layoutOf(m) !== "secured" || !this.isSynced(address)) return -1;
    const epochBefore = this.tx.epoch();
    const fv = this.tx.next(s);
    if (fv < 0) return -1;
    if (this.tx.epoch() !== epochBefore) return -1; // counter wrapped: every meter needs a sync first
    const id = canId(m.fn, address);
    const r = this.opts.can.send(dataFrame(id, securePayload(this.cmacOf(s), id, encodeData(m, values), fv)));
    return r === CAN_OK ? fv : r;
  }

  /** Every received frame. Never throws. */
  handleFrame(f: CanFrame): void {
    this.rejects.guard(f, this);
  }

  /** A well-formed frame (RejectCounter.guard checked it). */
  dispatch(f: CanFrame): void {
    if (f.extended) { this.rejects.reject("unknownId", f, "extended identifiers are not used"); return; }
    if (f.rtr) { this.foreignRemoteFrames++; return; }
    const address = addressOf(f.id);
    const fn = functionOf(f.id);
    const m = messageByFn(fn);
    if (m === undefined) { this.rejects.reject("unknownId", f, "unknown function " + fn); return; }
    const s = this.slotOf(address);
    if (s < 0) { this.rejects.reject("unknownId", f, "meter " + address + " is not configured"); return; }
    if (m.sender !== "meter") { this.rejects.reject("unknownId", f, m.name + " is sent by the aggregator, not to it"); return; }
    if (f.dlc !== PAYLOAD_BYTES) { this.rejects.reject("length", f, m.name + " needs " + PAYLOAD_BYTES + " bytes"); return; }
    if (fn === FN_SYNC_RESPONSE) { this.onSyncResponse(f, m, address, s); return; }
    if (this.syncedTxEpoch[s] < 0) { this.rejects.reject("unsynced", f, "meter " + address + " not synchronised"); return; }
    const slot = s * METER_TX_SLOTS + m.txSlot;
    const v = verifySecured(this.cmacOf(s), f.id, f.data, this.rxLast[slot]);
    if (v.cause !== null) {
      if (v.cause === "badMac" && this.badMacs[s] < 255) this.badMacs[s]++;
      this.rejects.reject(v.cause, f, m.name + " from meter " + address);
      return;
    }
    this.rxLast[slot] = v.fv;
    this.badMacs[s] = 0;
    const values = decodeData(m, f.data);
    if (fn === FN_COMMAND_ACK) this.onAck(address, values.AckCode, values.AckStatus, values.AckCmdFreshness);
    else this.onReading({ address: address, message: m.name, fn: fn, values: values, fv: v.fv });
    if (fn === FN_ALARM && values.AlarmCode !== this.alarmCodes[s]) {
      this.alarmCodes[s] = values.AlarmCode;
      this.opts.log("aggregator: alarm " + values.AlarmCode + " from meter " + address);
    }
  }

  private onSyncResponse(f: CanFrame, m: MessageDef, address: number, s: number): void {
    const challenge = this.challenge[s];
    if (challenge < 0) { this.rejects.reject("stale", f, "no sync request outstanding for meter " + address); return; }
    if (!verifyBound(this.cmacOf(s), f.id, f.data, challenge)) { this.rejects.reject("badMac", f, "sync response of meter " + address); return; }
    const epoch = decodeData(m, f.data).MeterEpoch;
    if (epoch <= this.meterEpochs[s]) { this.rejects.reject("stale", f, "meter epoch " + epoch + " not above " + this.meterEpochs[s]); return; }
    this.challenge[s] = -1;
    this.meterEpochs[s] = epoch;
    this.rxLast.fill(epoch * SEQ_SPAN - 1, s * METER_TX_SLOTS, (s + 1) * METER_TX_SLOTS);
    this.syncedTxEpoch[s] = this.tx.epoch();
    this.badMacs[s] = 0;
    this.opts.log("aggregator: meter " + address + " synchronised at epoch " + epoch);
    this.onSynced(address);
  }
}
