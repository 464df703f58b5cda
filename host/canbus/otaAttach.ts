/**
 * The OTA links of boards/STM32F107/ota (through the meterOta addon) behind a
 * simulated bxCAN, as CAN1 runs them on the boards:
 *
 * - receive: an OTA frame leaving the receive FIFO goes to the C before the SecOC
 *   layer and the application (the board's FIFO interrupt), so JavaScript never sees
 *   a chunk; the meter's JavaScript gets events (start, progress, verdict, end);
 * - transmit: the C's frames wait in its own queue (otaTxQueue.c) and go out through
 *   at most one transmit mailbox for control frames and, on the aggregator, one for
 *   chunks, refilled when a frame leaves (the transmit-empty interrupt), so the poll
 *   answers and remote frames always find a mailbox and win arbitration over OTA;
 * - time: a tick every TICK_MS on the bus's clock (the hook's idle loop on the board).
 *
 * The hook points are the model's own: its SecOC layer's deliver() (the path every
 * received frame takes before onFrame) and its txDone() (the bus's "frame sent").
 */
import type { CanFrame } from "../../modules/can/frame.ts";
import { dataFrame } from "../../modules/can/frame.ts";
import { FN_OTA_ANSWER, FN_OTA_REQUEST, OTA_CHUNK_ID_BASE, OTA_CHUNK_ID_MASK, functionOf } from "../../modules/can/idPlan.ts";
import type { VirtualCanBus } from "./bus.ts";
import { BxcanModel } from "./bxcanModel.ts";
import { otaAddon, type NativeOtaAgg, type NativeOtaMeter, type NativeOtaNorImage, type OtaJsStaging, type OtaManifestFields } from "../native/ota.ts";

export const TICK_MS = 5;

/** How the attach points of one model are shared by the OTA and the rest. */
interface Hooks {
  rx: ((f: CanFrame) => boolean) | null;
  txDone: ((f: CanFrame) => void) | null;
}
const hooked = new WeakMap<BxcanModel, Hooks>();

function hooks(model: BxcanModel): Hooks {
  let h = hooked.get(model);
  if (h) return h;
  const hk: Hooks = { rx: null, txDone: null };
  const deliver = model.secoc.deliver.bind(model.secoc);
  model.secoc.deliver = (f: CanFrame) => (hk.rx !== null && !f.rtr && !f.extended && hk.rx(f)) || deliver(f);
  const txDone = model.txDone.bind(model);
  model.txDone = (f: CanFrame, nowUs: number, freeAtUs: number) => {
    txDone(f, nowUs, freeAtUs);
    if (hk.txDone) hk.txDone(f);
  };
  hooked.set(model, hk);
  h = hk;
  return h;
}

function isChunk(id: number): boolean {
  return (id & OTA_CHUNK_ID_MASK) === OTA_CHUNK_ID_BASE;
}

/** A repeating tick on the bus's clock; returns its stop function. */
function every(bus: VirtualCanBus, ms: number, fn: () => void): () => void {
  let live = true;
  const again = () => { if (!live) return; fn(); bus.scheduler.after(ms * 1000, again); };
  bus.scheduler.after(ms * 1000, again);
  return () => { live = false; };
}

/** One mailbox at most for this kind of frame: sends while none of ours is in flight. */
class Lane {
  inFlight = 0;
  constructor(private readonly transmit: (f: CanFrame) => number) {}
  readonly send = (id: number, data: Uint8Array): number => {
    if (this.inFlight > 0) return 1;
    const r = this.transmit(dataFrame(id, new Uint8Array(data)));
    if (r !== 0) return 1;
    this.inFlight++;
    return 0;
  };
  done(): void { if (this.inFlight > 0) this.inFlight--; }
}

/** The aggregator's sender C (OtaAgg) over any controller: what the board's CAN1 does around it. */
export interface OtaSenderPump {
  /** The tick (every TICK_MS), then both lanes refilled. */
  work(): void;
  /** A received frame: an OTA answer goes to the C (true), anything else is not ours (false). */
  answer(f: CanFrame): boolean;
  /** A frame of ours left the controller (bxCAN: transmitted; SLCAN: the adapter acknowledged it). */
  sent(id: number): void;
}

/**
 * The two lanes of the aggregator's OTA: control frames (manifests, questions, commit)
 * and chunks, at most one frame of each in flight, so other traffic always finds a
 * mailbox; `transmit` is the controller's send (0: taken). `onHeard` gets each switched
 * meter whose boot report an answer completed (it runs again).
 */
export function otaSenderPump(native: NativeOtaAgg, transmit: (f: CanFrame) => number, nowMs: () => number, onHeard?: (address: number) => void): OtaSenderPump {
  const control = new Lane(transmit);
  const chunks = new Lane(transmit);
  const buf = new Uint8Array(8);
  let held = -1; // a chunk the mailbox refused: sent before the next one is pulled
  const fill = () => {
    if (chunks.inFlight > 0) return;
    if (held < 0) held = native.chunk(buf);
    if (held >= 0 && chunks.send(held, buf) === 0) held = -1;
  };
  const work = () => {
    native.tick(nowMs());
    native.pump(control.send);
    fill();
  };
  return {
    work,
    answer: (f) => {
      if (f.rtr || f.extended || functionOf(f.id) !== FN_OTA_ANSWER) return false;
      native.frame(f.id, f.dlc, f.data, nowMs());
      const heard = native.heard();
      if (heard && onHeard) onHeard(heard);
      work();
      return true;
    },
    sent: (id) => {
      if (isChunk(id)) chunks.done();
      else if (functionOf(id) === FN_OTA_REQUEST) control.done();
      else return;
      native.pump(control.send);
      fill();
    },
  };
}

export interface OtaMeterOptions {
  key: Uint8Array;
  address: number;
  /** 1: 50 Hz meter image, 2: 60 Hz. */
  image: number;
  /** The security counter the meter persisted (FRAM). */
  storedCounter: number;
  /** Set when the meter persisted "receiving counter N" and restarted: that manifest is accepted once more. */
  restartCounter?: number;
  capacityBytes?: number;
  /** The staging space (the simulator's meter: its NOR slot, and commit() the switch); default the addon's flash model. */
  staging?: OtaJsStaging;
  /** What the meter's JavaScript would get (CAN1's OTA event): type OTA_EV_*, a, b. */
  onEvent?: (type: number, a: number, b: number) => void;
}

export interface OtaMeterHandle {
  native: NativeOtaMeter;
  /** The filter bank of the bulk class (FIFO 1). */
  bank: number;
  detach(): void;
}

/**
 * A meter's bxCAN on `bus` as the OTA tests and benches build it: started at 125 kbit/s,
 * with the filter bank for its own control requests (0x700 + address), FIFO 0.
 */
export function otaMeterModel(bus: VirtualCanBus, address: number): BxcanModel {
  const model = new BxcanModel(bus, "meter" + address);
  model.start(125000);
  model.addFilter({ mode: "mask", extended: false, id: address, mask: 0x3f, fifo: 0 });
  return model;
}

/** Puts a meter's OTA link behind `model` (after its bundle set its filters: the bulk class gets its own bank). */
export function attachOtaMeter(bus: VirtualCanBus, model: BxcanModel, o: OtaMeterOptions): OtaMeterHandle {
  const native = new (otaAddon().OtaMeter)(o.key, o.address, o.image, o.storedCounter, o.restartCounter || 0, o.capacityBytes || 0, o.staging);
  const h = hooks(model);
  const lane = new Lane((f) => model.send(f));
  const ev = new Uint32Array(2);
  const nowMs = () => Math.floor(bus.scheduler.nowUs() / 1000);
  const drain = () => {
    native.pump(lane.send);
    let t: number;
    while ((t = native.event(ev)) !== 0) if (o.onEvent) o.onEvent(t, ev[0], ev[1]);
  };
  const requestId = 0x700 + o.address;
  h.rx = (f) => {
    if (!isChunk(f.id) && f.id !== requestId) return false;
    native.frame(f.id, f.dlc, f.data, nowMs());
    if (!isChunk(f.id)) native.tick(nowMs()); // the rest of a multi-frame answer goes at once
    drain();
    return true;
  };
  h.txDone = (f) => {
    if (functionOf(f.id) === FN_OTA_ANSWER) lane.done();
    native.pump(lane.send);
  };
  const bank = model.addFilter({ mode: "mask", extended: false, id: OTA_CHUNK_ID_BASE, mask: OTA_CHUNK_ID_MASK, fifo: 1 });
  const stop = every(bus, TICK_MS, () => { native.tick(nowMs()); drain(); });
  return {
    native,
    bank,
    detach: () => {
      stop();
      h.rx = null;
      h.txDone = null;
      if (bank >= 0) model.removeFilter(bank);
    },
  };
}

export interface OtaAggStart extends OtaManifestFields {
  image: number;
  /** The image: its bytes, or staged on the NOR (the board's otaNorImage.c: sent only when verified there). */
  bytes: Uint8Array | { staged: NativeOtaNorImage; norAddress: number; size: number };
  masterKey: Uint8Array;
  addresses: number[];
  autoCommit: boolean;
  /** Also told each meter the watch heard (the model's link is told first, as CAN1 tells it on the board). */
  onHeard?: (address: number) => void;
}

export interface OtaAggHandle {
  native: NativeOtaAgg;
  detach(): void;
}

/** Starts an update from the aggregator behind `model`. */
export function attachOtaAggregator(bus: VirtualCanBus, model: BxcanModel, s: OtaAggStart): OtaAggHandle {
  const nowMs = () => Math.floor(bus.scheduler.nowUs() / 1000);
  const m = { version: s.version, counter: s.counter, image: s.image, tag: s.tag };
  const native = s.bytes instanceof Uint8Array
    ? new (otaAddon().OtaAgg)(s.bytes, s.masterKey, new Uint8Array(s.addresses), m, s.autoCommit, nowMs())
    : new (otaAddon().OtaAgg)(s.bytes.staged, s.masterKey, new Uint8Array(s.addresses), { ...m, norAddress: s.bytes.norAddress, size: s.bytes.size }, s.autoCommit, nowMs());
  const h = hooks(model);
  // a switched meter answered the watch: it runs again, so the poll link resynchronises it now
  // instead of at the end of a sync back-off that grew while it restarted (jswrap_ota.c mn_ota_take)
  const pump = otaSenderPump(native, (f) => model.send(f), nowMs, (heard) => {
    model.secoc.linkReachable(heard);
    if (s.onHeard) s.onHeard(heard);
  });
  const work = pump.work;
  h.rx = pump.answer;
  h.txDone = (f) => pump.sent(f.id);
  const bank = model.addFilter({ mode: "mask", extended: false, id: 0x740, mask: 0x7c0, fifo: 1 });
  const stop = every(bus, TICK_MS, work);
  work();
  let live = true;
  return {
    native,
    detach: () => { // once: the hooks and the filter bank may be another's afterwards
      if (!live) return;
      live = false;
      stop();
      h.rx = null;
      h.txDone = null;
      if (bank >= 0) model.removeFilter(bank);
    },
  };
}
