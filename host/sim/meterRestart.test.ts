/**
 * A simulated meter keeps its billing state across a power cut (issue 12 part 1): the
 * meter bundle runs from Storage on a board whose FRAM and relay pins outlive the
 * runtime (meterBoard.ts); after a power-on the registers continue from the FRAM record
 * instead of starting at zero (they did before the billing state), within stepWh plus
 * one reading of what was measured, and the relay comes up in its configured safe state.
 * Needs build/meter.js (`npm run build`).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { EspruinoRuntime, VirtualClock } from "../runtime/index.ts";
import { hostMeterAdcClass, conditionSource } from "../meterAdc/hostMeterAdc.ts";
import { demoCondition } from "../meterAdc/runMeter.ts";
import { SimMeterBoard } from "./meterBoard.ts";
import { RELAY_PIN } from "../../modules/persist/boardPins.ts";

const BUNDLE = new URL("../../build/meter.js", import.meta.url);

function boot(board: SimMeterBoard, clock: VirtualClock, lines: string[], storage?: Uint8Array): EspruinoRuntime {
  const rt = new EspruinoRuntime({
    clock,
    output: (t) => { for (const l of t.split("\n")) if (l) lines.push(l); },
    globals: (r) => ({ MeterADC: hostMeterAdcClass(r, { source: conditionSource(demoCondition()) }), ...board.globals() }),
  });
  if (storage) rt.flash.image.set(storage);
  else {
    rt.eval(`require("Storage").write("meternet.json", ${JSON.stringify(JSON.stringify({ persist: { stepWh: 1, everyS: 60 }, relay: { safe: "open" } }))})`);
    rt.eval(`require("Storage").write(".bootcde", ${JSON.stringify(readFileSync(BUNDLE, "latin1"))})`);
  }
  rt.powerOn();
  return rt;
}

/** E+ of every reading line, Wh. */
function importWh(lines: string[]): number[] {
  return lines.map((l) => /E\+=([\d.]+)Wh/.exec(l)).filter((m) => m !== null).map((m) => Number(m![1]));
}

test("a simulated meter restores its registers from the FRAM after a power cut", async () => {
  const board = new SimMeterBoard();
  const clock = new VirtualClock(0);
  const before: string[] = [];
  const a = boot(board, clock, before);
  clock.advance(95_000);
  const flash = a.flash.image.slice();
  await a.dispose(); // the power cut: RAM and the C chain's registers are gone
  const measured = importWh(before);
  const last = measured[measured.length - 1];
  assert.ok(last > 60, "2.5 kW for 95 s: " + last + " Wh");
  assert.ok(before.some((l) => /billing state new \(no valid record\)/.test(l)), before.slice(0, 3).join("\n"));
  // 0.71 Wh a reading: a step of 1 Wh is reached every second reading
  assert.ok(board.fram.writes >= last / 1.5, "writes: " + board.fram.writes);
  assert.equal(board.pins[RELAY_PIN], 0, "relay in its safe state (open) at the first boot");

  const after: string[] = [];
  const b = boot(board, clock, after, flash);
  clock.advance(3_000);
  await b.dispose();
  assert.ok(after.some((l) => /billing state restored \(record \d+\)/.test(l)), after.slice(0, 3).join("\n"));
  const first = importWh(after)[0];
  // one reading at 2.54 kW is 0.71 Wh; stepWh 1: at most 1.71 Wh lost, never more than measured
  assert.ok(first >= last - 1.71 && first <= last + 1, `restored ${first} Wh after ${last} Wh`);
});

test("simulated network: a power-cycled meter restores registers and epoch; the aggregator's total never goes down", { timeout: 120_000 }, async () => {
  const { SimNetwork } = await import("./network.ts");
  const root = new URL("../../", import.meta.url).pathname;
  const net = new SimNetwork({
    meters: 2, speed: 25, masterKey: new Uint8Array(16).map((_, i) => i + 1),
    aggregatorBundle: readFileSync(root + "build/aggregator.js", "utf8"), meterBundle: readFileSync(root + "build/meter.js", "utf8"),
    httpPort: 0, slcanPort: -1, epochMs: Date.UTC(2026, 0, 15, 6, 0), startOfDayS: 7 * 3600, dipsPerSlot: 0, output: (node, text) => { if (process.env.SIM_DEBUG && /went back|billing|aggregator/.test(node + text)) process.stdout.write(node + ": " + text); },
    siteData: false, cogenerator: false,
  });
  const until = (ms: number) => new Promise<void>((res) => { const t = setInterval(() => { if (net.clock.nowMs() >= ms) { clearInterval(t); res(); } }, 20); });
  const shown = async () => {
    const r = await fetch(`http://127.0.0.1:${net.httpPort}/api/state`);
    const j = (await r.json()) as { meters: { address: number; "1-0:1.8.0": number; registerResets: number; quality: [number, number] | null }[] };
    if (process.env.SIM_DEBUG) console.log(JSON.stringify(j.meters));
    const m = j.meters.find((x) => x.address === 2)!;
    return { wh: m["1-0:1.8.0"], resets: m.registerResets, quality: m.quality };
  };
  try {
    await net.start();
    net.run();
    const heater = net.nodes.find((n) => n.meter?.address === 2)!;
    await until(90_000);
    const before = await shown();
    const epoch = Number(heater.rt.eval("meternet.node.epoch()"));
    assert.ok(before.wh > 20, "the heater's import shown: " + before.wh + " Wh");
    // the meter's quality flags came over CAN (MEAS_QUALITY, the C chain's bits) into the API
    assert.ok(Array.isArray(before.quality) && before.quality.every((b) => b >= 0 && b < 0x4000), "quality " + JSON.stringify(before.quality));
    net.powerCycle(heater);
    const t = net.clock.nowMs();
    await until(t + 60_000);
    const after = await shown();
    const st = net.status(heater)!;
    assert.ok((st.billing as { record: number }).record > 10, JSON.stringify(st.billing));
    assert.ok(Number(heater.rt.eval("meternet.node.epoch()")) > epoch, "a new epoch after the restart");
    assert.ok(after.wh > before.wh, `shown total ${before.wh} -> ${after.wh} Wh`);
    assert.equal(after.resets, 0, "no register went back: the meter publishes what it has persisted; " + JSON.stringify([before, after]));
    // the restarted meter signs under its new epoch: the aggregator sees bad MACs until it resynchronises
    const m2 = (net.status(net.aggregator)!.meters as { address: number; synced: boolean }[]).find((x) => x.address === 2)!;
    assert.ok(m2.synced, "resynchronised");
  } finally {
    await net.stop();
  }
});

test("a meter whose relay contact is welded boots, finds the fault at once (the simulator's clock stands still while it waits) and measures", async () => {
  const board = new SimMeterBoard();
  board.stuck = 1; // safe state open, contact stays closed
  const clock = new VirtualClock(0);
  const lines: string[] = [];
  const a = boot(board, clock, lines);
  clock.advance(5_000);
  await a.dispose();
  assert.equal(board.pins[RELAY_PIN], 0, "coil released (safe state open)");
  assert.ok(importWh(lines).length >= 4, lines.slice(0, 5).join("\n"));
});
