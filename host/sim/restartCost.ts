/**
 * What a meter restart costs the aggregator's link (issue 18): 3 meters run 20 s, then
 * either each is power-cycled (`power`) or all are updated to a changed bundle through the
 * aggregator's HTTP API (`switch`: the OTA switch restarts them); prints the aggregator's bad
 * MACs, missed polls and sync requests before, at the end of the update, and 20 s later.
 *
 *   npm run build && npx tsx host/sim/restartCost.ts power|switch
 *
 * With main's MeterNode (answers before the resynchronisation): power 9 bad MACs, switch 27;
 * with the meter silent until resynchronised: 0 and 0 (host/sim/README.md "Script updates").
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SimNetwork } from "./network.ts";
import { authConfig } from "./adminLogin.ts";
import { otaUpdate } from "../cli/otaClient.ts";
import { tokenise } from "../../tools/build/pretokenise.js";
import { clockPump } from "./clockPump.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

async function main(mode: string): Promise<number> {
  if (mode !== "power" && mode !== "switch") {
    console.error("usage: npx tsx host/sim/restartCost.ts power|switch");
    return 2;
  }
  const v1 = readFileSync(root + "build/stored/meter.js", "latin1");
  const password = "restart cost only";
  const net = new SimNetwork({
    meters: 3, speed: 1, masterKey: new Uint8Array(16).fill(0x42), aggregatorBundle: readFileSync(root + "build/aggregator.js", "utf8"), meterBundle: v1,
    httpPort: 0, slcanPort: -1, epochMs: Date.UTC(2026, 5, 21, 9, 0), startOfDayS: 11 * 3600, dipsPerSlot: 0, siteData: false, cogenerator: false,
    auth: authConfig("admin", password), otaConfirmS: 10, otaTrialDeadlineS: 30, output: () => {},
  });
  const line = (what: string) => {
    const a = net.status(net.aggregator) as unknown as { rejects: { badMac: number }; missed: number; syncs: number; answered: number };
    console.log(`${what.padEnd(28)} t=${(net.clock.nowMs() / 1000).toFixed(1)} s  bad MACs ${a.rejects.badMac}  missed ${a.missed}  sync requests ${a.syncs}  answered ${a.answered}`);
  };
  const pump = clockPump(net.clock);
  try {
    await net.start();
    net.clock.advance(20000);
    line("before");
    if (mode === "power") for (const n of net.nodes.filter((x) => x.meter)) net.powerCycle(n);
    else {
      await otaUpdate({
        base: `http://127.0.0.1:${net.httpPort}/`, user: "admin", password, bytes: new Uint8Array(Buffer.from(v1 + tokenise("\nvar otaVersion = 2;\n"), "latin1")),
        request: (u, i) => pump(fetch(u, i)), wait: async (ms) => { net.clock.advance(ms); }, log: () => {},
      });
      line("update confirmed");
    }
    net.clock.advance(20000);
    line("20 s later");
  } finally {
    await net.stop();
  }
  return 0;
}

main(process.argv[2] || "").then((c) => process.exit(c));
