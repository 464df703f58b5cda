// The CanController contract (host/canbus/controllerContract.ts) on the protocol tests'
// untimed LoopbackNode: filters, auto-reply slots, states and refusals as every other
// implementation; mailboxes and arbitration order are bus-time behaviour it does not model.
import { runControllerContract } from "../../../host/canbus/controllerContract.ts";
import { LoopbackBus } from "./loopbackBus.ts";

runControllerContract("LoopbackNode (untimed test bus)", () => {
  const bus = new LoopbackBus();
  return { ctl: bus.attach("dut"), peer: bus.attach("peer"), bitrate: 125000, settle: () => void bus.run() };
}, { timed: false });
