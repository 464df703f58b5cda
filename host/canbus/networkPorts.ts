/**
 * NetworkPorts (modules/can/testing/network.ts) on the bit-timed virtual bus: the
 * protocol engineer's TestNetwork (MeterNode, AggregatorNode, Poller) runs unchanged
 * with a bxCAN model per node, real frame timing and the bus's fault injection.
 */
import type { Aes128 } from "../../modules/ports/aes.ts";
import type { KvStore } from "../../modules/ports/kvStore.ts";
import type { NetworkPorts } from "../../modules/can/testing/network.ts";
import { VirtualCanBus } from "./bus.ts";
import { BxcanModel, type BxcanModelOptions } from "./bxcanModel.ts";

export interface VirtualBusPorts {
  ports: NetworkPorts;
  bus: VirtualCanBus;
  controllers: BxcanModel[];
}

export function virtualBusPorts(aes: Aes128, newStore: () => KvStore, log: (l: string) => void, bitrate?: number, model?: BxcanModelOptions): VirtualBusPorts {
  const rate = bitrate !== undefined ? bitrate : 125000;
  const bus = new VirtualCanBus({ bitrate: rate });
  const controllers: BxcanModel[] = [];
  const ports: NetworkPorts = {
    aes: aes,
    newStore: newStore,
    newController: (name: string) => {
      const c = new BxcanModel(bus, name, model);
      c.start(rate);
      controllers.push(c);
      return c;
    },
    advance: (ms: number) => {
      bus.scheduler.advanceBy(ms * 1000);
    },
    clock: { nowMs: () => bus.scheduler.nowUs() / 1000 },
    log: log,
  };
  return { ports: ports, bus: bus, controllers: controllers };
}
