/**
 * What the terminal shows of a running simulation: one status line per node, and
 * the JSON summary printed as the last line of a headless run.
 */
import type { SimNetwork, SimNode } from "./network.ts";
import { CO_NAMES } from "./cogenerator.ts";
import { SITE_TZ } from "./network.ts";
import { localText } from "../../modules/aggregator/localTime.ts";
import type { FaultCampaign } from "./faults.ts";
import { rejectTotal as counterTotal } from "../../modules/can/rejects.ts";

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

/** What the aggregator knows of the site, read inside its interpreter (null without `agg`). */
interface SiteState {
  now: number; points: number; priceNow: number | null; priceNext: number | null; minPrice: number | null; maxPrice: number | null;
  renewPct: number | null; renewS: number | null; coState: number; coPowerW: number | null; coS: number | null;
  unpriced: number; unpricedS: number | null; seq: number; adderMc: number;
  meters: { address: number; household: string; offline: boolean; missed: number; connected: boolean; why: number; untilS: number | null; switchesInHour: number; imp: number; exp: number; cost: number; credit: number }[];
}

export function siteState(net: SimNetwork): SiteState | null {
  try {
    const s = net.aggregator.rt.eval(`(function () {
      if (typeof agg !== "object") return "";
      var a = agg, now = Math.floor(Date.now() / 1000), n = 0, lo = NaN, hi = NaN, ms = [];
      for (var b = 0; b < a.prices.blocks.length; b++) {
        var v = a.prices.blocks[b].values; n += v.length;
        for (var k = 0; k < v.length; k++) { if (!(v[k] >= lo)) lo = v[k]; if (!(v[k] <= hi)) hi = v[k]; }
      }
      // the days in RAM (today and yesterday): a run's bills, read without the archive
      var d0 = 1e9, d1 = -1, tags = a.store.dayTag;
      for (var k2 = 0; k2 < tags.length; k2++) if (tags[k2] >= 0) { d0 = Math.min(d0, tags[k2]); d1 = Math.max(d1, tags[k2]); }
      for (var m = 0; m < a.reg.count; m++) {
        var o = a.store.sum(m, d0, d1, new Float64Array(4));
        ms.push({ address: a.reg.address[m], household: a.reg.household(m), offline: a.isOffline(m), missed: a.missed[m],
          connected: !!a.dec.state[m], why: a.dec.why[m], untilS: a.dec.untilS[m], switchesInHour: a.dec.switchesInHour(m, now),
          imp: o[0], exp: o[1], cost: o[2], credit: o[3] });
      }
      return JSON.stringify({ now: now, points: n, priceNow: a.prices.at(now), priceNext: a.prices.at(now + 900), minPrice: lo, maxPrice: hi,
        renewPct: a.renewPct, renewS: a.renewS, coState: a.coState, coPowerW: a.coPowerW, coS: a.coS,
        unpriced: a.unpricedSlots, unpricedS: a.unpricedS, seq: a.dec.seq, adderMc: a.cfg.importAdderMc, meters: ms });
    })()`);
    return s ? (JSON.parse(s as string) as SiteState) : null;
  } catch {
    return null;
  }
}

/** Names of modules/aggregator/decisions.ts R_* codes (index = code). */
const WHY = ["", "price", "renewables", "limit", "ok", "manual", "plan", "running plan", "override", "cancel", "auto", "reconnect", "held (minimum on/off time)", "switch budget", "offline"];

/** mc/kWh -> EUR/MWh with 2 decimals. */
const eurMWh = (mc: number | null) => (mc === null ? null : Math.round(mc) / 100);
/** milli-cents -> EUR with 2 decimals (the currency's minor unit). */
const eur = (mc: number) => Math.round(mc / 1000) / 100;

function siteLine(net: SimNetwork, st: SiteState | null): string {
  if (!st) return `${pad("site", 22)} no aggregator state`;
  const co = CO_NAMES[st.coState] ?? "?";
  const off = st.meters.filter((m) => m.offline).map((m) => m.address);
  return `${pad("site", 22)} price now ${st.priceNow === null ? "NONE" : eurMWh(st.priceNow) + " EUR/MWh"}${net.feed ? " (synthetic)" : ""}, next ${st.priceNext === null ? "NONE" : eurMWh(st.priceNext)}  ` +
    `renewables ${st.renewPct === null ? "unknown" : st.renewPct + " %"}  co-generator ${co}${st.coPowerW === null ? "" : " " + st.coPowerW + " W"}  ` +
    `runs planned ${net.feed ? net.feed.runs.filter((r) => r.status !== "refused").length : 0}  offline ${off.length ? off.join(",") : "none"}  unpriced intervals ${st.unpriced}`;
}

export function statusLines(net: SimNetwork): string[] {
  const a = net.status(net.aggregator) as Json | null;
  const perMeter = new Map<number, Json>();
  const lines: string[] = [];
  const t = new Date(net.o.epochMs + net.clock.nowMs());
  const clock = `${t.toISOString().slice(0, 19).replace("T", " ")} UTC  x${net.achievedSpeed().toFixed(1)}`;
  if (a) {
    for (const m of a.meters as Json[]) perMeter.set(m.address as number, m);
    lines.push(`${pad("aggregator", 22)} ${pad(a.state as string, 14)} polls ${a.sent} answered ${a.answered} late ${a.late} missed ${a.missed} refused ${a.refused ?? 0}  ` +
      `readings ${a.readings}  frames tx ${(a.can as Json).txFrames} rx ${(a.can as Json).rxFrames}  rejected ${rejectTotal(a.rejects as Rejects)}  decisions ${decisions(net)}  errors ${(a.errors as number) + net.aggregator.uncaught}  ${clock}`);
  } else lines.push(`${pad("aggregator", 22)} no CAN link  errors ${net.aggregator.uncaught}  ${clock}`);
  lines.push(siteLine(net, siteState(net)));
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

/**
 * A meter that missed more than this share of its polls fails the run: missed / (answered
 * + missed), where missed counts every poll it owed and did not answer (used every retry,
 * or never sent while it waited for its synchronisation or the mailboxes were full).
 * 5 %: a simulated day of the fault campaign (seed 1, one fault every 300 s) ends at
 * 1.9 % for each meter; a meter silent for an hour of a day would be at 4.2 %.
 * Polls missed while a script update restarted the meter (from the switch the aggregator
 * ordered to the trial's confirmation, or to the resynchronisation after a revert) are the
 * update's: counted apart (perMeter otaMissed), not in the share.
 */
export const DEFAULT_MAX_MISSED_SHARE = 0.05;

const pct = (x: number) => Math.round(x * 1000) / 10;

/** The headless run's summary and the reasons it failed (empty: passed). */
/** `faults`: the campaign of --faults (its table goes into the summary; attacker frames are then expected). */
export function summary(net: SimNetwork, wallS: number, web: WebCheck, attacker: boolean, faults?: FaultCampaign, maxMissedShare = DEFAULT_MAX_MISSED_SHARE): Json {
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
    // what script updates cost (meterBoot.ts OtaCost): the polls missed from a switch to the
    // confirmation (or to the resynchronisation after a revert) are the update's, as are the
    // uncaught errors of a trial that reverted; a confirmed trial's errors fail the run
    const ota = n.ota && n.ota.hook ? n.ota.hook.cost : undefined;
    const otaUncaught = ota ? ota.uncaughtConfirmed + ota.uncaughtOpen : 0;
    if (otaUncaught) failures.push(`uncaught error in meter ${n.meter.address} during an update's trial not reverted (${otaUncaught}x)`);
    uncaught += otaUncaught;
    const otaMissed = ota ? ota.missed : 0;
    const answered = (v.answered as number) ?? 0, missed = ((v.missed as number) ?? 0) - otaMissed, refused = (v.refused as number) ?? 0;
    const share = answered + missed > 0 ? missed / (answered + missed) : 0;
    if (share > maxMissedShare) {
      failures.push(`meter ${n.meter.address} missed ${missed} of its ${answered + missed} polls (${pct(share)} %, more than ${pct(maxMissedShare)} %` + (otaMissed ? `; ${otaMissed} more while updates restarted it` : "") + `): ` +
        `${v.synced ? "synchronised" : "not synchronised"} at the end, ${refused} of its sends refused by full mailboxes; the link: ` +
        `${a.timedOut ?? "?"} polls used every retry, ${a.skipped ?? "?"} never sent (the meter waited for its synchronisation, or the mailboxes were full), ` +
        `${a.refused ?? "?"} sends refused`);
    }
    meters.push({
      address: n.meter.address, appliance: n.meter.appliance.kind, polls: v.polls ?? 0, answered, missed, missedPct: pct(share), refused,
      ...(ota && (ota.missed || ota.uncaughtReverted) ? { otaMissed, otaUncaughtReverted: ota.uncaughtReverted } : {}),
      readings: v.readings ?? 0, windows: n.adc ? n.adc.windows : 0, rejected: rejectTotal(s.rejects as Rejects), relay: s.relay ?? "?", commands: s.commands ?? 0,
      txEpoch: net.txEpoch(n, "txepoch"),
    });
  }
  if (net.cogen) addRejects(net.cogen.node.rejects as unknown as Rejects);
  const site = siteSummary(net, failures);
  const rejectedTotal = rejectTotal(rejected);
  const faultTable = faults ? faults.table() : undefined;
  if (faultTable) failures.push(...faultTable.failures);
  if (rejectedTotal > 0 && !attacker && !faults) failures.push(`${rejectedTotal} rejected frames without an attacker`);
  const extended = (a.extended as number) ?? 0;
  if (extended > 0 && !attacker && !faults) failures.push(`${extended} extended-identifier frames on the bus (meternet uses none)`);
  if (net.hostErrors.length) failures.push(`host errors: ${net.hostErrors[0].split("\n")[0]}`);
  if (web.status !== 200 || !web.dashboard) failures.push(`web page: GET / gave ${web.status}${web.error ? " (" + web.error + ")" : ""}`);
  return {
    ok: failures.length === 0,
    failures,
    meters: meters.length,
    wallS: Math.round(wallS * 10) / 10,
    simulatedS: Math.round(net.clock.nowMs() / 100) / 10,
    speed: Math.round(net.achievedSpeed() * 10) / 10,
    polls: { sent: a.sent ?? 0, answered: a.answered ?? 0, late: a.late ?? 0, missed: a.missed ?? 0, timedOut: a.timedOut ?? 0, skipped: a.skipped ?? 0, refused: a.refused ?? 0, syncs: a.syncs ?? 0 },
    readings: a.readings ?? 0,
    rejected,
    decisions: decisions(net),
    commands: a.commands ?? null,
    aggregatorTxEpoch: net.txEpoch(net.aggregator, "aggepoch"),
    frames: { tx: a.can ? (a.can as Json).txFrames : 0, rx: a.can ? (a.can as Json).rxFrames : 0, extended },
    web,
    uncaught,
    site,
    perMeter: meters,
    ...(faultTable ? { faults: faultTable.table } : {}),
  };
}

/**
 * The reference design's site data at the end of the run: prices imported (and their
 * source), renewables, the co-generator as the aggregator received it over CAN,
 * deferrable runs placed, bills computed with the imported prices, offline meters.
 * Adds to `failures` what must not happen in a healthy run.
 */
function siteSummary(net: SimNetwork, failures: string[]): Json {
  const st = siteState(net);
  if (!st) { failures.push("no aggregator state (agg) to read the site from"); return {}; }
  const feed = net.feed;
  if (feed) {
    if (feed.prices.error || st.points === 0) failures.push(`prices not loaded: ${feed.prices.error || "none in the aggregator"}`);
    if (st.renewPct === null) failures.push("no renewable availability reported");
    for (const r of feed.runs) if (r.status === "refused") failures.push(`deferrable run of meter ${r.address} refused: ${r.error}`);
  }
  if (st.unpriced > 0) failures.push(`${st.unpriced} intervals billed at the default price (none imported for ${localText(SITE_TZ, st.unpricedS ?? 0)})`);
  const cogen = net.cogen;
  if (cogen && st.coS === null) failures.push(`the co-generator (address ${cogen.address}) never reached the aggregator`);
  const offline = st.meters.filter((m) => m.offline);
  for (const m of offline) failures.push(`meter ${m.address} offline at the end (${m.missed} polls missed in a row)`);
  const households = new Map<string, { importKWh: number; exportKWh: number; costEUR: number; creditEUR: number; mc: number; mWh: number }>();
  for (const m of st.meters) {
    const h = households.get(m.household) ?? { importKWh: 0, exportKWh: 0, costEUR: 0, creditEUR: 0, mc: 0, mWh: 0 };
    h.mWh += m.imp; h.mc += m.cost;
    h.importKWh = Math.round(h.mWh / 1000) / 1000;
    h.exportKWh = Math.round((h.exportKWh * 1e6 + m.exp) / 1000) / 1000;
    h.costEUR = eur(h.mc);
    h.creditEUR = Math.round((h.creditEUR * 1e5 + m.credit) / 1000) / 100;
    households.set(m.household, h);
  }
  let totalMc = 0, totalmWh = 0;
  for (const h of households.values()) { totalMc += h.mc; totalmWh += h.mWh; }
  // the energy-weighted spot price the bills paid: cost / energy less the network adder
  const avgSpotMc = totalmWh > 0 ? totalMc / (totalmWh / 1e6) - st.adderMc : null;
  if (feed && avgSpotMc !== null && st.minPrice !== null && st.maxPrice !== null && (avgSpotMc < st.minPrice - 1 || avgSpotMc > st.maxPrice + 1)) {
    failures.push(`bills paid ${eurMWh(avgSpotMc)} EUR/MWh on average, outside the imported prices ${eurMWh(st.minPrice)}..${eurMWh(st.maxPrice)}`);
  }
  return {
    time: localText(SITE_TZ, st.now),
    prices: {
      loaded: st.points, source: feed ? feed.prices.source : "none imported by the simulator", from: feed?.prices.from ?? null, to: feed?.prices.to ?? null,
      nowEURMWh: eurMWh(st.priceNow), nextEURMWh: eurMWh(st.priceNext), minEURMWh: eurMWh(st.minPrice), maxEURMWh: eurMWh(st.maxPrice),
    },
    renewable: { pct: st.renewPct, ageS: st.renewS === null ? null : st.now - st.renewS, reports: feed ? feed.renewableReports : 0, forecastPoints: feed ? feed.forecast.points : 0, source: feed ? feed.forecast.source : null },
    cogenerator: cogen
      ? { address: cogen.address, state: CO_NAMES[st.coState] ?? "?", powerW: st.coPowerW, ageS: st.coS === null ? null : st.now - st.coS, nodeState: CO_NAMES[cogen.state], nodePowerW: cogen.powerW, published: cogen.published, rejected: counterTotal(cogen.node.rejects) }
      : null,
    deferrable: feed ? feed.runs.map((r) => ({ meter: r.address, load: r.load, mode: r.mode, start: r.start, expectedSpotCostEUR: r.expectedCostEUR, status: r.status, decision: r.decision, error: r.error || undefined })) : [],
    bills: {
      prices: st.unpriced === 0 ? "imported" : `default for ${st.unpriced} intervals`, unpricedIntervals: st.unpriced,
      avgSpotEURMWh: avgSpotMc === null ? null : eurMWh(avgSpotMc), adderEURMWh: eurMWh(st.adderMc),
      households: [...households.entries()].map(([household, h]) => ({ household, importKWh: h.importKWh, exportKWh: h.exportKWh, costEUR: h.costEUR, creditEUR: h.creditEUR })),
    },
    offline: offline.map((m) => ({ meter: m.address, missedInARow: m.missed })),
    loads: st.meters.map((m) => ({ meter: m.address, connected: m.connected, why: WHY[m.why] ?? String(m.why), until: m.untilS === null ? undefined : localText(SITE_TZ, m.untilS), switchesLastHour: m.switchesInHour })),
  };
}
