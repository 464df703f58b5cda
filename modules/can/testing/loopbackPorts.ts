/** NetworkPorts on the loopback bus (device-safe; tests add the Node AES and store). */
import { Aes128 } from "../../ports/aes";
import { KvStore } from "../../ports/kvStore";
import { LoopbackBus, LoopbackNode } from "./loopbackBus";
import { NetworkPorts, StepClock } from "./network";

export function loopbackPorts(aes: Aes128, newStore: () => KvStore, log: (l: string) => void): { ports: NetworkPorts; bus: LoopbackBus; nodes: LoopbackNode[] } {
  const bus = new LoopbackBus();
  const clock = new StepClock();
  const nodes: LoopbackNode[] = [];
  const ports: NetworkPorts = {
    aes: aes,
    newStore: newStore,
    newController: function (name: string) {
      const n = bus.attach(name);
      n.start(125000);
      nodes.push(n);
      return n;
    },
    advance: function (ms: number) {
      clock.t += ms;
      bus.run();
    },
    clock: clock,
    log: log,
  };
  return { ports: ports, bus: bus, nodes: nodes };
}
