/**
 * The fault campaign of `npm start -- --faults` (issue 12, part 4): while the simulated
 * network runs, faults are injected at seeded random instants, and what the devices made
 * of them is measured from outside, at the SecOC verdicts (host/canbus/secocLayer.ts
 * observe) and on the bus trace. Nothing in the bundles knows about it.
 *
 * Faults (one per slot of `everyS` device seconds, the kinds in a seeded shuffled
 * rotation so every kind comes up as often as the others, the instant and the
 * parameters drawn from the seed before the run starts):
 * - powerCycle: a meter loses its supply for 0.5..20 s: its controller leaves the bus,
 *   the interpreter is reset (RAM gone, Storage kept, as flash is), then the bundle
 *   boots again, as at power-on.
 * - busCut: every frame is lost at every receiver for 1..30 s (no error on the wire:
 *   the transmitters see their frames go out).
 * - bitErrors: for 1..10 s each frame is corrupted with probability 5..50 %, seen by
 *   every node (bit monitoring) or, a third of the time, by one receiver only (CRC error).
 * - babbler: a node with an ALARM identifier (the highest priority) holds the bus for
 *   1..20 s with one fixed forged frame.
 * - colliding: for 5..40 s a node answers one meter's poll with the same identifier and
 *   different (forged) data, from its auto-reply slot as fast as the meter does.
 * - replay: a node replays 20..100 authenticated frames it captured from the bus (seconds
 *   to hours earlier, across power cycles too).
 *
 * Outcomes: every meter must answer again (a frame accepted by the aggregator) within
 * `recoveryBoundS` after each fault ends; no forged frame and no replayed frame may be
 * accepted by any node. A replayed frame that its receiver had never accepted (the
 * original was lost, e.g. while the receiver was off) and that is still fresh is counted
 * apart (`firstDelivery`): SecOC's freshness accepts a delayed frame once, by design.
 * Energy: what the aggregator last saw of a meter's import register before a power cycle
 * and the first value after it (the registers persist in FRAM: a loss beyond LOSS_BOUND_WH fails the run).
 */
import { BxcanModel, BabblingNode, type BusTraceEvent } from "../canbus/index.ts";
import { dataFrame, type CanFrame } from "../../modules/can/frame.ts";
import { FN_ALARM, FN_MEAS_ENERGY_IMPORT, FN_MEAS_VOLTAGE_FREQ, FN_MEAS_APPARENT, canId, addressOf, functionOf } from "../../modules/can/idPlan.ts";
import type { SimNetwork, SimNode } from "./network.ts";

/**
 * Most import energy one power cut may lose (modules/persist/README.md): stepWh (1 Wh)
 * plus one second of the meter's full 13.8 kW, rounded up.
 */
const LOSS_BOUND_WH = 4.9;

export const FAULT_KINDS = ["powerCycle", "busCut", "bitErrors", "babbler", "colliding", "replay"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultOptions {
  seed: number;
  /** Device ms the run lasts: no fault starts later than the recovery bound plus 30 s before it. */
  untilMs: number;
  /** Device seconds per fault slot (one fault each); default 300 (288 faults in a day). */
  everyS?: number;
  /** Every meter answers again within this many device seconds after a fault ends; default 60. */
  recoveryBoundS?: number;
  /** No fault in the first seconds (meters boot and synchronise); default 60. */
  warmupS?: number;
}

/** One planned fault; times in device ms from the clock's 0. */
export interface PlannedFault {
  kind: FaultKind;
  atMs: number;
  durationMs: number;
  /** Meter index (powerCycle, colliding). */
  meter: number;
  /** bitErrors: corruption probability; replay: frames. */
  amount: number;
  /** bitErrors: the one receiver that sees the flips (index into the nodes), -1: all. */
  receiver: number;
  /** babbler, colliding: 8 forged data bytes. */
  data: number[];
  /** Unused (kept 0); the babbler's identifier is the target meter's ALARM. */
  id: number;
}

interface Outcome {
  fault: PlannedFault;
  endUs: number;
  waiting: Set<number>;
  recoveryS: number;
  closed: boolean;
}

interface Captured { frame: CanFrame; sig: string; atUs: number; acceptedBy: Set<string> }

/** mulberry32: a small seeded generator, the same sequence on every host. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The schedule, from the seed alone (reproducible: the same seed and length give the same faults). */
export function planFaults(o: FaultOptions, meters: number, nodes: number): PlannedFault[] {
  const rnd = seededRandom(o.seed);
  const every = (o.everyS ?? 300) * 1000;
  const warm = (o.warmupS ?? 60) * 1000;
  const tail = ((o.recoveryBoundS ?? 60) + 30) * 1000;
  const plan: PlannedFault[] = [];
  let kinds: FaultKind[] = [];
  const span = (lo: number, hi: number) => Math.round((lo + rnd() * (hi - lo)) * 1000);
  for (let start = warm; start + 1000 <= o.untilMs - tail; start += every) {
    if (kinds.length === 0) {
      kinds = FAULT_KINDS.slice();
      for (let i = kinds.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); const t = kinds[i]; kinds[i] = kinds[j]; kinds[j] = t; }
    }
    const kind = kinds.shift() as FaultKind;
    const durationMs = kind === "powerCycle" ? span(0.5, 20) : kind === "busCut" ? span(1, 30) : kind === "bitErrors" ? span(1, 10)
      : kind === "babbler" ? span(1, 20) : kind === "colliding" ? span(5, 40) : 0;
    // the fault and its recovery bound stay inside the slot (and before the run's end)
    const room = Math.max(0, Math.min(every, o.untilMs - tail - start) - durationMs - 1000);
    const atMs = start + Math.round(rnd() * room);
    const meter = Math.floor(rnd() * meters);
    const amount = kind === "bitErrors" ? 0.05 + rnd() * 0.45 : kind === "replay" ? 20 + Math.floor(rnd() * 81) : 0;
    const receiver = kind === "bitErrors" && rnd() < 1 / 3 ? Math.floor(rnd() * nodes) : -1;
    const data: number[] = [];
    for (let i = 0; i < 8; i++) data.push(Math.floor(rnd() * 256));
    const id = 0;
    plan.push({ kind, atMs, durationMs, meter, amount, receiver, data, id });
  }
  return plan;
}

function sigOf(f: CanFrame): string {
  let s = f.id.toString(16) + ":";
  for (let i = 0; i < f.data.length; i++) s += (f.data[i] < 16 ? "0" : "") + f.data[i].toString(16);
  return s;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const r1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

const CAPTURE_RING = 3000;
/** A replayed frame was captured at least this long before (its original is long processed). */
const REPLAY_MIN_AGE_US = 1e6;

export class FaultCampaign {
  readonly plan: PlannedFault[];
  readonly recoveryBoundS: number;
  private readonly outcomes: Outcome[] = [];
  private readonly meterNodes: SimNode[];
  private next = 0;
  private cutUntilUs = -1;
  private bitUntilUs = -1;
  private bitP = 0;
  private bitReceiver = "";
  private readonly rndBits: () => number;
  private readonly rndReplay: () => number;
  /** Signatures of frames an injector is sending now, by kind. */
  private readonly injected = new Map<string, { kind: FaultKind; untilUs: number }>();
  private readonly ring: Captured[] = [];
  private readonly captured = new Map<string, Captured>();
  /** Remote frames seen per meter address: identifier -> count. */
  private readonly polled = new Map<number, Map<number, number>>();
  private replayer: BxcanModel | undefined;
  private readonly replayQueue: CanFrame[] = [];
  private readonly lastImportWh = new Map<number, number>();
  private readonly energyWatch = new Map<number, number>();
  private injectors = 0;
  private collisionErrors = 0;
  private readonly babblers: BabblingNode[] = [];
  private readonly colliders: BxcanModel[] = [];
  /** Per kind: frames the injector sent, verdicts accepted / rejected, firstDelivery (replay only). */
  readonly counts: Record<FaultKind, { sent: number; accepted: number; rejected: number; firstDelivery: number }>;
  readonly energy = { powerCycles: 0, registerWentBack: 0, lostWh: 0, maxLostWh: 0, notSeenAgain: 0 };
  readonly bus0: { dropped: number; bitErrors: number; errorFrames: number };
  offMs = 0;

  constructor(private readonly net: SimNetwork, readonly o: FaultOptions) {
    this.meterNodes = net.nodes.filter((n) => n.meter);
    // the plan counts from now (the run's start), as --until does
    const t0 = net.clock.nowMs();
    this.plan = planFaults(o, this.meterNodes.length, net.nodes.length).map((p) => ({ ...p, atMs: p.atMs + t0 }));
    this.recoveryBoundS = o.recoveryBoundS ?? 60;
    this.rndBits = seededRandom(o.seed ^ 0x5bd1e995);
    this.rndReplay = seededRandom(o.seed ^ 0x27d4eb2f);
    this.counts = {} as FaultCampaign["counts"];
    for (const k of FAULT_KINDS) this.counts[k] = { sent: 0, accepted: 0, rejected: 0, firstDelivery: 0 };
    const st = net.bus.stats();
    this.bus0 = { dropped: st.framesDropped, bitErrors: st.bitErrorsInjected, errorFrames: st.errorFrames };
    const bus = net.bus;
    // one permanent rule each, switched by the fault windows
    bus.dropFrames({ count: Infinity, match: () => bus.nowUs() < this.cutUntilUs });
    bus.injectBitErrors({ count: Infinity, match: () => this.bitReceiver === "" && bus.nowUs() < this.bitUntilUs && this.rndBits() < this.bitP });
    for (const n of net.nodes) {
      bus.injectBitErrors({ count: Infinity, receiver: n.name, match: () => this.bitReceiver === n.name && bus.nowUs() < this.bitUntilUs && this.rndBits() < this.bitP });
      n.can.secoc.observe((f, v, res) => this.verdict(n, f, v, res));
    }
    bus.onTrace((e) => this.trace(e));
    const sub = net.clock.subscribe({
      nextDueMs: () => (this.next < this.plan.length ? this.plan[this.next].atMs : undefined),
      runDue: () => {
        while (this.next < this.plan.length && this.plan[this.next].atMs <= net.clock.nowMs()) this.start(this.plan[this.next++]);
        if (this.next >= this.plan.length) queueMicrotask(() => sub.detach());
      },
    });
  }

  private trace(e: BusTraceEvent): void {
    if (e.kind === "error" && e.errorKind === "collision") this.collisionErrors++;
    if (e.kind !== "frame") return;
    const f = e.frame;
    if (f.rtr) {
      const a = addressOf(f.id);
      let s = this.polled.get(a);
      if (!s) this.polled.set(a, (s = new Map()));
      s.set(f.id, (s.get(f.id) ?? 0) + 1);
      return;
    }
    // authenticated frames of the network's own nodes, delivered (not lost in a cut)
    if (f.dlc !== 8 || e.from.some((n) => n.startsWith("fault-")) || this.net.bus.nowUs() < this.cutUntilUs) return;
    const sig = sigOf(f);
    if (this.captured.has(sig)) return;
    const c: Captured = { frame: { id: f.id, extended: f.extended, rtr: false, dlc: 8, data: new Uint8Array(f.data) }, sig, atUs: e.startUs, acceptedBy: new Set() };
    this.ring.push(c);
    this.captured.set(sig, c);
    if (this.ring.length > CAPTURE_RING) {
      // keep a spread of ages: drop one at random from the older half, so hours-old frames remain
      const i = Math.floor(this.rndReplay() * (CAPTURE_RING >> 1));
      const old = this.ring.splice(i, 1)[0];
      this.captured.delete(old.sig);
    }
  }

  private verdict(n: SimNode, f: CanFrame, v: number, res: Float64Array): void {
    const now = this.net.bus.nowUs();
    const sig = this.injected.size > 0 || this.captured.size > 0 ? sigOf(f) : "";
    const inj = this.injected.get(sig);
    if (inj && now <= inj.untilUs) {
      const c = this.counts[inj.kind];
      if (v !== 0) c.rejected++;
      else if (inj.kind === "replay" && !this.captured.get(sig)?.acceptedBy.has(n.name)) c.firstDelivery++;
      else {
        c.accepted++;
        this.net.o.output(n.name, `FAULTS: ${inj.kind} frame ${sig} ACCEPTED\n`);
      }
      return;
    }
    if (v !== 0) return;
    const cap = this.captured.get(sig);
    if (cap) cap.acceptedBy.add(n.name);
    if (n !== this.net.aggregator) return;
    const a = addressOf(f.id);
    if (functionOf(f.id) === FN_MEAS_ENERGY_IMPORT) {
      const before = this.energyWatch.get(a);
      if (before !== undefined) {
        this.energyWatch.delete(a);
        if (res[2] < before) {
          this.energy.registerWentBack++;
          this.energy.lostWh += before - res[2];
          this.energy.maxLostWh = Math.max(this.energy.maxLostWh, before - res[2]);
        }
      }
      this.lastImportWh.set(a, res[2]);
    }
    for (const o of this.outcomes) {
      if (o.closed || now < o.endUs || !o.waiting.has(a)) continue;
      o.waiting.delete(a);
      o.recoveryS = Math.max(o.recoveryS, (now - o.endUs) / 1e6);
      if (o.waiting.size === 0) o.closed = true;
    }
  }

  private start(p: PlannedFault): void {
    const net = this.net;
    const bus = net.bus;
    const now = bus.nowUs();
    const endUs = now + p.durationMs * 1000;
    const all = new Set(this.meterNodes.map((n) => n.meter!.address));
    const target = this.meterNodes[p.meter];
    const log = (text: string) => net.o.output("faults", `t=${(net.clock.nowMs() / 1000).toFixed(1)}s ${text}\n`);
    const outcome: Outcome = { fault: p, endUs, waiting: all, recoveryS: 0, closed: false };
    switch (p.kind) {
      case "powerCycle": {
        const a = target.meter!.address;
        outcome.waiting = new Set([a]);
        log(`power cycle meter ${a}, off ${p.durationMs} ms`);
        this.energy.powerCycles++;
        this.offMs += p.durationMs;
        const before = this.lastImportWh.get(a);
        target.can.stop();
        target.rt.reset();
        // power returns between the devices' timers: the bundle boots as at power-on
        net.clock.subscribe(this.once(p.atMs + p.durationMs, () => {
          // the first import register after the restart is compared with the last one before
          if (before !== undefined) {
            if (this.energyWatch.has(a)) this.energy.notSeenAgain++;
            this.energyWatch.set(a, Math.max(before, this.energyWatch.get(a) ?? 0));
          }
          target.rt.execute(net.o.meterBundle, "meter.js");
        }));
        break;
      }
      case "busCut":
        log(`bus cut ${p.durationMs} ms`);
        this.cutUntilUs = endUs;
        break;
      case "bitErrors":
        this.bitP = p.amount;
        this.bitReceiver = p.receiver >= 0 ? net.nodes[p.receiver].name : "";
        this.bitUntilUs = endUs;
        log(`bit errors ${p.durationMs} ms, ${Math.round(p.amount * 100)} % of frames, seen by ${this.bitReceiver || "every node"}`);
        break;
      case "babbler": {
        // a forged ALARM of a real meter: the highest priority, and verified by the aggregator
        const id = canId(FN_ALARM, target.meter!.address);
        const b = new BabblingNode(bus, { name: `fault-babbler-${++this.injectors}`, id, data: new Uint8Array(p.data), fromUs: now, untilUs: endUs });
        this.injected.set(sigOf(dataFrame(id, new Uint8Array(p.data))), { kind: "babbler", untilUs: endUs + 1e6 });
        log(`babbler on id 0x${id.toString(16)} (meter ${target.meter!.address}'s ALARM) for ${p.durationMs} ms`);
        this.babblers.push(b);
        bus.scheduler.at(endUs + 2000, () => bus.detach(b));
        break;
      }
      case "colliding": {
        const a = target.meter!.address;
        // the meter's most polled measurement (ties: the lowest identifier): the meter answers
        // it from its auto-reply slot at the same instant, so the two frames clash
        let id = canId(FN_MEAS_VOLTAGE_FREQ, a), most = 0;
        for (const [k, c] of this.polled.get(a) ?? []) {
          const fn = functionOf(k);
          if (fn >= FN_MEAS_VOLTAGE_FREQ && fn <= FN_MEAS_APPARENT && (c > most || (c === most && k < id))) { id = k; most = c; }
        }
        const c = new BxcanModel(bus, `fault-collider-${++this.injectors}`);
        c.start(125000);
        c.addFilter({ mode: "mask", extended: false, id: 0, mask: 0, fifo: 0 });
        const f = dataFrame(id, new Uint8Array(p.data));
        c.setAutoReply(f, false);
        this.injected.set(sigOf(f), { kind: "colliding", untilUs: endUs + 1e6 });
        log(`colliding node answers id 0x${id.toString(16)} (meter ${a}) for ${p.durationMs} ms`);
        this.colliders.push(c);
        bus.scheduler.at(endUs, () => { c.stop(); bus.detach(c); });
        break;
      }
      case "replay": {
        const old = this.ring.filter((c) => c.atUs < now - REPLAY_MIN_AGE_US);
        const n = Math.min(p.amount, old.length);
        for (let i = 0; i < n; i++) {
          // half from the last minute (freshest: the hardest case), half from any time
          const recent = old.filter((c) => c.atUs > now - 60e6);
          const pool = i % 2 === 0 && recent.length ? recent : old;
          const c = pool[Math.floor(this.rndReplay() * pool.length)];
          this.replayQueue.push(c.frame);
          this.injected.set(c.sig, { kind: "replay", untilUs: now + 10e6 });
        }
        log(`replaying ${n} captured frames`);
        this.pumpReplays();
        // the burst takes well under a second at 125 kbit/s
        outcome.endUs = now + 1e6;
        break;
      }
    }
    this.outcomes.push(outcome);
  }

  /** A one-shot clock source: `fn` runs at `atMs` between the devices' timers. */
  private once(atMs: number, fn: () => void): { nextDueMs(): number | undefined; runDue(): void } {
    let done = false;
    return {
      nextDueMs: () => (done ? undefined : atMs),
      runDue: () => {
        if (done) return;
        done = true;
        try { fn(); } catch (e) { this.net.hostErrors.push(String(e instanceof Error ? e.stack : e)); }
      },
    };
  }

  private pumpReplays(): void {
    const bus = this.net.bus;
    if (!this.replayer) {
      this.replayer = new BxcanModel(bus, "fault-replayer");
      this.replayer.start(125000);
    }
    while (this.replayQueue.length && this.replayer.send(this.replayQueue[0]) === 0) {
      this.replayQueue.shift();
      this.counts.replay.sent++;
    }
    if (this.replayQueue.length) bus.scheduler.at(bus.nowUs() + 1000, () => this.pumpReplays());
  }

  /** The summary's `faults` table and what fails the run. */
  table(): { table: Record<string, unknown>; failures: string[] } {
    const failures: string[] = [];
    const st = this.net.bus.stats();
    const nowUs = this.net.bus.nowUs();
    const kinds: Record<string, unknown> = {};
    let notBack = 0;
    this.counts.babbler.sent = this.babblers.reduce((n, b) => n + b.sent, 0);
    this.counts.colliding.sent = this.colliders.reduce((n, c) => n + c.counters().autoReplies, 0);
    for (const k of FAULT_KINDS) {
      const os = this.outcomes.filter((o) => o.fault.kind === k);
      const rec: number[] = [];
      let late = 0;
      for (const o of os) {
        if (!o.closed) {
          // still waiting: the time so far is its recovery (it fails if over the bound)
          if (nowUs > o.endUs) rec.push((nowUs - o.endUs) / 1e6);
          late++;
        } else rec.push(o.recoveryS);
      }
      const over = rec.filter((r) => r > this.recoveryBoundS).length;
      const c = this.counts[k];
      const row: Record<string, unknown> = {
        injected: os.length,
        backWithinS: { max: r1(rec.length ? Math.max.apply(null, rec) : null), median: r1(median(rec)), over: over, stillWaiting: late },
      };
      if (k === "powerCycle") {
        row.energy = { ...this.energy, lostWh: r1(this.energy.lostWh), maxLostWh: r1(this.energy.maxLostWh), boundWh: LOSS_BOUND_WH, offS: r1(this.offMs / 1000) };
        // the registers persist in FRAM (modules/persist): a cut loses at most stepWh plus a second's energy
        if (this.energy.maxLostWh > LOSS_BOUND_WH) failures.push(`a power cycle lost ${r1(this.energy.maxLostWh)} Wh of the import register (bound ${LOSS_BOUND_WH} Wh)`);
      }
      if (k === "busCut") row.framesDropped = st.framesDropped - this.bus0.dropped;
      if (k === "bitErrors") { row.framesCorrupted = st.bitErrorsInjected - this.bus0.bitErrors; row.errorFrames = st.errorFrames - this.bus0.errorFrames; }
      if (k === "babbler" || k === "colliding" || k === "replay") {
        row.framesSent = c.sent;
        row.rejected = c.rejected;
        row.accepted = c.accepted;
        if (k === "replay") row.firstDelivery = c.firstDelivery;
        if (k === "colliding") row.collisionErrorFrames = this.collisionErrors;
        if (c.accepted > 0) failures.push(`${c.accepted} ${k === "replay" ? "replayed" : "forged (" + k + ")"} frames accepted`);
      }
      if (over > 0) failures.push(`${over} of ${os.length} ${k} faults: a meter answered only after more than ${this.recoveryBoundS} s (max ${r1(Math.max.apply(null, rec))} s)`);
      notBack += late;
      kinds[k] = row;
    }
    return {
      table: {
        seed: this.o.seed, everyS: this.o.everyS ?? 300, recoveryBoundS: this.recoveryBoundS, planned: this.plan.length, injected: this.next,
        forgedAccepted: this.counts.babbler.accepted + this.counts.colliding.accepted, replayedAccepted: this.counts.replay.accepted,
        meterFaultsStillWaiting: notBack, kinds,
      },
      failures,
    };
  }
}
