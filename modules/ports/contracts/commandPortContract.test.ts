// The command port contract on its implementation, AggregatorLink (modules/link: the
// authenticated relay command over CAN to a MeterLink), on the bit-timed virtual bus
// (host bxCAN models) and on the untimed LoopbackBus. The app and the web test site
// have inline stand-ins that only print or record (app/aggregator/main.ts before the
// CAN link is configured, host/web/fakeSite.ts); they are not run here.
import { commandPortContract, type CommandPortHarness } from "./commandPortContract.ts";
import { VirtualCanBus, BxcanModel } from "../../../host/canbus/index.ts";
import { LoopbackBus } from "../../can/testing/loopbackBus.ts";
import { nodeAes } from "../../../host/ports/aes.ts";
import { MemoryKvStore } from "../../../host/ports/kvStore.ts";
import { meterKey } from "../../can/kdf.ts";
import type { CanController } from "../../can/controller.ts";
import type { SecuredCanController } from "../../can/secured.ts";
import type { LinkCanController } from "../../link/linkPort.ts";
import { MeterLink } from "../../link/meterLink.ts";
import { securedController, manualTimer } from "../../../host/canbus/secocLayer.ts";
import { AggregatorLink, TICK_MS } from "../../link/aggregatorLink.ts";

const MASTER = new Uint8Array([9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6]);
const READING = { vRmsV: 230.5, iRmsA: 4.25, fHz: 50.01, pW: 950, qVar: 120, sVA: 980, pf: 0.969, thdVPct: 2.1, thdIPct: 12.5, flags: 0, flagsSince: 0 };

function linked(meterCan: CanController, aggCan: CanController, clock: { nowMs(): number }, pass: (ms: number) => void): CommandPortHarness {
  const delivered: { address: number; command: "connect" | "disconnect" }[] = [];
  const meter = new MeterLink({
    can: meterCan as SecuredCanController, address: 5, key16: meterKey(nodeAes(), MASTER, 5), store: new MemoryKvStore(), log: () => {},
    relay: (closed) => { delivered.push({ address: 5, command: closed ? "connect" : "disconnect" }); return true; }, publishEvery: 1,
  });
  const agg = new AggregatorLink({ can: aggCan as LinkCanController, masterKey16: MASTER, addresses: [5], store: new MemoryKvStore(), clock, log: () => {}, onRows: () => {} });
  return {
    port: agg, reachable: 5, unreachable: 9, delivered,
    // the meter publishes a reading every 200 ms (re-arming its answers), as app/meter does
    settle: () => {
      for (let t = 0; t < 2000; t += TICK_MS) {
        if (t % 200 === 0) meter.publish(READING, 1000 + t / 1000, 0);
        agg.tick();
        pass(TICK_MS);
      }
    },
  };
}

commandPortContract("AggregatorLink over the bit-timed bus (host bxCAN models)", () => {
  const bus = new VirtualCanBus({ bitrate: 125000 });
  return linked(new BxcanModel(bus, "meter5"), new BxcanModel(bus, "aggregator"), { nowMs: () => bus.scheduler.nowUs() / 1000 }, (ms) => bus.scheduler.advanceBy(ms * 1000));
});

commandPortContract("AggregatorLink over the LoopbackBus", () => {
  const bus = new LoopbackBus();
  // the aggregator's link schedule (C, through the addon) ticks on this timer: time moves only when the harness passes it
  const timer = manualTimer();
  const m = securedController(bus.attach("meter5"), timer), a = securedController(bus.attach("aggregator"), timer);
  // the bus delivers between 10 ms steps, as a real one does within a millisecond (the C's command retries run on this timer too)
  return linked(m, a, timer, (ms) => { for (let t = 0; t < ms; t += 10) { bus.run(); timer.advance(10); } bus.run(); });
});
