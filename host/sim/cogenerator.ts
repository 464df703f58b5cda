/**
 * The simulated co-generator (a CHP unit): a node of its own on the virtual bus, with
 * its own address and a BxcanModel, that answers the aggregator's COGEN_STATUS polls
 * (modules/can: function 13, CoState and CoPowerW). It runs the same MeterNode as a
 * meter's bundle, so its answers are authenticated exactly like a meter's: its key is
 * meterKey(master, address), it answers the aggregator's synchronisation, and it re-arms
 * its auto-reply slot with a fresh freshness value and CMAC every second.
 *
 * Host-side TypeScript rather than an Espruino bundle: a co-generator's controller is
 * not a meternet device, it only has to speak the protocol on the bus.
 *
 * Its daily schedule (local time of the site) is heat-led: off at night, a 10-minute
 * start at 05:50, running 06:00-22:00 with an output that follows the heat demand
 * (4.0-5.5 kW, changing every 15 minutes), and a 20-minute fault at 14:00.
 */
import type { VirtualClock, TimerSource } from "../runtime/clock.ts";
import type { VirtualCanBus } from "../canbus/index.ts";
import { BxcanModel } from "../canbus/index.ts";
import { MeterNode, publishValues } from "../../modules/can/meterNode.ts";
import { meterKey } from "../../modules/can/kdf.ts";
import { BITRATE } from "../../modules/link/config.ts";
import { MemoryKvStore } from "../ports/kvStore.ts";
import type { KvStore } from "../../modules/ports/kvStore.ts";
import { nodeAes } from "../ports/aes.ts";
import { hash01 } from "./appliances.ts";

/** CO_STATES of modules/aggregator/aggregator.ts: the CoState values on the wire. */
export const CO_OFF = 1, CO_STARTING = 2, CO_RUNNING = 3, CO_FAULT = 4;
export const CO_NAMES = ["unknown", "off", "starting", "running", "fault"];

/** State and output at local second of day `sod` of day `day`. */
export function cogenAt(sod: number, day: number): { state: number; powerW: number } {
  const h = sod / 3600;
  if (h < 5 + 50 / 60 || h >= 22) return { state: CO_OFF, powerW: 0 };
  if (h < 6) return { state: CO_STARTING, powerW: Math.round(((sod - 21000) / 600) * 2000) };
  if (h >= 14 && h < 14 + 20 / 60) return { state: CO_FAULT, powerW: 0 };
  // heat demand: higher in the morning and evening, a little noise per quarter hour
  const demand = 0.5 + 0.5 * Math.cos(((h - 7) / 24) * 2 * Math.PI) * (h < 12 ? 1 : 0.6);
  const q = Math.floor(sod / 900) + day * 96;
  return { state: CO_RUNNING, powerW: Math.round(4000 + 1500 * Math.min(1, Math.max(0, demand * 0.8 + 0.2 * hash01(q, 77)))) };
}

export class SimCogenerator implements TimerSource {
  readonly can: BxcanModel;
  readonly node: MeterNode;
  published = 0;
  state = 0;
  powerW = 0;
  private nextMs: number;
  private readonly sub: { detach(): void };

  /**
   * `startOfDayS`: local second of day at clock 0 (as the meters' appliances);
   * `log` gets the node's protocol lines.
   */
  constructor(bus: VirtualCanBus, readonly clock: VirtualClock, master: Uint8Array, readonly address: number, readonly startOfDayS: number, log: (line: string) => void, store?: KvStore) {
    const aes = nodeAes();
    this.can = new BxcanModel(bus, "cogenerator");
    const refuse = () => false;
    this.node = new MeterNode({
      address, key16: meterKey(aes, master, address), can: this.can, store: store || new MemoryKvStore(), log,
      // a co-generator takes no relay or tariff commands from the meter protocol
      actions: { disconnectLoad: refuse, reconnectLoad: refuse, setTouStart: refuse, setTime: () => {} },
    });
    const started = this.can.start(BITRATE);
    if (started !== 0 || this.node.start() !== 0) throw new Error("co-generator: CAN start failed (" + started + ")");
    this.nextMs = clock.nowMs();
    this.sub = clock.subscribe(this);
  }

  nextDueMs(): number {
    return this.nextMs;
  }

  /** Once a second: the status of now, authenticated into the auto-reply slot. */
  runDue(): void {
    const tS = this.startOfDayS + this.clock.nowMs() / 1000;
    const day = Math.floor(tS / 86400);
    const s = cogenAt(tS - day * 86400, day);
    this.state = s.state;
    this.powerW = s.powerW;
    publishValues(this.node, { CoState: s.state, CoPowerW: s.powerW });
    this.published++;
    this.nextMs += 1000;
  }

  stop(): void {
    this.sub.detach();
    this.can.stop();
  }
}
