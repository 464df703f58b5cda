/**
 * Test harness: one aggregator and some meters on a CAN bus, with a manual clock.
 * Device-safe (ports are passed in) so protocol tests can run it on any bus whose
 * nodes implement CanController: the loopback fake here, or host/canbus.
 */
import { SecuredCanController } from "../secured";
import { Aes128 } from "../../ports/aes";
import { KvStore } from "../../ports/kvStore";
import { Clock } from "../../ports/clock";
import { meterKey } from "../kdf";
import { MeterNode, MeterActions, publishValues } from "../meterNode";
import { AggregatorNode, Reading } from "../aggregatorNode";
import { Poller, PollResult } from "../poller";
import { CommandSender } from "../commands";
import { MESSAGES } from "../messages";
import { SignalValues } from "../messageCodec";
import { FN_ALARM, FN_COGEN_STATUS } from "../idPlan";

export class StepClock implements Clock {
  t = 0;
  nowMs(): number { return this.t; }
}

/** A meter's actuators, recorded. */
export class RecordingActions implements MeterActions {
  connected = true;
  disconnects = 0;
  reconnects = 0;
  tou: number[][] = [];
  timeS = -1;
  disconnectLoad(): boolean { this.disconnects++; this.connected = false; return true; }
  reconnectLoad(): boolean { this.reconnects++; this.connected = true; return true; }
  setTouStart(tariff: number, minute: number): boolean { this.tou.push([tariff, minute]); return true; }
  setTime(s: number): void { this.timeS = s; }
}

export interface NetworkPorts {
  aes: Aes128;
  newStore: () => KvStore;
  /** A started controller attached to the bus, with SecOC framing (host: the boards' C through the addon). */
  newController: (name: string) => SecuredCanController;
  /** Lets the bus carry what is queued; `ms` of simulated time pass. */
  advance: (ms: number) => void;
  clock: Clock;
  log: (line: string) => void;
}

export const MASTER_KEY = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);

export function sampleReadings(address: number, window: number): SignalValues {
  return {
    U_L1: 230 + address * 0.01 + window * 0.1, Freq: 50 + window * 0.001, I_L1: 5 + address * 0.001, PF: 0.95,
    P_import: 1000 + window, P_export: 0, E_import: 123456 + window, E_export: 10, THD_U_L1: 2.5, THD_I_L1: 8.25,
    S: 1100, Q_import: 300, QualityFlags: window === 0 ? 0x0008 : 0, QualitySince: window === 0 ? 0x0008 : 0x0002,
  };
}

export class TestNetwork {
  readonly p: NetworkPorts;
  readonly meters: MeterNode[] = [];
  readonly meterCans: SecuredCanController[] = [];
  readonly actions: RecordingActions[] = [];
  readonly meterStores: KvStore[] = [];
  readonly addresses: number[];
  aggregator!: AggregatorNode;
  aggCan!: SecuredCanController;
  aggStore: KvStore;
  poller!: Poller;
  commands!: CommandSender;
  readings: Reading[] = [];
  results: PollResult[] = [];

  constructor(p: NetworkPorts, addresses: number[]) {
    this.p = p;
    this.addresses = addresses;
    this.aggStore = p.newStore();
    for (let i = 0; i < addresses.length; i++) {
      this.meterStores.push(p.newStore());
      this.actions.push(new RecordingActions());
      this.meterCans.push(p.newController("meter" + addresses[i]));
      this.meters.push(this.makeMeter(i));
    }
    this.startAggregator();
  }

  private makeMeter(i: number): MeterNode {
    const a = this.addresses[i];
    const clock = this.p.clock;
    const m = new MeterNode({
      address: a, key16: meterKey(this.p.aes, MASTER_KEY, a), can: this.meterCans[i],
      store: this.meterStores[i], log: this.p.log, actions: this.actions[i],
      nowMs: function () { return clock.nowMs(); },
    });
    if (m.start() !== 0) throw new Error("meter " + a + " did not start");
    return m;
  }

  /** Simulates a meter reset: same controller and flash, fresh RAM. */
  rebootMeter(i: number): MeterNode {
    this.meterCans[i].stop();
    this.meterCans[i].start(125000);
    for (let b = 0; b < 14; b++) this.meterCans[i].removeFilter(b);
    this.meters[i] = this.makeMeter(i);
    return this.meters[i];
  }

  /** Starts (or restarts, keeping its flash) the aggregator with a poll entry per meter and message. */
  startAggregator(): void {
    if (this.aggCan === undefined) this.aggCan = this.p.newController("aggregator");
    else {
      this.aggCan.stop();
      this.aggCan.start(125000);
      for (let b = 0; b < 14; b++) this.aggCan.removeFilter(b);
    }
    const agg = new AggregatorNode({ masterKey16: MASTER_KEY, can: this.aggCan, store: this.aggStore, log: this.p.log, addresses: this.addresses });
    if (agg.start() !== 0) throw new Error("aggregator did not start");
    const poller = new Poller(agg, this.p.clock, { capacity: 16 * this.addresses.length, maxInFlight: 3, staleAfterPeriods: 3, syncRetryMs: 200, syncAfterMisses: 2 });
    for (let i = 0; i < this.addresses.length; i++) {
      for (let k = 0; k < MESSAGES.length; k++) {
        const m = MESSAGES[k];
        if (m.polled && m.fn !== FN_COGEN_STATUS) poller.add(this.addresses[i], m.fn, m.fn === FN_ALARM ? 2000 : 1000, m.fn === FN_ALARM ? 0 : 10, 50, 2);
      }
    }
    const commands = new CommandSender(agg, this.p.clock, 100, 2);
    const self = this;
    agg.onReading = function (r: Reading) { self.readings.push(r); poller.answer(r.address, r.fn); };
    agg.onAck = function (a, code, status, fv) { commands.ack(a, code, status, fv); };
    agg.onSynced = function (a: number) { poller.synced(a); };
    poller.onResult = function (r: PollResult) { self.results.push(r); };
    this.aggregator = agg;
    this.poller = poller;
    this.commands = commands;
  }

  /** Every meter publishes window `w`'s readings. */
  publish(w: number): void {
    for (let i = 0; i < this.meters.length; i++) publishValues(this.meters[i], sampleReadings(this.addresses[i], w));
  }

  /** Runs `ms` of time in `stepMs` steps: ticks the poller and command sender, lets the bus carry. */
  run(ms: number, stepMs: number): void {
    for (let t = 0; t < ms; t += stepMs) {
      this.poller.tick();
      this.commands.tick();
      this.p.advance(stepMs);
    }
  }
}
