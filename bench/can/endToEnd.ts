/**
 * The poll cycle with the protocol engineer's code in the loop: modules/can MeterNode,
 * AggregatorNode and Poller (through modules/can/testing/network.ts) on the bit-timed
 * bus. Meters answer from auto-reply slots they fill themselves (publish), the
 * aggregator verifies every answer (AES-CMAC, freshness) before the Poller sends the
 * next poll. The aggregator's interpreter time per received frame is charged by
 * InterpretedController; the meters' is not needed on this path.
 */
import { nodeAes } from "../../host/ports/aes.ts";
import { MemoryKvStore } from "../../host/ports/kvStore.ts";
import { virtualBusPorts } from "../../host/canbus/networkPorts.ts";
import { frameLayout } from "../../host/canbus/frameBits.ts";
import type { BusTraceEvent } from "../../host/canbus/bus.ts";
import { TestNetwork } from "../../modules/can/testing/network.ts";
import { Poller, type PollResult } from "../../modules/can/poller.ts";
import type { Reading } from "../../modules/can/aggregatorNode.ts";
import { FN_MEAS_VOLTAGE_FREQ, functionOf } from "../../modules/can/idPlan.ts";
import { InterpreterModel } from "./interpreter.ts";
import { InterpretedController } from "./interpretedController.ts";
import { rejectTotal } from "../../modules/can/rejects.ts";

export interface EndToEndResult {
  meters: number;
  synced: number;
  answered: number;
  wireLimitUs: number;
  cycleUs: number;
  /** First poll -> last answer verified by the aggregator (its interpreter time included). */
  verifiedUs: number;
  meanLatencyMs: number;
  maxLatencyMs: number;
  rejects: number;
}

export function endToEndCycle(meters: number, aggCostUs: number, maxInFlight: number): EndToEndResult {
  const lines: string[] = [];
  const v = virtualBusPorts(nodeAes(), () => new MemoryKvStore(), (l) => lines.push(l));
  const interp = new InterpreterModel(v.bus.scheduler);
  const plain = v.ports.newController;
  v.ports.newController = (name: string) => {
    const c = plain(name);
    return name === "aggregator" ? new InterpretedController(c, interp, aggCostUs) : c;
  };
  const addresses: number[] = [];
  for (let a = 0; a < meters; a++) addresses.push(a);
  const net = new TestNetwork(v.ports, addresses);
  net.publish(0);
  net.run(400 + 20 * meters, 1);
  let synced = 0;
  for (const a of addresses) if (net.aggregator.isSynced(a)) synced++;

  // A cycle of its own: one Poller entry per meter for voltage/frequency, all due now.
  const clock = v.ports.clock;
  const poller = new Poller(net.aggregator, clock, { capacity: meters, maxInFlight: maxInFlight, staleAfterPeriods: 3, syncRetryMs: 200, syncAfterMisses: 2 });
  const results: PollResult[] = [];
  let verifiedAtUs = 0;
  poller.onResult = (r) => {
    results.push(r);
    verifiedAtUs = v.bus.scheduler.nowUs();
  };
  net.aggregator.onReading = (r: Reading) => poller.answer(r.address, r.fn);
  // Let the old schedule's in-flight polls drain, then fill the slots for this window.
  v.ports.advance(50);
  net.publish(1);
  const trace: BusTraceEvent[] = [];
  v.bus.onTrace((e) => trace.push(e));
  const t0 = v.bus.scheduler.nowUs();
  // once each: the longest period the poller keeps (65.5 s) is far past this window
  for (const a of addresses) poller.add(a, FN_MEAS_VOLTAGE_FREQ, 65535, 10, 50, 2);
  poller.tick();
  let last = t0;
  for (let i = 0; i < 2000 && results.length < meters; i++) {
    v.ports.advance(1);
    poller.tick();
  }
  let wireBits = 0;
  for (const e of trace) {
    if (e.kind !== "frame" || functionOf(e.frame.id) !== FN_MEAS_VOLTAGE_FREQ) continue;
    wireBits += frameLayout(e.frame).slotBits;
    if (!e.frame.rtr) last = Math.max(last, e.endUs);
  }
  const ok = results.filter((r) => r.ok);
  return {
    meters: meters,
    synced: synced,
    answered: ok.length,
    wireLimitUs: wireBits * v.bus.bitUs,
    // the last answer's IFS end: the bus is free for the next cycle
    cycleUs: last - t0,
    verifiedUs: verifiedAtUs - t0,
    meanLatencyMs: ok.reduce((s, r) => s + r.latencyMs, 0) / Math.max(1, ok.length),
    maxLatencyMs: ok.reduce((m, r) => Math.max(m, r.latencyMs), 0),
    rejects: rejectTotal(net.aggregator.rejects),
  };
}
