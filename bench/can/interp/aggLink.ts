// Real-interpreter bench (run.sh): the aggregator's whole CAN path with 64 meters for
// BENCH_N seconds of device time: the link ticked every 10 ms as the app does (poller
// timeouts, scheduling, remote frames), every poll answered at once with a frame the
// controller verified in C (stubCan), each reading joined into the Aggregator's store
// (app/aggregator's wiring), and the Aggregator's own tick once a second. Device time is
// virtual: the figure is per second of it, whatever valgrind's speed.
import { AggregatorLink, TICK_MS } from "../../../modules/link/aggregatorLink";
import { Aggregator } from "../../../modules/aggregator/aggregator";
import { canReadingJoiner } from "../../../modules/aggregator/canReadings";
import { SecuredCanController } from "../../../modules/can/secured";
import { CanFrame } from "../../../modules/can/frame";
import { stubCan, memoryStore } from "./stubCan";

declare const BENCH_N: number;
// For finding where the time goes by hand: bit 1 leaves the store out, bit 2 the Aggregator's tick.
declare const BENCH_MODE: number;
const mode = typeof BENCH_MODE === "number" ? BENCH_MODE : 0;
declare let result: number;
declare function print(text: string): void;
const METERS = 64;
let nowMs = 1.7e12;
const clock = { nowMs: function () { return nowMs; } };
const nowS = function () { return Math.floor(nowMs / 1000); };
const meters = [];
for (let a = 0; a < METERS; a++) meters.push({ address: a, name: "meter " + a, household: "house " + (a >> 2), keyId: a, hasRelay: a % 4 === 2, priority: 9 });
const agg = new Aggregator({
  maxMeters: METERS, tz: { stdOffsetS: 3600, euDst: true }, importAdderMc: 12000, exportTariffMc: 5000, defaultPriceMc: 10000,
  limitW: 1e9, holdS: 300, saveIntervalS: 1e9, meters: meters,
}, memoryStore(), { sendCommand: function () { return 0; } });
// The controller: remote frames sent are remembered and answered after the tick.
const base = stubCan();
const asked: number[] = [];
const can: SecuredCanController = base;
can.send = function (f: CanFrame) { if (f.rtr) asked.push(f.id); return 0; };
const addresses: number[] = [];
for (let a = 0; a < METERS; a++) addresses.push(a);
const link = new AggregatorLink({ can: can, masterKey16: new Uint8Array(16), addresses: addresses, store: memoryStore(), clock: clock, log: function () {}, onReading: mode & 1 ? function () {} : canReadingJoiner(agg, nowS) });
// MeterEpoch 2: every meter synchronised (a SYNC_RESPONSE each).
for (let a = 0; a < METERS; a++) link.node.handleSecured(0x100 + a, 0, 0, 2, 0, 0);
const fv = new Float64Array(METERS);
let answers = 0;
function second(): void {
  for (let t = 0; t < 1000; t += TICK_MS) {
    link.tick();
    while (asked.length) {
      const id = asked.shift() as number;
      const a = id & 63;
      link.node.handleSecured(id, 0, 2 * 65536 + fv[a]++, 230, 50, 0);
      answers++;
    }
    nowMs += TICK_MS;
  }
  if (!(mode & 2)) agg.tick(nowS());
}
// Warm-up: every entry polled once, the schedule in its steady state.
for (let s = 0; s < 10; s++) second();
const before = answers;
for (let i = 0; i < BENCH_N; i++) second();
// 3.6 polls a meter a second on average (PLAN in modules/link/aggregatorLink.ts); a window
// shorter than the longest period (10 s) sees 3.0..4.5 of them
const perS = (answers - before) / Math.max(1, BENCH_N);
print("answers per device second: " + perS);
result = BENCH_N === 0 || (perS >= 3.0 * METERS && perS <= 4.5 * METERS) ? 1 : 0;
