/**
 * On the device the aggregator's link is C (boards/STM32F107/aglink): this object is the
 * reference the C is tested against (host/native/aglinkRare.test.ts) and the host's.
 *
 * The aggregator side of the link: per-meter keys and freshness state, polls,
 * authenticated sends, and verification of everything meters send. Scheduling lives
 * in poller.ts, command retries in commands.ts; both drive this object.
 *
 * With the C link (modules/link/linkPort.ts) the controller sends the polls and sync
 * requests and keeps every polled answer: this object then sees only the rare frames
 * (sync responses, command acknowledgements, unpolled messages) and sends commands.
 *
 * Per meter the aggregator keeps the last accepted FV of each meter message (-1 until
 * synchronised) and uses one transmit counter for everything it sends to that meter
 * (commands, time, sync requests), drawn from its own persisted epoch. A meter is
 * "synchronised" after an authenticated SYNC_RESPONSE bound to our request; a new
 * aggregator epoch (boot, counter wrap) unsynchronises every meter.
 *
 * Keys, CMAC subkeys, the last accepted FV of each meter message and the transmit
 * counters live in the controller (secured.ts: native C, 101 bytes per meter), which
 * signs what the aggregator sends and verifies every answer before JavaScript sees
 * it: no allocation and no AES call in JavaScript per frame. What stays here, in
 * flat typed arrays indexed by the meter's slot (its position in `addresses`): the
 * synchronisation bookkeeping (about 20 bytes per meter). An address-to-slot map
 * links the two.
 */
import { CAN_OK } from "./controller";
import { CanFrame, remoteFrame } from "./frame";
import { KvStore } from "../ports/kvStore";
import { LogLine } from "../ports/log";
import { PersistedEpoch, SEQ_SPAN } from "./freshness";
import { SecuredCanController, SECOC_OK, SECOC_BAD_MAC, SECOC_ENOFV, securePlan, planCounters, securedCodec, SignalNames } from "./secured";
import { MessageDef, messageByFn, messageByName, layoutOf, PAYLOAD_BYTES, DATA_BYTES } from "./messages";
import { encodeData, SignalValues } from "./messageCodec";
import { canId, functionOf, addressOf, METERS_PER_BUS, FN_SYNC_REQUEST, FN_SYNC_RESPONSE, FN_ALARM, FN_COMMAND_ACK } from "./idPlan";
import { RejectCounter, RejectCause } from "./rejects";

export interface AggregatorOptions {
  /** The network master key: the controller derives each meter's key from it once (kdf.ts). */
  masterKey16: Uint8Array;
  can: SecuredCanController;
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

/** Rejection cause per verdict (secured.ts SECOC_*). */
const CAUSES: RejectCause[] = ["internal", "badMac", "stale", "unsynced", "internal"];

export class AggregatorNode {
  readonly rejects: RejectCounter;
  /** Remote frames seen from other nodes (not ours to answer; a hint of a second poller or an attacker). */
  foreignRemoteFrames = 0;
  onReading: (r: Reading) => void = function () {};
  onAck: (address: number, code: number, status: number, cmdFvLow16: number) => void = function () {};
  onSynced: (address: number) => void = function () {};
  private readonly opts: AggregatorOptions;
  private readonly can: SecuredCanController;
  private readonly tx: PersistedEpoch;
  /** Per address: its slot + 1, 0 when not configured. */
  private readonly slots = new Uint8Array(METERS_PER_BUS);
  /**
   * Per slot: 1 when the meter is synchronised. Our transmit counters restart only at
   * boot (a new node), and a renewed epoch lets them run on, so a synchronisation holds
   * until the meter is resynchronised.
   */
  private readonly synced: Uint8Array;
  /** Per slot: the meter's epoch from its last sync response, -1: none. */
  private readonly meterEpochs: Float64Array;
  /** Per slot: consecutive answers with a bad MAC (a sign of lost synchronisation). */
  private readonly badMacs: Uint8Array;
  /** Last ALARM code answered per slot: the meter keeps its alarm as the poll answer, log a change once. */
  private readonly alarmCodes: Uint8Array;
  /** Signal names per message (values arrive decoded from the controller), and 4 zero bytes for a sync request. */
  private readonly names = new SignalNames();
  private readonly zero4 = new Uint8Array(DATA_BYTES);
  /** Set by the constructor when the controller refused the SecOC setup; start() reports it. */
  private setupError = CAN_OK;

  constructor(opts: AggregatorOptions) {
    const n = opts.addresses.length;
    const can = opts.can;
    this.opts = opts;
    this.can = can;
    this.tx = new PersistedEpoch(opts.store, "aggepoch", function (e: number) { can.secocEpoch(e); });
    this.rejects = new RejectCounter("aggregator", opts.log);
    this.synced = new Uint8Array(n);
    this.meterEpochs = new Float64Array(n);
    this.meterEpochs.fill(-1);
    this.badMacs = new Uint8Array(n);
    this.alarmCodes = new Uint8Array(n);
    const dims = planCounters("aggregator");
    let r = can.secocInit(n, dims.rx, dims.tx, securePlan("aggregator"));
    if (r === CAN_OK) r = can.secocCodec(securedCodec());
    for (let i = 0; i < n; i++) {
      const a = opts.addresses[i];
      if (!(a >= 0 && a < METERS_PER_BUS && Math.floor(a) === a) || this.slots[a] !== 0) throw new Error("meter address " + a + " is not an unused integer 0.." + (METERS_PER_BUS - 1));
      if (r === CAN_OK) r = can.secocKey(i, a, opts.masterKey16, true);
      this.slots[a] = i + 1;
    }
    this.setupError = r;
  }

  /** The slot of a configured meter address, or -1. */
  private slotOf(address: number): number {
    const s = this.slots[address]; // undefined outside 0..63
    return s > 0 ? s - 1 : -1;
  }

  /** Boots the transmit epoch and listens to every standard identifier. */
  start(): number {
    if (this.setupError !== CAN_OK) {
      this.opts.log("aggregator: controller refused the SecOC setup (" + this.setupError + ")");
      return this.setupError;
    }
    if (!this.tx.boot()) {
      this.opts.log("aggregator: cannot persist freshness epoch; not transmitting");
      return -1;
    }
    const bank = this.can.addFilter({ mode: "mask", extended: false, id: 0, mask: 0, fifo: 0 });
    if (bank < 0) return bank;
    const self = this;
    this.can.onFrame(function (f: CanFrame) { self.handleFrame(f); });
    this.can.onSecured(function (id: number, verdict: number, fv: number, data32: number, v0: number, v1: number, v2: number) { self.handleSecured(id, verdict, fv, v0, v1, v2); });
    return CAN_OK;
  }

  isSynced(address: number): boolean {
    const s = this.slotOf(address);
    return s >= 0 && this.synced[s] === 1 && this.tx.epoch() >= 0;
  }

  /**
   * A command went unacknowledged through every retry (CommandSender): a receiver on
   * this link may be unable to rebuild the FV from 8 bits, so the meter counts as
   * unsynchronised and the poller resynchronises it (the resync path of SecOC).
   */
  lostSync(address: number): void {
    const s = this.slotOf(address);
    if (s >= 0) this.synced[s] = 0;
  }

  /**
   * Persists and sets the next transmit epoch (the C link could not sign a sync request:
   * its epoch is used up). False when it cannot be persisted.
   */
  renewEpoch(): boolean {
    return this.tx.renew();
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
    this.synced[s] = 0; // until the answer: the controller verifies nothing from this meter anyway
    const id = canId(FN_SYNC_REQUEST, address);
    let r = this.can.secocSend(id, this.zero4, -1);
    if (r === SECOC_ENOFV && this.tx.renew()) r = this.can.secocSend(id, this.zero4, -1);
    return r >= 0 ? CAN_OK : r;
  }

  /** Remote frame asking meter `address` for message `fn`. */
  poll(address: number, fn: number): number {
    return this.can.send(remoteFrame(canId(fn, address), PAYLOAD_BYTES));
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
    const id = canId(m.fn, address);
    const data = encodeData(m, values);
    let r = this.can.secocSend(id, data, -1);
    // This meter's counter used the last value of the epoch: the next one is persisted
    // and the counter carries into it (the others run on; no meter needs a sync).
    if (r === SECOC_ENOFV && this.tx.renew()) r = this.can.secocSend(id, data, -1);
    return r;
  }

  /** Every plain received frame (remote, malformed, not for a configured meter). Never throws. */
  handleFrame(f: CanFrame): void {
    this.rejects.guard(f, this);
  }

  /** A well-formed frame (RejectCounter.guard checked it) that the controller did not verify. */
  dispatch(f: CanFrame): void {
    if (f.extended) { this.rejects.reject("unknownId", f, "extended identifiers are not used"); return; }
    if (f.rtr) { this.foreignRemoteFrames++; return; }
    const address = addressOf(f.id);
    const fn = functionOf(f.id);
    const m = messageByFn(fn);
    if (m === undefined) { this.rejects.reject("unknownId", f, "unknown function " + fn); return; }
    if (this.slotOf(address) < 0) { this.rejects.reject("unknownId", f, "meter " + address + " is not configured"); return; }
    if (m.sender !== "meter") { this.rejects.reject("unknownId", f, m.name + " is sent by the aggregator, not to it"); return; }
    if (f.dlc !== PAYLOAD_BYTES) { this.rejects.reject("length", f, m.name + " needs " + PAYLOAD_BYTES + " bytes"); return; }
    this.rejects.reject("unknownId", f, "no handler for " + m.name);
  }

  /** A meter's secured frame, verified and decoded by the controller (v0..v2: its signals). Never throws. */
  handleSecured(id: number, verdict: number, fv: number, v0: number, v1: number, v2: number): void {
    try {
      const address = addressOf(id);
      const fn = functionOf(id);
      const m = messageByFn(fn) as MessageDef;
      const s = this.slotOf(address);
      if (verdict !== SECOC_OK) {
        if (verdict === SECOC_BAD_MAC && fn !== FN_SYNC_RESPONSE && this.badMacs[s] < 255) this.badMacs[s]++;
        this.rejects.rejectId(CAUSES[verdict] || "internal", id, (fn === FN_SYNC_RESPONSE ? "sync response" : m.name) + " from meter " + address);
        return;
      }
      if (fn === FN_SYNC_RESPONSE) { this.onSyncResponse(id, v0, address, s); return; }
      const names = this.names.list(fn);
      const values: SignalValues = {};
      values[names[0]] = v0;
      if (names.length > 1) values[names[1]] = v1;
      if (names.length > 2) values[names[2]] = v2;
      this.badMacs[s] = 0;
      if (fn === FN_COMMAND_ACK) this.onAck(address, values.AckCode, values.AckStatus, values.AckCmdFreshness);
      else this.onReading({ address: address, message: m.name, fn: fn, values: values, fv: fv });
      if (fn === FN_ALARM && values.AlarmCode !== this.alarmCodes[s]) {
        this.alarmCodes[s] = values.AlarmCode;
        this.opts.log("aggregator: alarm " + values.AlarmCode + " from meter " + address);
      }
    } catch (e) {
      this.rejects.rejectId("internal", id, "handler error: " + (e instanceof Error ? e.message : String(e)));
    }
  }

  /** Bound to our outstanding challenge (the controller checked): the meter's new epoch. */
  private onSyncResponse(id: number, epoch: number, address: number, s: number): void {
    if (epoch <= this.meterEpochs[s]) { this.rejects.rejectId("stale", id, "meter epoch " + epoch + " not above " + this.meterEpochs[s]); return; }
    this.meterEpochs[s] = epoch;
    this.can.secocRx(s, epoch * SEQ_SPAN - 1); // also drops the challenge
    this.synced[s] = 1;
    this.badMacs[s] = 0;
    this.opts.log("aggregator: meter " + address + " synchronised at epoch " + epoch);
    this.onSynced(address);
  }
}
