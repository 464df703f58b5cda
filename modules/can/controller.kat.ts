import { KatSuite } from "../selftest/katSuite";
import { deviceCan } from "../ports/device/can";
import { BITRATE } from "../link/config";
import { soloChecks } from "./testing/controllerChecks";
import type { CanController } from "./controller";

/**
 * The CanController contract on this device's CAN1, alone: the behaviours one
 * controller shows without a second node (modules/can/testing/controllerChecks.ts, the
 * same checks host/canbus/controllerContract.ts runs on every host implementation).
 * CAN1 is the native hook on the device, the prelude's stand-in on Espruino's Linux
 * interpreter (test/realInterpreter/runSelftest.ts), a BxcanModel in the host runtime
 * (host/sim/selftestCan.test.ts). Started at the network's rate and never sending a
 * valid frame, so it is safe on a live bus. A firmware without the CAN hook skips them,
 * saying so.
 */
export function registerKats(suite: KatSuite): void {
  let can: CanController;
  try {
    can = deviceCan();
  } catch (e) {
    suite.skip("CAN1 controller contract", (e as Error).message);
    return;
  }
  const checks = soloChecks();
  for (let i = 0; i < checks.length; i++) {
    const c = checks[i];
    suite.check("CAN1 " + c.name, () => { c.run(can, BITRATE); });
  }
}
