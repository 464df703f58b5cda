// Real-interpreter micro-bench (bench/aggregator/reading.sh): the JavaScript of one meter
// reading on its way into the store, as the C link's rows bring it (modules/link/rowReadings.ts
// joins a row into a MeterReading and calls Aggregator.onReading), 64 meters registered.
// BENCH_MODE 0: row -> reading object -> onReading; 1: the reading object alone (what the
// join builds); 2: onReading with one reused object (the store's own work).
import { Aggregator } from "../../modules/aggregator/aggregator";
import { MeterReading } from "../../modules/aggregator/readingsStore";
import { memoryStore } from "../can/interp/stubCan";

declare const BENCH_N: number;
declare const BENCH_MODE: number;
declare let result: number;
const METERS = 64;
const meters = [];
for (let a = 0; a < METERS; a++) meters.push({ address: a, name: "meter " + a, household: "house " + (a >> 2), keyId: a, hasRelay: a % 4 === 2, priority: 9 });
const agg = new Aggregator({
  maxMeters: METERS, tz: { stdOffsetS: 3600, euDst: true }, importAdderMc: 12000, exportTariffMc: 5000, defaultPriceMc: 10000,
  limitW: 1e9, holdS: 300, saveIntervalS: 1e9, meters: meters,
}, memoryStore(), { sendCommand: function () { return 0; } });
const t0 = 1.7e9 + 10; // inside one 15-minute interval for the whole run
let sink = 0;
const one: MeterReading = { address: 0, timeS: t0, powerW: 950, importmWh: 1e6, exportmWh: 1e4, voltageV: 230.5, currentA: 4.25 };
for (let i = 0; i < BENCH_N; i++) {
  const a = i % METERS;
  if (BENCH_MODE === 3) {
    if (agg.reading(a, t0, 950, 1e6 + i, 1e4, 230.5, 4.25, 0)) sink++;
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
