// Real-interpreter bench (run.sh): an aggregator with 64 meters, all synchronised;
// BENCH_N poll answers = a remote frame sent + a verified answer handled in JavaScript
// (the controller verified it in C: stubCan), round-robin over the meters.
import { AggregatorNode } from "../../../modules/can/aggregatorNode";
import { stubCan, memoryStore } from "./stubCan";

declare const BENCH_N: number;
declare let result: number;
const addresses: number[] = [];
for (let a = 0; a < 64; a++) addresses.push(a);
const node = new AggregatorNode({ masterKey16: new Uint8Array(16), can: stubCan(), store: memoryStore(), log: function () {}, addresses: addresses });
node.start();
// MeterEpoch 2: every meter synchronised.
for (let a = 0; a < 64; a++) node.handleSecured(0x100 + a, 0, 0, 2, 0, 0);
let readings = 0;
node.onReading = function () { readings++; };
// 230.00 V, 50.000 Hz, as the controller decodes them
for (let i = 0; i < BENCH_N; i++) {
  const a = i % 64;
  node.poll(a, 6);
  node.handleSecured(0x180 + a, 0, 2 * 65536 + i, 230, 50, 0);
}
result = readings === BENCH_N ? 1 : 0;
