/**
 * SecOC framing for the host's CAN controllers, on the C the boards run
 * (boards/STM32F107/secoc through the meterSecoc addon): the SecuredCanController
 * methods of modules/can/secured.ts over a controller's send / setAutoReply, and
 * the verification of received frames before the application's callbacks. The
 * BxcanModel has one built in; securedController() adds one to any other
 * CanController (the loopback bus of modules/can/testing, the SLCAN client).
 * Also the aggregator's link in C (modules/link/linkPort.ts, boards/STM32F107/aglink):
 * once linkInit ran, every received frame goes through its C (polled answers stored,
 * sync responses and acknowledgements handled, the rest counted; nothing is delivered),
 * and linkStart runs its schedule and command retries on the owner's timer.
 */
import { CAN_EINVAL, type CanController, type CanCounters, type CanFilter, type CanState } from "../../modules/can/controller.ts";
import { dataFrame, remoteFrame, type CanFrame } from "../../modules/can/frame.ts";
import type { LinkCanController } from "../../modules/link/linkPort.ts";
import { secocAddon, type NativeSecocNode } from "../native/secoc.ts";
import { newAgLink, AG_ACT_PLAIN, AGC, type NativeAgLink } from "../native/aglink.ts";

const FLAG_EXT = 1;
const FLAG_RTR = 2;

export type SecuredCallback = (id: number, verdict: number, fv: number, data32: number, v0: number, v1: number, v2: number) => void;

export type VerdictObserver = (f: CanFrame, verdict: number, res: Float64Array) => void;

/** Time and a repeating timer for the aggregator link's schedule (the controller runs it by itself, as CAN1 does). */
export interface LinkTimer {
  nowMs(): number;
  /** Calls fn every ms until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
}

/** Real time (for controllers without a simulated clock: SLCAN; a loopback under test passes a manualTimer). */
export const realTimer: LinkTimer = {
  nowMs: () => Date.now(),
  every: (ms, fn) => { const h = setInterval(fn, ms); return () => clearInterval(h); },
};

/** Time that moves only when advance(ms) is called, running the timers that fall due (tests on untimed buses). */
export function manualTimer(): LinkTimer & { advance(ms: number): void } {
  let now = 0;
  const timers: { ms: number; due: number; fn: () => void; on: boolean }[] = [];
  return {
    nowMs: () => now,
    every: (ms, fn) => { const t = { ms, due: now + ms, fn, on: true }; timers.push(t); return () => { t.on = false; }; },
    advance: (ms) => {
      const end = now + ms;
      for (;;) {
        let next: (typeof timers)[number] | undefined;
        for (const t of timers) if (t.on && t.due <= end && (!next || t.due < next.due)) next = t;
        if (!next) break;
        now = next.due;
        next.due += next.ms;
        next.fn();
      }
      now = end;
    },
  };
}

export class SecocLayer {
  private node: NativeSecocNode | null = null;
  private cb: SecuredCallback | undefined;
  private observer: VerdictObserver | undefined;
  private readonly out = new Uint8Array(8);
  private readonly d4 = new Uint8Array(4);
  private readonly res = new Float64Array(5);
  private readonly sendFrame: (f: CanFrame) => number;
  private readonly storeReply: (f: CanFrame, once: boolean) => number;
  private readonly timer: LinkTimer;
  /** The aggregator link (boards/STM32F107/aglink) over this node's state, once linkInit ran. */
  private link: NativeAgLink | null = null;
  /** The addon's node as init made it (the link needs the native object itself). */
  private native: NativeSecocNode | null = null;
  private stopLink: (() => void) | null = null;
  private readonly linkRes = new Float64Array(7);

  constructor(sendFrame: (f: CanFrame) => number, storeReply: (f: CanFrame, once: boolean) => number, timer?: LinkTimer) {
    this.sendFrame = sendFrame;
    this.storeReply = storeReply;
    this.timer = timer || realTimer;
  }

  /** Drops keys, counters and the link (an interpreter reset); the callback stays, as onFrame's does. */
  reset(): void {
    this.node = null;
    this.native = null;
    this.dropLink();
  }

  private dropLink(): void {
    if (this.stopLink) this.stopLink();
    this.stopLink = null;
    this.link = null;
  }

  // ---- the aggregator link (modules/link/linkPort.ts), on the C through the addon ----

  linkInit(capacity: number, maxInFlight: number, timing: Uint16Array): number {
    this.dropLink();
    if (!this.node || !this.native || !timing || timing.length < 4) return CAN_EINVAL;
    try {
      this.link = newAgLink(this.native, {
        capacity, maxInFlight, staleAfterPeriods: timing[0], syncAfterMisses: timing[1], syncRetryMs: timing[2], syncRetryMaxMs: timing[3],
      }, this.timer.nowMs());
    } catch {
      return CAN_EINVAL;
    }
    this.link.setSend((id, remote, dlc, data) => this.sendFrame(remote ? remoteFrame(id, dlc) : dataFrame(id, new Uint8Array(data))));
    return 0;
  }

  linkPlan(addresses: Uint8Array, plan: Uint16Array, deadlineMs: number, retries: number): number {
    if (!this.link || !addresses || !plan || plan.length % 3 !== 0) return CAN_EINVAL;
    const now = this.timer.nowMs();
    let added = 0;
    for (let i = 0; i < addresses.length; i++) {
      for (let k = 0; k < plan.length; k += 3) {
        const r = this.link.add(addresses[i], plan[k], plan[k + 1], plan[k + 2], deadlineMs, retries, now);
        if (r < 0) return r;
        added++;
      }
    }
    return added;
  }

  linkStart(tickMs: number): number {
    const link = this.link;
    if (!link || !(tickMs >= 1)) return CAN_EINVAL;
    if (this.stopLink) this.stopLink();
    this.stopLink = this.timer.every(tickMs, () => { if (this.link === link) link.tick(this.timer.nowMs()); });
    link.tick(this.timer.nowMs());
    return 0;
  }

  linkCommand(address: number, code: number, tariff: number, arg: number): number {
    if (!this.link) return CAN_EINVAL;
    return this.link.command(address, code, tariff, arg, this.timer.nowMs());
  }

  linkLatest(address: number, fn: number, out: Float64Array): number {
    if (!this.link || !out || !(out.length >= 3)) return CAN_EINVAL;
    const o = new Float64Array(3);
    const r = this.link.latest(address, fn, o);
    if (r >= 0) for (let i = 0; i < 3; i++) out[i] = o[i];
    return r;
  }

  linkRows(fns: Uint8Array, freshMask: number, changedMask: number, out: Float64Array): number {
    if (!this.link || !fns || !out || typeof out.length !== "number") return CAN_EINVAL;
    const f = new Uint8Array(fns.length);
    for (let i = 0; i < f.length; i++) f[i] = fns[i];
    const o = new Float64Array(out.length);
    const n = this.link.rows(f, freshMask >>> 0, changedMask >>> 0, o);
    const used = n > 0 ? n * (5 + 3 * f.length) : 0;
    for (let i = 0; i < used; i++) out[i] = o[i];
    return n;
  }

  linkCounters(out: Uint32Array): number {
    if (!this.link || !out || typeof out.length !== "number") return 0;
    const o = new Uint32Array(Math.min(out.length, AGC.count));
    const n = this.link.counters(o);
    for (let i = 0; i < n; i++) out[i] = o[i];
    return n;
  }

  /** The OTA watch heard the meter (CAN1 on the aggregator board: jswrap_ota.c mn_ota_take to the link): its sync back-off starts over. */
  linkReachable(address: number): void {
    if (this.link) this.link.reachable(address);
  }

  linkMeter(address: number, out: Uint32Array): void {
    if (!this.link || !out || out.length < 5) return;
    // polls, answered, missed, readings, synced and (with 6) refused sends
    const o = new Uint32Array(Math.min(out.length, 6));
    this.link.meter(address, o);
    for (let i = 0; i < o.length; i++) out[i] = o[i];
  }

  init(slots: number, rxPerSlot: number, txPerSlot: number, plan: Uint8Array): number {
    const p = new Uint8Array(64);
    if (!plan || typeof plan.length !== "number" || plan.length < 64) return CAN_EINVAL;
    for (let i = 0; i < 64; i++) p[i] = plan[i];
    try {
      this.node = new (secocAddon().SecocNode)(slots, rxPerSlot, txPerSlot, p);
      this.native = this.node;
      return 0;
    } catch {
      this.node = null;
      return CAN_EINVAL;
    }
  }

  key(slot: number, address: number, key16: Uint8Array, derive: boolean): number {
    if (!this.node || !key16 || key16.length !== 16) return CAN_EINVAL;
    const k = new Uint8Array(16);
    for (let i = 0; i < 16; i++) k[i] = key16[i];
    return this.node.key(slot, address, k, derive === true);
  }

  epoch(epoch: number): void { if (this.node) this.node.setEpoch(epoch); }
  rx(slot: number, fv: number): void { if (this.node) this.node.setRx(slot, fv); }
  syncLast(slot: number, fv: number): void { if (this.node) this.node.setSyncLast(slot, fv); }
  /** Receive counter `counter` of `slot` (tests). */
  lastAccepted(slot: number, counter: number): number { return this.node ? this.node.rx(slot, counter) : -1; }
  stateBytes(): number { return this.node ? this.node.stateBytes() : 0; }

  codec(table: Uint8Array): number {
    if (!this.node || !table || typeof table.length !== "number") return CAN_EINVAL;
    const t = new Uint8Array(table.length);
    for (let i = 0; i < t.length; i++) t[i] = table[i];
    return this.node.codec(t);
  }

  /** Encodes, signs and arms every published message (C); `latest` gets the data bytes by function code. */
  publish(values: Float64Array, latest: Uint8Array): number {
    if (!this.node || !values || typeof values.length !== "number" || !latest || latest.length < 128) return CAN_EINVAL;
    const v = new Float64Array(values.length);
    for (let i = 0; i < v.length; i++) v[i] = values[i];
    const l = new Uint8Array(128);
    for (let i = 0; i < 128; i++) l[i] = latest[i]; // the C writes only what it publishes
    const r = this.node.publish(v, l, (id, payload) => this.storeReply(dataFrame(id, payload), true));
    for (let i = 0; i < 128; i++) latest[i] = l[i];
    return r;
  }

  /** Signs into this.out; FV or negative. */
  private sign(id: number, data4: Uint8Array, fv: number): number {
    if (!this.node || !data4 || typeof data4.length !== "number" || data4.length < 4) return CAN_EINVAL;
    for (let i = 0; i < 4; i++) this.d4[i] = data4[i];
    return this.node.sign(id, this.d4, typeof fv === "number" ? fv : -1, this.out);
  }

  send(id: number, data4: Uint8Array, fv: number): number {
    const used = this.sign(id, data4, fv);
    if (used < 0) return used;
    const r = this.sendFrame(dataFrame(id, new Uint8Array(this.out)));
    return r === 0 ? used : r;
  }

  autoReply(id: number, data4: Uint8Array): number {
    const used = this.sign(id, data4, -1);
    if (used < 0) return used;
    const r = this.storeReply(dataFrame(id, new Uint8Array(this.out)), true);
    return r >= 0 ? used : r;
  }

  onSecured(cb: SecuredCallback): void { this.cb = cb; }

  /**
   * The host watches every verdict (host/sim/faults.ts counts forged or replayed frames
   * accepted); it survives reset(), as the controller does. `res` is [fv, data32, v0, v1, v2].
   */
  observe(cb: VerdictObserver | undefined): void { this.observer = cb; }

  /** True when `f` was a secured frame for this node: it went to onSecured (verdict and all), not to onFrame. */
  deliver(f: CanFrame): boolean {
    if (!this.node) return false;
    if (this.link) {
      // The link's C takes every frame, as CAN1 does on the aggregator board: polled answers,
      // sync responses and acknowledgements are handled there, the rest counted; nothing
      // reaches JavaScript (no onSecured, no onFrame).
      const r = this.linkRes;
      const act = this.link.receive(f.id, (f.extended ? FLAG_EXT : 0) | (f.rtr ? FLAG_RTR : 0), f.dlc, f.data, this.timer.nowMs(), r);
      if (act === AG_ACT_PLAIN) return true;
      this.res[0] = r[1];
      this.res[1] = r[2];
      this.res[2] = r[3];
      this.res[3] = r[4];
      this.res[4] = r[5];
      if (this.observer) this.observer(f, r[0], this.res);
      return true;
    }
    const v = this.node.verify(f.id, (f.extended ? FLAG_EXT : 0) | (f.rtr ? FLAG_RTR : 0), f.dlc, f.data, this.res);
    if (v < 0) return false;
    if (this.observer) this.observer(f, v, this.res);
    if (this.cb) this.cb(f.id, v, this.res[0], this.res[1], this.res[2], this.res[3], this.res[4]);
    return true;
  }
}

/** `inner` with SecOC framing in front of its onFrame (for controllers without a built-in layer). */
export function securedController(inner: CanController, timer?: LinkTimer): LinkCanController & { secoc: SecocLayer } {
  const layer = new SecocLayer((f) => inner.send(f), (f, once) => inner.setAutoReply(f, once), timer);
  let frameCb: ((f: CanFrame, fifo: number) => void) | undefined;
  inner.onFrame((f, fifo) => {
    if (!layer.deliver(f) && frameCb) frameCb(f, fifo);
  });
  return {
    secoc: layer,
    start: (b: number) => inner.start(b),
    stop: () => inner.stop(),
    send: (f: CanFrame) => inner.send(f),
    addFilter: (flt: CanFilter) => inner.addFilter(flt),
    removeFilter: (bank: number) => inner.removeFilter(bank),
    setAutoReply: (f: CanFrame, once: boolean) => inner.setAutoReply(f, once),
    clearAutoReply: (id: number) => inner.clearAutoReply(id),
    onFrame: (cb) => { frameCb = cb; },
    onState: (cb: (s: CanState, c: CanCounters) => void) => inner.onState(cb),
    state: () => inner.state(),
    counters: () => inner.counters(),
    secocInit: (s, r, t, p) => layer.init(s, r, t, p),
    secocKey: (s, a, k, d) => layer.key(s, a, k, d),
    secocEpoch: (e) => layer.epoch(e),
    secocRx: (s, fv) => layer.rx(s, fv),
    secocSyncLast: (s, fv) => layer.syncLast(s, fv),
    secocSend: (id, d, fv) => layer.send(id, d, fv),
    secocAutoReply: (id, d) => layer.autoReply(id, d),
    secocCodec: (t) => layer.codec(t),
    secocPublish: (v, l) => layer.publish(v, l),
    onSecured: (cb) => layer.onSecured(cb),
    ...linkForwarders(layer),
  };
}

/** The aggregator link's methods of a controller object, each calling the same method of `to` (a SecocLayer or a BxcanModel). */
export type LinkMethods = Pick<LinkCanController, "linkInit" | "linkPlan" | "linkStart" | "linkCommand" | "linkRows" | "linkLatest" | "linkCounters" | "linkMeter">;
export function linkForwarders(to: LinkMethods): LinkMethods {
  return {
    linkInit: (c, m, t) => to.linkInit(c, m, t),
    linkPlan: (a, p, d, r) => to.linkPlan(a, p, d, r),
    linkStart: (t) => to.linkStart(t),
    linkCommand: (a, c, t, g) => to.linkCommand(a, c, t, g),
    linkRows: (f, fr, ch, o) => to.linkRows(f, fr, ch, o),
    linkLatest: (a, f, o) => to.linkLatest(a, f, o),
    linkCounters: (o) => to.linkCounters(o),
    linkMeter: (a, o) => to.linkMeter(a, o),
  };
}
