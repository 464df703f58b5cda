/**
 * How long a restarted meter stays unheard by the aggregator (issue 18): from each restart
 * (the board's boot hook ran, or a power cycle) to the first poll the aggregator's link
 * counts answered, watched on the simulator's clock every 10 ms. host/sim/restartCost.ts
 * prints them; restartSilence.test.ts asserts them.
 */
import type { SimNetwork } from "./network.ts";

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

