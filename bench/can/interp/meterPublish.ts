// Real-interpreter bench (run.sh): BENCH_N publishes of the 7 polled measurement answers
// through MeterLink.publish, the device's path (a reading's values straight into the
// signal rows -> one native secocPublish), over a controller whose SecOC is native
// (stubCan: costs nothing here).
import { MeterLink } from "../../../modules/link/meterLink";
import { stubCan, memoryStore } from "./stubCan";

declare const BENCH_N: number;
declare let result: number;
const can = stubCan();
const link = new MeterLink({ can: can, address: 5, key16: new Uint8Array(16), store: memoryStore(), log: function () {}, relay: function () { return true; }, publishEvery: 1 });
const reading = { vRmsV: 230.1, fHz: 50.001, iRmsA: 5.005, pf: 0.95, pW: 1001, qVar: 300, sVA: 1100, thdVPct: 2.5, thdIPct: 8.25, flags: 0, flagsSince: 2 };
for (let i = 0; i < BENCH_N; i++) link.publish(reading, 123457, 10);
result = link.started === 0 && link.errors === 0 && link.windows === BENCH_N ? 1 : 0;
