/**
 * bench/can: poll latency and throughput at 125 kbit/s for 2, 8, 32 and 64 meters on
 * the bit-timed virtual bus with bxCAN models and authenticated 8-byte answers.
 * Run: npm run bench:can   (simulated time: the figures do not depend on this machine)
 */
import { endToEndCycle } from "./endToEnd.ts";
import { CLASSES, CYCLE_FN, DEFAULT_ASSUMPTIONS, idleLatency, loadedLatency, pollCycle, type BenchAssumptions } from "./pollBench.ts";

const REF_TO_ISR_MS = 3.6;
const REF_HIGH_MS = 25;
const REF_LOW_MS = 60;
const ANSWER_TARGET = 2;
const CYCLE_TARGET = 1.3;

function ms(us: number): string {
  return (us / 1000).toFixed(3);
}
function x(r: number): string {
  return r.toFixed(2) + "x";
}
function row(cells: (string | number)[], widths: number[]): string {
  return "| " + cells.map((c, i) => String(c).padStart(widths[i])).join(" | ") + " |";
}
function table(head: string[], rows: (string | number)[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  console.log(row(head, widths));
  console.log("|" + widths.map((w) => "-".repeat(w + 1) + ":").join("|") + "|");
  for (const r of rows) console.log(row(r, widths));
}

const a: BenchAssumptions = DEFAULT_ASSUMPTIONS;
console.log("meternet CAN poll bench: " + a.bitrate / 1000 + " kbit/s, bit-exact frames (stuffing, CRC, ACK, EOF, IFS), bxCAN models");
console.log(
  "answers: 8 bytes = 4 data + freshness low byte + 24-bit AES-CMAC (modules/can/secoc.ts), from auto-reply slots; " +
    "assumed: ISR " + a.isrLatencyUs + " us, FIFO->event " + a.rxServiceUs + " us, aggregator interpreter " +
    a.aggDispatchUs + " us to the next send() + " + a.aggVerifyUs + " us MAC check per answer, " + a.inFlight + " polls in flight",
);
console.log("");
console.log("1. One poll on an idle bus (meter address 63), per priority class");
const idle = idleLatency(a, 63);
table(
  ["class", "id", "request->meter ISR ms", "ref ms", "request->answer ms", "wire ms (2 frames)", "answer/wire", "target"],
  idle.map((r) => [r.cls, "0x" + r.id.toString(16), ms(r.toMeterIsrUs), REF_TO_ISR_MS, ms(r.answerUs), ms(r.wireUs), x(r.answerUs / r.wireUs), r.answerUs <= ANSWER_TARGET * r.wireUs ? "ok (<=2x)" : "MISSED"]),
);
console.log("");
console.log("2. Full poll cycle: every meter's function " + CYCLE_FN + " (voltage/frequency) polled once");
console.log("   cycle = first send() -> last answer handed to the interpreter (the last IFS is in the wire limit, not in the cycle)");
const sizes = [2, 8, 32, 64];
const cycles = sizes.map((n) => pollCycle(n, a));
table(
  ["meters", "wire limit ms", "cycle ms", "cycle/wire", "bus load % in cycle", "load % at 1 s, 7 qty", "agg. interpreter %", "mean answer ms", "max answer ms", "target"],
  cycles.map((c) => [
    c.meters,
    ms(c.wireLimitUs),
    ms(c.cycleUs),
    x(c.cycleUs / c.wireLimitUs),
    c.busLoadPct.toFixed(1),
    ((100 * 7 * c.cycleUs) / 1e6).toFixed(1),
    c.interpreterPct.toFixed(1),
    ms(c.meanAnswerUs),
    ms(c.maxAnswerUs),
    c.meters === 64 ? (c.cycleUs <= CYCLE_TARGET * c.wireLimitUs ? "ok (<=1.3x)" : "MISSED") : "-",
  ]),
);
const c64 = cycles[cycles.length - 1];
console.log(
  "   reference equivalent for 64 meters at " + REF_HIGH_MS + " ms per answer: " + ((64 * REF_HIGH_MS) / 1000).toFixed(2) + " s per cycle; here " + ms(c64.cycleUs) + " ms",
);
console.log("");
console.log("3. One poll per class for meter 63, issued into the spare mailbox 40 % into a 64-meter cycle");
const loaded = loadedLatency(64, a);
table(
  ["class", "id", "request->answer ms", "wire ms (2 frames)", "answer/wire", "reference ms", "target"],
  loaded.map((r, i) => {
    const above = CLASSES[i].fn < CYCLE_FN;
    const ref = i === 0 ? REF_HIGH_MS + " (high)" : i === loaded.length - 1 ? REF_LOW_MS + " (low)" : "-";
    const verdict = above ? (r.answerUs <= ANSWER_TARGET * r.wireUs ? "ok (<=2x)" : "MISSED") : "below the cycle: waits for it";
    return [r.cls, "0x" + r.id.toString(16), ms(r.answerUs), ms(r.wireUs), x(r.answerUs / r.wireUs), ref, verdict];
  }),
);
console.log("");
console.log("4. Sensitivity of the 64-meter cycle to the aggregator's interpreter time per answer");
const sens: (string | number)[][] = [];
for (const inFlight of [1, 2]) {
  for (const perAnswerUs of [0, 500, 1100, 2000]) {
    const b: BenchAssumptions = Object.assign({}, a, { inFlight: inFlight, aggDispatchUs: Math.min(300, perAnswerUs), aggVerifyUs: Math.max(0, perAnswerUs - 300) });
    const c = pollCycle(64, b);
    sens.push([inFlight === 1 ? "1 (stop and wait)" : "2 (pipelined)", (perAnswerUs / 1000).toFixed(1), ms(c.cycleUs), x(c.cycleUs / c.wireLimitUs), c.cycleUs <= CYCLE_TARGET * c.wireLimitUs ? "ok" : "MISSED"]);
  }
}
console.log("   (the first 0.3 ms of each answer's interpreter time come before the next send())");
table(["polls in flight", "interpreter ms/answer", "cycle ms", "cycle/wire", "<=1.3x"], sens);
console.log("");
const perAnswer = a.aggDispatchUs + a.aggVerifyUs;
console.log(
  "5. End to end with modules/can: MeterNode (slots it fills itself), AggregatorNode (verifies MAC and freshness), Poller (" +
    a.inFlight + " in flight); aggregator interpreter " + perAnswer + " us per received frame",
);
table(
  ["meters", "synced", "answered", "rejects", "wire limit ms", "cycle on wire ms", "cycle/wire", "last verified ms", "mean latency ms", "max latency ms", "target"],
  sizes.map((n) => {
    const r = endToEndCycle(n, perAnswer, a.inFlight);
    return [n, r.synced, r.answered, r.rejects, ms(r.wireLimitUs), ms(r.cycleUs), x(r.cycleUs / r.wireLimitUs), ms(r.verifiedUs), r.meanLatencyMs.toFixed(3), r.maxLatencyMs.toFixed(3),
      n === 64 ? (r.verifiedUs <= CYCLE_TARGET * r.wireLimitUs ? "ok (<=1.3x)" : "MISSED") : "-"];
  }),
);
