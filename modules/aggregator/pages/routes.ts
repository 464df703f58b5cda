/**
 * The routes with every module in process: Node's server (host/web), the contract
 * tests. The device loads each module from Storage instead (routeTable.ts,
 * app/aggregator/main.ts); both go through the same table.
 */
import { Route } from "../../http/types";
import { WebApp } from "./webApp";
import { lazyRoutes, RouteModule, M_READ, M_BILL, M_CONTROL, M_SESSION, M_OTA } from "./routeTable";
import { readModule } from "./api";
import { billModule } from "./bill";
import { controlModule } from "./actions";
import { sessionModule } from "./session";
import { otaRoutes, OtaDevice } from "../../ota/aggregatorOta";

export { PRICE_BODY } from "./routeTable";

const IN_PROCESS: { [name: string]: RouteModule } = {};
IN_PROCESS[M_READ] = readModule;
IN_PROCESS[M_BILL] = billModule;
IN_PROCESS[M_CONTROL] = controlModule;
IN_PROCESS[M_SESSION] = sessionModule;
// Node's server has no CAN1 or NOR: the OTA API answers "not available" unless given a
// stand-in (host/web/fakeSite.ts); the simulator runs the device's route.ota
const NO_OTA = otaRoutes({ ota: null, masterKey: () => null, readState: () => undefined, writeState: () => false });

export function routes(app: WebApp, ota?: OtaDevice): (methodAndPath: string) => Route | undefined {
  const withOta = ota ? otaRoutes(ota) : NO_OTA;
  return lazyRoutes(app, (name) => (name === M_OTA ? withOta : IN_PROCESS[name]));
}
