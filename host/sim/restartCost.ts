/**
 * What a meter restart costs the aggregator's link (issue 18): 3 meters run 20 s, then
 * either each is power-cycled (`power`), or all are updated through the aggregator's HTTP
 * API to a changed bundle (`switch`: the OTA switch restarts them) or to a bundle that
 * throws at start (`revert`: they switch, never confirm, and revert at the trial deadline);
 * prints the aggregator's bad MACs, missed polls and sync requests before, at the end of the
 * update, and 20 s later, and per meter each restart and the time from it to the meter's
 * first good answer (an answered poll at the aggregator).
 *
 *   npm run build && npx tsx host/sim/restartCost.ts power|switch|revert
 *
 * The co-generator runs too: a bus where every meter restarts at once and nothing else
 * acknowledges frames holds the aggregator's frames in their mailboxes (no sync request
 * leaves, so none backs off), which hid the back-off below.
 *
 * With main's MeterNode (answers before the resynchronisation): power 9 bad MACs, switch 27;
 * with the meter silent until resynchronised: 0 and 0 (host/sim/README.md "Script updates").
 * From a revert to the first answered poll: 22.0 s while the link's sync back-off (doubled
 * through the 30 s trial) decided, 2.0 s since the OTA watch's answer restarts it
 * (aglinkSchedule.h mn_ag_reachable); switch 1.0-1.05 s and power 0.4-0.6 s either way.
 */
import { tokenise } from "../../tools/build/pretokenise.js";
import { restartRig } from "./restartGaps.ts";

async function main(mode: string): Promise<number> {
  if (mode !== "power" && mode !== "switch" && mode !== "revert") {
    console.error("usage: npx tsx host/sim/restartCost.ts power|switch|revert");
    return 2;
  }
  const rig = restartRig("restart cost only");
  const net = rig.net, v1 = rig.meterBundle;
  const line = (what: string) => {
    const a = net.status(net.aggregator) as unknown as { rejects: { badMac: number }; missed: number; syncs: number; answered: number };
    console.log(`${what.padEnd(28)} t=${(net.clock.nowMs() / 1000).toFixed(1)} s  bad MACs ${a.rejects.badMac}  missed ${a.missed}  sync requests ${a.syncs}  answered ${a.answered}`);
  };
  try {
    await net.start();
    net.clock.advance(20000);
    line("before");
    const watch = rig.watch();
    if (mode === "power") for (const n of net.nodes.filter((x) => x.meter)) { watch.restarted(n.name); net.powerCycle(n); }
    else {
      const script = mode === "switch" ? v1 + tokenise("\nvar otaVersion = 2;\n") : tokenise("throw new Error('restartCost: this script fails at start');\n") + v1;
      await rig.update(script);
      line(mode === "switch" ? "update confirmed" : "update reverted");
    }
    net.clock.advance(20000);
    line("20 s later");
    for (const g of watch.gaps) {
      const gap = g.firstAnswerS === null ? "no answer" : `first answer ${(g.firstAnswerS - g.restartS).toFixed(2)} s later`;
      console.log(`${g.meter.padEnd(8)} restart t=${g.restartS.toFixed(2)} s  ${gap}`);
    }
  } finally {
    await net.stop();
  }
  return 0;
}

main(process.argv[2] || "").then((c) => process.exit(c));
