/**
 * What the terminal shows of a running simulation: one status line per node, and
 * the JSON summary printed as the last line of a headless run.
 */
import type { SimNetwork, SimNode } from "./network.ts";

type Json = Record<string, unknown>;
interface Rejects { badMac: number; stale: number; length: number; unknownId: number; unsynced: number; internal: number }
const CAUSES: (keyof Rejects)[] = ["badMac", "stale", "length", "unknownId", "unsynced", "internal"];

function rejectTotal(r: Rejects | undefined): number {
  return r ? CAUSES.reduce((s, k) => s + (r[k] || 0), 0) : 0;
}

function decisions(net: SimNetwork): number {
  try {
    return Number(net.aggregator.rt.eval("typeof agg === 'object' ? agg.dec.seq : -1"));
  } catch {
    return -1;
  }
}

/** The last "P=...W" a meter printed (its reading line), or "". */
function powerOf(n: SimNode): string {
  const m = /P=(-?[\d.]+)W/.exec(n.lastLine);
  return m ? `${Math.round(Number(m[1]))} W` : "";
}

function pad(s: string | number, w: number): string {
  return String(s).padEnd(w);
}

export function statusLines(net: SimNetwork): string[] {
  const a = net.status(net.aggregator) as Json | null;
  const perMeter = new Map<number, Json>();
  const lines: string[] = [];
  const t = new Date(net.o.epochMs + net.clock.nowMs());
  const clock = `${t.toISOString().slice(0, 19).replace("T", " ")} UTC  x${net.achievedSpeed().toFixed(1)}`;
  if (a) {
    for (const m of a.meters as Json[]) perMeter.set(m.address as number, m);
    lines.push(`${pad("aggregator", 22)} ${pad(a.state as string, 14)} polls ${a.sent} answered ${a.answered} late ${a.late} missed ${a.missed}  ` +
      `readings ${a.readings}  frames tx ${(a.can as Json).txFrames} rx ${(a.can as Json).rxFrames}  rejected ${rejectTotal(a.rejects as Rejects)}  decisions ${decisions(net)}  errors ${(a.errors as number) + net.aggregator.uncaught}  ${clock}`);
  } else lines.push(`${pad("aggregator", 22)} no CAN link  errors ${net.aggregator.uncaught}  ${clock}`);
  for (const n of net.nodes) {
    if (!n.meter) continue;
    const s = net.status(n) as Json | null;
    const v = perMeter.get(n.meter.address);
    const label = pad(`meter ${n.meter.address} ${n.meter.appliance.name}`, 22);
    if (!s) { lines.push(`${label} no CAN link  errors ${n.uncaught}`); continue; }
    lines.push(`${label} ${pad(s.state as string, 14)} ${pad(n.feedKey || "", 12)} ${pad(powerOf(n), 8)} readings ${v ? v.readings : 0}  ` +
      `frames tx ${(s.can as Json).txFrames} rx ${(s.can as Json).rxFrames} (auto ${(s.can as Json).autoReplies})  rejected ${rejectTotal(s.rejects as Rejects)}  relay ${s.relay}  errors ${(s.errors as number) + n.uncaught}`);
  }
  return lines;
}

export interface WebCheck {
  status: number;
  bytes: number;
  dashboard: boolean;
  error?: string;
}

/** GET / of the aggregator's page. */
export async function checkWeb(port: number): Promise<WebCheck> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(10000) });
    const body = await r.text();
    return { status: r.status, bytes: body.length, dashboard: /<html/i.test(body) };
  } catch (e) {
    return { status: 0, bytes: 0, dashboard: false, error: (e as Error).message };
  }
}

/** The headless run's summary and the reasons it failed (empty: passed). */
export function summary(net: SimNetwork, wallS: number, web: WebCheck, attacker: boolean): Json {
  const a = (net.status(net.aggregator) || {}) as Json;
  const failures: string[] = [];
  const rejected: Rejects = { badMac: 0, stale: 0, length: 0, unknownId: 0, unsynced: 0, internal: 0 };
  const addRejects = (r: Rejects | undefined) => { if (r) for (const k of CAUSES) rejected[k] += r[k] || 0; };
  addRejects(a.rejects as Rejects);
  const perAgg = new Map<number, Json>();
  for (const m of (a.meters as Json[]) || []) perAgg.set(m.address as number, m);
  const meters: Json[] = [];
  let uncaught = net.aggregator.uncaught;
  if (net.aggregator.uncaught) failures.push(`uncaught error in the aggregator (${net.aggregator.uncaught}x)`);
  if (!a.role) failures.push("the aggregator has no CAN link");
  for (const n of net.nodes) {
    if (!n.meter) continue;
    const s = (net.status(n) || {}) as Json;
    const v = perAgg.get(n.meter.address) || {};
    addRejects(s.rejects as Rejects);
    uncaught += n.uncaught;
    if (n.uncaught) failures.push(`uncaught error in meter ${n.meter.address} (${n.uncaught}x)`);
    if (!((v.answered as number) > 0)) failures.push(`meter ${n.meter.address} never answered a poll`);
    meters.push({
      address: n.meter.address, appliance: n.meter.appliance.kind, polls: v.polls ?? 0, answered: v.answered ?? 0, missed: v.missed ?? 0,
      readings: v.readings ?? 0, windows: n.adc ? n.adc.windows : 0, rejected: rejectTotal(s.rejects as Rejects), relay: s.relay ?? "?", commands: s.commands ?? 0,
    });
  }
  const rejectedTotal = rejectTotal(rejected);
  if (rejectedTotal > 0 && !attacker) failures.push(`${rejectedTotal} rejected frames without an attacker`);
  if (net.hostErrors.length) failures.push(`host errors: ${net.hostErrors[0].split("\n")[0]}`);
  if (web.status !== 200 || !web.dashboard) failures.push(`web page: GET / gave ${web.status}${web.error ? " (" + web.error + ")" : ""}`);
  return {
    ok: failures.length === 0,
    failures,
    meters: meters.length,
    wallS: Math.round(wallS * 10) / 10,
    simulatedS: Math.round(net.clock.nowMs() / 100) / 10,
    speed: Math.round(net.achievedSpeed() * 10) / 10,
    polls: { sent: a.sent ?? 0, answered: a.answered ?? 0, late: a.late ?? 0, missed: a.missed ?? 0, syncs: a.syncs ?? 0 },
    readings: a.readings ?? 0,
    rejected,
    decisions: decisions(net),
    commands: a.commands ?? null,
    frames: { tx: a.can ? (a.can as Json).txFrames : 0, rx: a.can ? (a.can as Json).rxFrames : 0 },
    web,
    uncaught,
    perMeter: meters,
  };
}
