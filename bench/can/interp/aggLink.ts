// Real-interpreter bench (run.sh): the aggregator's whole CAN path with 64 meters for
// BENCH_N seconds of device time, as the app runs it since the link moved to C
// (boards/STM32F107/aglink): the poll schedule, the verification of every answer and
// the latest-value table run in C behind CAN1 and cost JavaScript nothing; JavaScript
// ticks once a second (TICK_MS), reads rows of meters with news (here, as the C gives
// them with every meter answering: each meter's energy registers every 5 s, so about 13
// rows a second), joins them into the Aggregator's store (app/aggregator's wiring,
// rowReadings.ts), and runs the Aggregator's own tick. The link's C is measured on its
// own (bench/can/aglink). Device time is virtual: the figure is per second of it.
// The bench before the move (the link ticked every 10 ms in JavaScript, every answer
// handled in JavaScript) is this file at 7ebf9a8: run that commit's run.sh.
import { AggregatorLink, TICK_MS, ROW_LEN, COL_P_IMPORT, COL_P_EXPORT, COL_E_IMPORT, COL_E_EXPORT, COL_ALARM } from "../../../modules/link/aggregatorLink";
import { LinkCanController, ROW_ADDRESS, ROW_TRIGGER, ROW_OK, ROW_MISS, ROW_LAST_OK } from "../../../modules/link/linkPort";
import { rowReadings } from "../../../modules/link/rowReadings";
import { benchAggregator } from "./site64";
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
const agg = benchAggregator(METERS);
// The controller: SecOC and the link's C cost nothing here. linkRows gives what the C
// gives with every meter answering: meter a's energy registers in the seconds where
// a % 5 matches, written into the caller's (reused) buffer: address and registers only,
// the other columns stay as the first call left them, so the stub itself costs little.
const can = stubCan() as LinkCanController;
let second = 0;
let next = 0;
let filled = false;
can.linkInit = function () { return 0; };
can.linkPlan = function () { return 0; };
can.linkStart = function () { return 0; };
can.linkCommand = function () { return 0; };
can.linkCounters = function () { return 22; };
can.linkMeter = function (a: number, out: Uint32Array) { out[4] = 1; };
can.linkRows = function (fns: Uint8Array, fresh: number, changed: number, out: Float64Array) {
  const rows = Math.floor(out.length / ROW_LEN);
  if (!filled) {
    for (let k = 0; k < rows; k++) {
      const b = k * ROW_LEN;
      out[b + ROW_TRIGGER] = fresh & ((1 << 9) | (1 << 10));
      out[b + ROW_OK] = 5; out[b + ROW_MISS] = 0; out[b + ROW_LAST_OK] = 1;
      out[b + COL_P_IMPORT] = 950; out[b + COL_P_EXPORT] = 0; out[b + COL_ALARM] = 0;
    }
    filled = true;
  }
  let n = 0;
  // only the meters whose registers are due (a % 5 === second % 5, from oneSecond): the
  // C gives these rows without looking at the others in JavaScript, so the stub should not
  while (n < rows && next < METERS) {
    const a = next;
    next += 5;
    const b = n * ROW_LEN;
    out[b + ROW_ADDRESS] = a;
    out[b + COL_E_IMPORT] = 1000 + second;
    out[b + COL_E_EXPORT] = 10;
    n++;
  }
  return n;
};
const addresses: number[] = [];
for (let a = 0; a < METERS; a++) addresses.push(a);
let rowsSeen = 0;
const join = rowReadings(agg, nowS, function () {});
const link = new AggregatorLink({
  can: can, masterKey16: new Uint8Array(16), addresses: addresses, store: memoryStore(), clock: clock, log: function () {},
  onRows: mode & 1 ? function (rows: Float64Array, n: number) { rowsSeen += n; } : function (rows: Float64Array, n: number) { rowsSeen += n; join(rows, n); },
});
// Every meter synchronised: the sync responses are the C's (aglinkCommands.c), as are the
// answers; linkMeter says synchronised.
function oneSecond(): void {
  next = second % 5;
  link.tick();
  nowMs += TICK_MS;
  second++;
  if (!(mode & 2)) agg.tick(nowS());
}
// Warm-up, as the bench before the move: 10 s.
for (let s = 0; s < 10; s++) oneSecond();
const before = rowsSeen;
for (let i = 0; i < BENCH_N; i++) oneSecond();
const perS = (rowsSeen - before) / Math.max(1, BENCH_N);
print("rows per device second: " + perS);
result = BENCH_N === 0 || (perS >= 12 && perS <= 13) ? 1 : 0;
