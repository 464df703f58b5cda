/** NetworkPorts on the loopback bus (device-safe; tests add the Node AES and store). */
import { Aes128 } from "../../ports/aes";
import { KvStore } from "../../ports/kvStore";
import { CanController } from "../controller";
import { SecuredCanController } from "../secured";
import { LoopbackBus, LoopbackNode } from "./loopbackBus";
import { NetworkPorts, StepClock } from "./network";

/**
 * `secure` adds SecOC framing to a loopback node (on the host: securedController of
 * host/canbus/secocLayer.ts, the boards' C through the addon).
 */
export function loopbackPorts(aes: Aes128, newStore: () => KvStore, log: (l: string) => void, secure: (c: CanController) => SecuredCanController): { ports: NetworkPorts; bus: LoopbackBus; nodes: LoopbackNode[] } {
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
      return secure(n);
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
