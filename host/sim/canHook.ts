/**
 * The global CAN1 inside a host runtime: the device-side face of a BxcanModel on the
 * shared VirtualCanBus. Frames cross the realm boundary as copies (the model checks
 * `data instanceof Uint8Array` of the host realm; the program gets its own realm's
 * arrays), and callbacks reach the program through rt.invoke, as the native hook's
 * events reach the interpreter on the main loop.
 *
 * One model per simulated device for its whole life: a reset() of the interpreter
 * calls the factory again, which stops the controller and clears its filters and
 * auto-reply slots, as the native hook's kill handler does on the device.
 */
import type { CanCounters, CanFilter, CanState } from "../../modules/can/controller.ts";
import type { LinkCanController } from "../../modules/link/linkPort.ts";
import type { CanFrame } from "../../modules/can/frame.ts";
import type { EspruinoRuntime } from "../runtime/index.ts";
import type { BxcanModel } from "../canbus/index.ts";
import { toRealmData } from "../runtime/realm.ts";
import { linkForwarders } from "../canbus/secocLayer.ts";

const FILTER_BANKS = 14;

function hostFrame(f: CanFrame): CanFrame {
  if (!f || typeof f !== "object") return f;
  const d = f.data as ArrayLike<number> | undefined;
  const data = new Uint8Array(d && typeof d.length === "number" ? d.length : 0);
  for (let i = 0; i < data.length; i++) data[i] = (d as ArrayLike<number>)[i];
  return { id: f.id, extended: f.extended === true, rtr: f.rtr === true, dlc: f.dlc, data };
}

/**
 * Makes the CAN1 object of a runtime, for its `globals: (rt) => ({ CAN1: ... })` option.
 * `more(rt)`: further methods of this device's CAN1 (the OTA binding, otaCan1.ts), made
 * again at each reset.
 */
export function canHookFactory(model: BxcanModel, more?: (rt: EspruinoRuntime) => Record<string, unknown>): (rt: EspruinoRuntime) => LinkCanController {
  let frameCb: ((f: CanFrame, fifo: number) => void) | undefined;
  let stateCb: ((s: CanState, c: CanCounters) => void) | undefined;
  let securedCb: ((id: number, verdict: number, fv: number, data32: number, v0: number, v1: number, v2: number) => void) | undefined;
  let rt: EspruinoRuntime | undefined;
  const slotIds = new Set<number>();
  let publishedSlots = false; // secocPublish armed slots whose ids the hook does not see
  model.onFrame((f, fifo) => {
    if (!frameCb || !rt) return;
    const realm = rt.realm;
    const data = new realm.Uint8Array(f.data.length);
    data.set(f.data);
    const o = new realm.Object() as unknown as CanFrame;
    o.id = f.id; o.extended = f.extended; o.rtr = f.rtr; o.dlc = f.dlc; o.data = data;
    rt.invoke(frameCb as (...a: unknown[]) => unknown, [o, fifo]);
  });
  // Secured frames, verified by the boards' C (host/canbus/secocLayer.ts): numbers only cross.
  model.onSecured((id, verdict, fv, data32, v0, v1, v2) => {
    if (securedCb && rt) rt.invoke(securedCb as (...a: unknown[]) => unknown, [id, verdict, fv, data32, v0, v1, v2]);
  });
  model.onState((s, c) => {
    if (stateCb && rt) rt.invoke(stateCb as (...a: unknown[]) => unknown, [s, toRealmData(rt.realm, c)]);
  });
  return (runtime) => {
    rt = runtime;
    frameCb = undefined;
    stateCb = undefined;
    securedCb = undefined;
    model.secoc.reset();
    model.stop();
    for (let b = 0; b < FILTER_BANKS; b++) model.removeFilter(b);
    for (const id of slotIds) model.clearAutoReply(id);
    slotIds.clear();
    if (publishedSlots) for (let id = 0; id <= 0x7ff; id++) model.clearAutoReply(id);
    publishedSlots = false;
    const api: LinkCanController = {
      start: (bitrate) => model.start(bitrate),
      stop: () => model.stop(),
      send: (f) => model.send(hostFrame(f)),
      addFilter: (filter: CanFilter) => model.addFilter(JSON.parse(JSON.stringify(filter)) as CanFilter),
      removeFilter: (bank) => model.removeFilter(bank),
      setAutoReply: (f, once) => {
        const r = model.setAutoReply(hostFrame(f), once);
        if (r >= 0) slotIds.add(f.id);
        return r;
      },
      clearAutoReply: (id) => model.clearAutoReply(id),
      onFrame: (cb) => { frameCb = cb; },
      onState: (cb) => { stateCb = cb; },
      state: () => model.state(),
      counters: () => toRealmData(runtime.realm, model.counters()) as CanCounters,
      secocInit: (slots, rx, tx, plan) => model.secocInit(slots, rx, tx, plan),
      secocKey: (slot, address, key16, derive) => model.secocKey(slot, address, key16, derive),
      secocEpoch: (e) => model.secocEpoch(e),
      secocRx: (slot, fv) => model.secocRx(slot, fv),
      secocSyncLast: (slot, fv) => model.secocSyncLast(slot, fv),
      secocSend: (id, data4, fv) => model.secocSend(id, data4, fv),
      secocAutoReply: (id, data4) => {
        const r = model.secocAutoReply(id, data4);
        if (r >= 0) slotIds.add(id);
        return r;
      },
      secocCodec: (t) => model.secocCodec(t),
      secocPublish: (v, l) => {
        const r = model.secocPublish(v, l);
        if (r > 0) publishedSlots = true;
        return r;
      },
      onSecured: (cb) => { securedCb = cb; },
      // the aggregator link in C (modules/link/linkPort.ts): numbers and typed arrays only cross
      ...linkForwarders(model),
    };
    if (more) Object.assign(api, more(runtime));
    return api;
  };
}
