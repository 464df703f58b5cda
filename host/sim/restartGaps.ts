/**
 * How long a restarted meter stays unheard by the aggregator (issue 18): from each restart
 * (the board's boot hook ran, or a power cycle) to the first poll the aggregator's link
 * counts answered, watched on the simulator's clock every 10 ms. host/sim/restartCost.ts
 * prints them; restartSilence.test.ts asserts them.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SimNetwork } from "./network.ts";
import { authConfig } from "./adminLogin.ts";
import { otaUpdate, type OtaStatus } from "../cli/otaClient.ts";
import { clockPump } from "./clockPump.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** A meter's restarts (the boot hook ran, or a power cycle) and the first answered poll after each. */
export interface RestartGap { meter: string; restartS: number; firstAnswerS: number | null }

/**
 * Watches every meter of `net` on its clock (every 10 ms of device time): `restarted(name)`
 * marks a restart now; the first poll the aggregator then counts answered closes it.
 */
export function restartGaps(net: SimNetwork): { restarted: (name: string) => void; gaps: RestartGap[] } {
  const meters = net.nodes.filter((n) => n.meter);
  const gaps: RestartGap[] = [];
  const open = new Map<string, RestartGap>();
  const answered = (addr: number) => { const o = new Uint32Array(6); net.aggregator.can.linkMeter(addr, o); return o[1]; };
  const base = new Map<string, number>();
  let due = net.clock.nowMs();
  net.clock.subscribe({
    nextDueMs: () => (open.size ? due : undefined),
    runDue: () => {
      due = net.clock.nowMs() + 10;
      for (const m of meters) {
        const g = open.get(m.name);
        if (g && answered(m.meter!.address) > base.get(m.name)!) { g.firstAnswerS = net.clock.nowMs() / 1000; open.delete(m.name); }
      }
    },
  });
  return {
    gaps,
    restarted: (name) => {
      const m = meters.find((x) => x.name === name);
      if (!m) return;
      const g: RestartGap = { meter: name, restartS: net.clock.nowMs() / 1000, firstAnswerS: null };
      const prev = open.get(name);
      if (prev) prev.firstAnswerS = null; // restarted again before it answered
      open.set(name, g);
      base.set(name, answered(m.meter!.address));
      due = net.clock.nowMs() + 10;
      gaps.push(g);
    },
  };
}


/**
 * The run restartCost.ts and restartSilence.test.ts measure: 3 meters on the stored bundle
 * (build/stored/meter.js) and the co-generator, which acknowledges frames while the meters
 * restart, as any other node on a real bus does (with every node restarting at once and
 * none acknowledging, the aggregator's frames stay in their mailboxes: no sync request
 * leaves, so none backs off). Trial: confirmed after 10 s, reverted at 30 s.
 * watch() starts recording restarts; update(script) sends one through the HTTP API.
 */
export function restartRig(password: string): {
  net: SimNetwork; meterBundle: string; watch: () => ReturnType<typeof restartGaps>; update: (script: string) => Promise<OtaStatus>;
} {
  const meterBundle = readFileSync(root + "build/stored/meter.js", "latin1");
  let w: ReturnType<typeof restartGaps> | null = null;
  const net = new SimNetwork({
    meters: 3, speed: 1, masterKey: new Uint8Array(16).fill(0x42), aggregatorBundle: readFileSync(root + "build/aggregator.js", "utf8"), meterBundle,
    httpPort: 0, slcanPort: -1, epochMs: Date.UTC(2026, 5, 21, 9, 0), startOfDayS: 11 * 3600, dipsPerSlot: 0, siteData: false, cogenerator: true,
    auth: authConfig("admin", password), otaConfirmS: 10, otaTrialDeadlineS: 30,
    output: (node, text) => { if (w && /SIMULATOR: boot hook/.test(text)) w.restarted(node); },
  });
  const pump = clockPump(net.clock);
  return {
    net, meterBundle,
    watch: () => (w = w || restartGaps(net)),
    update: (script) => otaUpdate({
      base: `http://127.0.0.1:${net.httpPort}/`, user: "admin", password, bytes: new Uint8Array(Buffer.from(script, "latin1")),
      request: (u, i) => pump(fetch(u, i)), wait: async (ms) => { net.clock.advance(ms); }, log: () => {},
    }),
  };
}
