// The CanController contract (host/canbus/controllerContract.ts) on the device's C CAN
// driver over the register fakes (the C that CAN1 runs), its peer a LoopbackNode. The
// bus carries frames in send order; between the driver's own mailboxes the hardware
// model picks the lowest identifier (TXFP=0), which the arbitration check relies on.
import { runControllerContract } from "../canbus/controllerContract.ts";
import { LoopbackBus } from "../../modules/can/testing/loopbackBus.ts";
import { CanDriverOnFakes } from "./canDriver.ts";

runControllerContract("canDriver.c over the bxCAN register fakes", () => {
  const bus = new LoopbackBus();
  const ctl = new CanDriverOnFakes();
  ctl.attachTo(bus);
  const peer = bus.attach("peer");
  return {
    ctl,
    peer,
    bitrate: 125000,
    settle: () => {
      // the peer's queued frames first (they were on the wire), then the driver's mailboxes, until quiet
      for (let k = 0; k < 100; k++) {
        const moved = bus.run();
        ctl.flush();
        if (moved === 0 && bus.run() === 0) break;
      }
    },
  };
});
