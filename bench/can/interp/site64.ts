// The bench site: an Aggregator with `meters` meters at addresses 0.. (every fourth with a
// relay), no save during a run, commands accepted; shared by aggLink.ts and readingCost.ts.
import { Aggregator } from "../../../modules/aggregator/aggregator";
import { memoryStore } from "./stubCan";

export function benchAggregator(meters: number): Aggregator {
  const list = [];
  for (let a = 0; a < meters; a++) list.push({ address: a, name: "meter " + a, household: "house " + (a >> 2), keyId: a, hasRelay: a % 4 === 2, priority: 9 });
  return new Aggregator({
    maxMeters: meters, tz: { stdOffsetS: 3600, euDst: true }, importAdderMc: 12000, exportTariffMc: 5000, defaultPriceMc: 10000,
    limitW: 1e9, holdS: 300, saveIntervalS: 1e9, meters: list,
  }, memoryStore(), { sendCommand: function () { return 0; } });
}
