/**
 * Poll latency and throughput of the meternet CAN protocol on the bit-timed virtual bus
 * with bxCAN models: an aggregator polls meters with remote frames; each meter answers
 * from an auto-reply slot holding an authenticated 8-byte payload (4 data bytes, the
 * low freshness byte, a 24-bit AES-CMAC: modules/can/secoc.ts, so stuffing is that of
 * real authenticated frames).
 *
 * The interpreter costs are assumptions (BenchAssumptions), printed with the results;
 * everything on the wire is computed bit by bit.
 */
import { dataFrame, remoteFrame, type CanFrame } from "../../modules/can/frame.ts";
import { CAN_OK } from "../../modules/can/controller.ts";
import { canId, FN_ALARM, FN_BULK, FN_COMMAND_ACK, FN_MEAS_CURRENT_PF, FN_MEAS_VOLTAGE_FREQ, FN_SYNC_RESPONSE } from "../../modules/can/idPlan.ts";
import { Cmac } from "../../modules/can/cmac.ts";
import { securePayload } from "../../modules/can/secoc.ts";
import { nodeAes } from "../../host/ports/aes.ts";
import { VirtualCanBus, type BusTraceEvent } from "../../host/canbus/bus.ts";
import { BxcanModel } from "../../host/canbus/bxcanModel.ts";
import { frameLayout } from "../../host/canbus/frameBits.ts";
import { InterpreterModel } from "./interpreter.ts";

export interface BenchAssumptions {
  bitrate: number;
  /** Remote frame received -> answer in a mailbox (receive ISR copies the slot). */
  isrLatencyUs: number;
  /** Frame in FIFO -> event handed to the interpreter. */
  rxServiceUs: number;
  /** Aggregator interpreter: from a received answer to its next send() (event dispatch, poll bookkeeping). */
  aggDispatchUs: number;
  /** Aggregator interpreter: MAC and freshness check plus storing the reading, after the dispatch. */
  aggVerifyUs: number;
  /** Polls of one cycle kept in flight (mailboxes); the others stay free for urgent frames. */
  inFlight: number;
}

export const DEFAULT_ASSUMPTIONS: BenchAssumptions = {
  bitrate: 125000,
  isrLatencyUs: 4,
  rxServiceUs: 5,
  aggDispatchUs: 300,
  aggVerifyUs: 800,
  inFlight: 2,
};

export interface PriorityClassDef {
  name: string;
  fn: number;
}

export const CLASSES: PriorityClassDef[] = [
  { name: "alarm", fn: FN_ALARM },
  { name: "control (ack)", fn: FN_COMMAND_ACK },
  { name: "sync", fn: FN_SYNC_RESPONSE },
  { name: "measurement", fn: FN_MEAS_CURRENT_PF },
  { name: "bulk", fn: FN_BULK },
];

/** The quantity a poll cycle reads from every meter. */
export const CYCLE_FN = FN_MEAS_VOLTAGE_FREQ;

const KEY = new Uint8Array([0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c]);

interface Net {
  bus: VirtualCanBus;
  agg: BxcanModel;
  meters: BxcanModel[];
  interp: InterpreterModel;
  trace: BusTraceEvent[];
  /** Authenticated answer frame of meter `addr` for function `fn` (freshness advances per call). */
  answer(fn: number, addr: number): CanFrame;
  onAnswer: ((f: CanFrame, atUs: number) => void) | undefined;
}

function buildNet(meters: number, a: BenchAssumptions): Net {
  const bus = new VirtualCanBus({ bitrate: a.bitrate });
  const opts = { isrLatencyUs: a.isrLatencyUs, rxServiceUs: a.rxServiceUs };
  const agg = new BxcanModel(bus, "aggregator", opts);
  agg.start(a.bitrate);
  agg.addFilter({ mode: "mask", extended: false, id: 0, mask: 0, rtr: false, fifo: 0 });
  const cmac = new Cmac(nodeAes(), KEY);
  const fv: number[] = [];
  const list: BxcanModel[] = [];
  for (let i = 0; i < meters; i++) {
    const m = new BxcanModel(bus, "meter" + i, opts);
    m.start(a.bitrate);
    // One bank takes every remote frame addressed to this meter (low 6 bits = address).
    m.addFilter({ mode: "mask", extended: false, id: i, mask: 0x3f, rtr: true, fifo: 0 });
    list.push(m);
    fv.push(1000 + i * 7);
  }
  const net: Net = {
    bus: bus,
    agg: agg,
    meters: list,
    interp: new InterpreterModel(bus.scheduler),
    trace: [],
    answer: (fn, addr) => {
      const id = canId(fn, addr);
      const data4 = new Uint8Array([0x5a, addr, fn, fv[addr] & 0xff]);
      return dataFrame(id, securePayload(cmac, id, data4, fv[addr]++));
    },
    onAnswer: undefined,
  };
  bus.onTrace((e) => net.trace.push(e));
  agg.onFrame((f) => {
    if (net.onAnswer) net.onAnswer(f, bus.nowUs());
  });
  // Let every controller finish bus integration (11 recessive bits).
  bus.scheduler.advanceBy(1000);
  return net;
}

function pairWireUs(net: Net, answer: CanFrame): { remoteBits: number; answerBits: number; us: number } {
  const r = frameLayout(remoteFrame(answer.id, 8)).slotBits;
  const d = frameLayout(answer).slotBits;
  return { remoteBits: r, answerBits: d, us: (r + d) * net.bus.bitUs };
}

export interface LatencyResult {
  cls: string;
  id: number;
  /** send() of the remote frame -> end of its EOF at the meter + ISR latency (the reference's 3.6 ms). */
  toMeterIsrUs: number;
  /** send() -> answer handed to the aggregator's interpreter. */
  answerUs: number;
  /** Remote frame + answer on the wire, both with IFS. */
  wireUs: number;
}

/** One poll on an otherwise idle bus, for every priority class. */
export function idleLatency(a: BenchAssumptions, addr: number): LatencyResult[] {
  const out: LatencyResult[] = [];
  for (const c of CLASSES) {
    const net = buildNet(addr + 1, a);
    const id = canId(c.fn, addr);
    const ans = net.answer(c.fn, addr);
    net.meters[addr].setAutoReply(ans, true);
    const wire = pairWireUs(net, ans);
    let got = -1;
    net.onAnswer = (f, t) => {
      if (f.id === id) got = t;
    };
    const t0 = net.bus.nowUs();
    if (net.agg.send(remoteFrame(id, 8)) !== CAN_OK) throw new Error("poll refused");
    net.bus.scheduler.runUntilIdle(1e6);
    const rf = net.trace.find((e) => e.frame.rtr && e.frame.id === id) as BusTraceEvent;
    const remoteEof = rf.startUs + (rf.bits - 3) * net.bus.bitUs;
    out.push({ cls: c.name, id: id, toMeterIsrUs: remoteEof + a.isrLatencyUs - t0, answerUs: got - t0, wireUs: wire.us });
  }
  return out;
}

export interface CycleResult {
  meters: number;
  /** Sum over meters of remote + answer frame times (with IFS): no schedule can beat it. */
  wireLimitUs: number;
  /** First send() -> last answer handed to the interpreter. */
  cycleUs: number;
  /** Bus busy time / cycle time. */
  busLoadPct: number;
  /** Aggregator interpreter busy time / cycle time. */
  interpreterPct: number;
  answers: number;
  meanAnswerUs: number;
  maxAnswerUs: number;
  stuffBitsMean: number;
}

interface CycleRun {
  net: Net;
  result: () => CycleResult;
  startUs: number;
}

/** Starts a poll cycle of CYCLE_FN over all meters; run the scheduler, then read result(). */
function startCycle(meters: number, a: BenchAssumptions, extra?: (net: Net) => void): CycleRun {
  const net = buildNet(meters, a);
  let wireBits = 0;
  let stuff = 0;
  for (let i = 0; i < meters; i++) {
    const ans = net.answer(CYCLE_FN, i);
    net.meters[i].setAutoReply(ans, true);
    const w = pairWireUs(net, ans);
    wireBits += w.remoteBits + w.answerBits;
  }
  const sentAt: number[] = [];
  const gotAt: number[] = [];
  let next = 0;
  const t0 = net.bus.nowUs();
  const sendNext = () => {
    if (next >= meters) return;
    const id = canId(CYCLE_FN, next);
    if (net.agg.send(remoteFrame(id, 8)) === CAN_OK) {
      sentAt[next] = net.bus.nowUs();
      next++;
    }
  };
  for (let i = 0; i < a.inFlight; i++) sendNext();
  const prev = net.onAnswer;
  net.onAnswer = (f, t) => {
    if (prev) prev(f, t);
    if (f.id >= canId(CYCLE_FN, 0) && f.id <= canId(CYCLE_FN, meters - 1)) {
      gotAt[f.id - canId(CYCLE_FN, 0)] = t;
      net.interp.post(a.aggDispatchUs, sendNext);
      net.interp.post(a.aggVerifyUs, () => {});
    }
  };
  if (extra) extra(net);
  return {
    net: net,
    startUs: t0,
    result: () => {
      let last = t0;
      let sum = 0;
      let max = 0;
      let n = 0;
      for (let i = 0; i < meters; i++) {
        if (gotAt[i] === undefined) continue;
        n++;
        last = Math.max(last, gotAt[i]);
        const l = gotAt[i] - sentAt[i];
        sum += l;
        max = Math.max(max, l);
      }
      const cycle = last - t0;
      let busy = 0;
      for (const e of net.trace) {
        if (e.startUs >= last) continue;
        busy += Math.min(e.endUs, last) - Math.max(e.startUs, t0);
        if (e.kind === "frame") stuff += e.stuffBits;
      }
      return {
        meters: meters,
        wireLimitUs: wireBits * net.bus.bitUs,
        cycleUs: cycle,
        busLoadPct: (100 * busy) / cycle,
        interpreterPct: (100 * Math.min(net.interp.busyUs, cycle)) / cycle,
        answers: n,
        meanAnswerUs: n ? sum / n : NaN,
        maxAnswerUs: max,
        stuffBitsMean: stuff / Math.max(1, net.trace.filter((e) => e.kind === "frame").length),
      };
    },
  };
}

export function pollCycle(meters: number, a: BenchAssumptions): CycleResult {
  const run = startCycle(meters, a);
  run.net.bus.scheduler.runUntilIdle(10e6);
  return run.result();
}

/**
 * A poll of each class for the last meter, issued into the spare mailbox 40 % into
 * a running cycle of `meters` meters (the other mailboxes carry the cycle).
 */
export function loadedLatency(meters: number, a: BenchAssumptions): LatencyResult[] {
  const out: LatencyResult[] = [];
  const addr = meters - 1;
  for (const c of CLASSES) {
    const id = canId(c.fn, addr);
    let t0 = -1;
    let got = -1;
    let wire = 0;
    const run = startCycle(meters, a, (net) => {
      const ans = net.answer(c.fn, addr);
      wire = pairWireUs(net, ans).us;
      const prev = net.onAnswer;
      net.onAnswer = (f, t) => {
        if (prev) prev(f, t);
        if (f.id === id && got < 0 && t0 >= 0) got = t;
      };
      const cycleGuess = meters * wire;
      net.bus.scheduler.at(net.bus.nowUs() + 0.4 * cycleGuess, () => {
        net.meters[addr].setAutoReply(ans, true);
        t0 = net.bus.nowUs();
        if (net.agg.send(remoteFrame(id, 8)) !== CAN_OK) throw new Error("no spare mailbox for the urgent poll");
      });
    });
    run.net.bus.scheduler.runUntilIdle(10e6);
    const rf = run.net.trace.find((e) => e.frame.rtr && e.frame.id === id && e.startUs >= t0) as BusTraceEvent;
    const eof = rf.startUs + (rf.bits - 3) * run.net.bus.bitUs;
    out.push({ cls: c.name, id: id, toMeterIsrUs: eof + a.isrLatencyUs - t0, answerUs: got - t0, wireUs: wire });
  }
  return out;
}
