// Real-interpreter bench (run.sh): BENCH_N publishes of the 7 polled measurement answers
// through MeterLink.publish, the device's path (values by name -> rows -> one native
// secocPublish), over a controller whose SecOC is native (stubCan: costs nothing here).
import { MeterLink } from "../../../modules/link/meterLink";
import { sampleReadings } from "../../../modules/can/testing/network";
import { stubCan, memoryStore } from "./stubCan";

declare const BENCH_N: number;
declare let result: number;
const can = stubCan();
const link = new MeterLink({ can: can, address: 5, key16: new Uint8Array(16), store: memoryStore(), log: function () {}, relay: function () { return true; }, publishEvery: 1 });
const values = sampleReadings(5, 1);
for (let i = 0; i < BENCH_N; i++) link.publish(values);
result = link.started === 0 && link.errors === 0 && link.windows === BENCH_N ? 1 : 0;
