// Real-interpreter bench (run.sh): BENCH_N publishes of the 7 polled measurement answers
// (alarm armed at start) by MeterNode over a controller whose SecOC is native (stubCan).
import { MeterNode } from "../../../modules/can/meterNode";
import { sampleReadings } from "../../../modules/can/testing/network";
import { stubCan, memoryStore } from "./stubCan";

declare const BENCH_N: number;
declare let result: number;
const node = new MeterNode({
  address: 5, key16: new Uint8Array(16), can: stubCan(), store: memoryStore(), log: function () {},
  actions: { disconnectLoad: function () { return true; }, reconnectLoad: function () { return true; }, setTouStart: function () { return true; }, setTime: function () {} },
});
node.start();
const values = sampleReadings(5, 1);
let armed = 0;
for (let i = 0; i < BENCH_N; i++) armed += node.publish(values);
result = armed === 7 * BENCH_N ? 1 : 0;
