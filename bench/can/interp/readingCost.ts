// Real-interpreter micro-bench (bench/aggregator/reading.sh; bundled here with the other
// entries): the JavaScript of one meter reading on its way into the store, 64 meters
// registered. BENCH_MODE 0: a MeterReading object built as the rows used to, then
// onReading; 1: the object alone; 2: onReading with one reused object; 3:
// Aggregator.reading with energy and power as arguments (what modules/link/rowReadings.ts
// calls; voltage, current and quality stay in the link's C).
import { MeterReading } from "../../../modules/aggregator/readingsStore";
import { benchAggregator } from "./site64";

declare const BENCH_N: number;
declare const BENCH_MODE: number;
declare let result: number;
const METERS = 64;
const agg = benchAggregator(METERS);
const t0 = 1.7e9 + 10; // inside one 15-minute interval for the whole run
let sink = 0;
const one: MeterReading = { address: 0, timeS: t0, powerW: 950, importmWh: 1e6, exportmWh: 1e4, voltageV: 230.5, currentA: 4.25 };
for (let i = 0; i < BENCH_N; i++) {
  const a = i % METERS;
  if (BENCH_MODE === 3) {
    if (agg.reading(a, t0, 950, 1e6 + i, 1e4)) sink++;
    continue;
  }
  if (BENCH_MODE === 2) {
    one.address = a; one.importmWh = 1e6 + i;
    if (agg.onReading(one)) sink++;
    continue;
  }
  const r: MeterReading = { address: a, timeS: t0, powerW: 950, importmWh: (1000 + i) * 1000, exportmWh: 10 * 1000, voltageV: 230.5, currentA: 4.25 };
  r.quality = 0;
  if (BENCH_MODE === 1) { sink += r.address; continue; }
  if (agg.onReading(r)) sink++;
}
result = BENCH_N === 0 || sink > 0 ? 1 : 0;
