// Output of `meternet analyze`: JSON lines (field names fixed by issue 3; other
// tools read them) or a readable table.
import type { AnalyzeResult } from "./analyzeRecord.ts";
import type { AggregateReading, VoltageEvent, WindowReading } from "../../modules/metering/readings.ts";
import { legend, marks, unionFlags } from "./windowFlags.ts";

/** 7 significant digits: below every figure of the accuracy table, shorter lines. */
const r7 = (x: number): number => (Number.isFinite(x) ? Number(x.toPrecision(7)) : 0);
const arr = (h: Float32Array): number[] => Array.from(h, r7);

/**
 * hasCurrent false (voltage-only record): current-derived quantities are null. Flags
 * no-fundamental-v / -i (windowFlags.ts): no fundamental to refer to, so frequency and
 * THD V, or THD I, are null.
 */
function quantities(r: WindowReading | AggregateReading, hasCurrent: boolean, flags: string[] = []): Record<string, unknown> {
  const c = <T>(x: T): T | null => (hasCurrent ? x : null);
  const noV = flags.includes("no-fundamental-v"), noI = flags.includes("no-fundamental-i");
  return {
    fHz: noV ? null : r7(r.fHz), vRmsV: r7(r.vRmsV), iRmsA: c(r7(r.iRmsA)), pW: c(r7(r.pW)), sVA: c(r7(r.sVA)), nVA: c(r7(r.nVA)), pf: c(r7(r.pf)),
    thdVPct: noV ? null : r7(r.thdVPct), thdIPct: noI ? null : c(r7(r.thdIPct)), hV: arr(r.hV), hI: c(arr(r.hI)),
  };
}

/**
 * flagged: the IEC 61000-4-30 flag (a dip, swell or interruption during the window);
 * flags: what else may be wrong with it (windowFlags.ts); thdMaxOrder: the highest
 * harmonic order its THD and groups include.
 */
export function windowJson(r: WindowReading, flagged: boolean, hasCurrent = true, flags: string[] = [], thdMaxOrder = 50): string {
  return JSON.stringify({ type: "window", t: r7(r.startS), ...quantities(r, hasCurrent, flags), flagged, flags, thdMaxOrder });
}

/** "open": true only for an event still in progress when the examined data ended. */
export function eventJson(e: VoltageEvent): string {
  return JSON.stringify({ type: "event", kind: e.kind, start: r7(e.startS), durationS: r7(e.durationS), residualPct: r7(e.residualPct), ...(e.open ? { open: true } : {}) });
}

/** flags: the union of its windows' flags. */
export function aggregateJson(a: AggregateReading, hasCurrent = true, flags: string[] = []): string {
  return JSON.stringify({ type: "aggregate", interval: a.interval, t: r7(a.startS), ...quantities(a, hasCurrent), flagged: a.flagged, flags });
}

/** The summary's "segments": every run of the record, examined or not, and its unexamined tail. */
function segmentJson(s: AnalyzeResult["segments"][number]): Record<string, unknown> {
  return {
    fromS: r7(s.fromS), toS: r7(s.toS), rateHz: r7(s.rateHz), recordSegments: s.recordSegments, examined: s.examined,
    ...(s.why ? { why: s.why } : {}), windows: s.windows,
    ...(s.examinedToS !== undefined ? { examinedFromS: r7(s.examinedFromS!), examinedToS: r7(s.examinedToS) } : {}),
    unexaminedS: r7(s.unexaminedS),
    // Added: the run's samples (1-based) and, after a timestamp gap, its length in s.
    samples: s.samples,
    ...(s.gapBeforeS !== undefined ? { gapBeforeS: r7(s.gapBeforeS) } : {}),
  };
}

export function jsonLines(res: AnalyzeResult): string[] {
  const out: string[] = [];
  // Events and aggregates in time order with the windows they follow.
  type Item = { t: number; order: number; line: string };
  const items: Item[] = [];
  res.windows.forEach((w, k) => items.push({ t: w.r.startS + w.r.spanS, order: k * 3, line: windowJson(w.r, w.flagged, res.hasCurrent, w.flags, w.thdMaxOrder) }));
  res.events.forEach((e, k) => items.push({ t: e.startS + e.durationS, order: k * 3 + 1, line: eventJson(e) }));
  res.aggregates.forEach((a, k) => items.push({ t: a.startS + a.spanS, order: k * 3 + 2, line: aggregateJson(a, res.hasCurrent, a.flags) }));
  items.sort((a, b) => a.t - b.t || a.order - b.order);
  for (const it of items) out.push(it.line);
  // Added fields: "segments" (what was examined, what was skipped and why, the tail
  // after the last complete window) and "current": false for a voltage-only record.
  // "declaredV" (null: none, the voltage channel carries no voltage) and "declaredFrom".
  out.push(summaryJson(res));
  return out;
}

/** The last JSON line: counts, segments, the declared voltage, the lowest thdMaxOrder. */
export function summaryJson(res: AnalyzeResult): string {
  return JSON.stringify({ type: "summary", windows: res.windowCount, events: res.eventCount, segments: res.segments.map(segmentJson), ...(res.hasCurrent ? {} : { current: false }), declaredV: res.declaredV === null ? null : r7(res.declaredV), declaredFrom: res.declaredFrom, thdMaxOrder: res.thdMaxOrder });
}

const f = (x: number, d: number, w: number): string => x.toFixed(d).padStart(w);

function si(x: number): string {
  const a = Math.abs(x);
  if (a >= 1e6) return (x / 1e6).toFixed(3) + " M";
  if (a >= 1e3) return (x / 1e3).toFixed(3) + " k";
  return x.toFixed(3) + " ";
}

/** What the table's head says: the record, the channels, the declared voltage. */
type Head = Pick<AnalyzeResult, "input" | "declaredV" | "declaredFrom" | "hasCurrent">;

/** The record, voltage and current lines (without the notes). */
export function tableHead(res: Head): string[] {
  const inp = res.input;
  const lines: string[] = [];
  const rates = [...new Set(inp.runs.map((r) => +r.rateHz.toFixed(3)))].join("/");
  const gaps = inp.gaps.length ? `, ${inp.gaps.length} timestamp gap${inp.gaps.length === 1 ? "" : "s"}` : "";
  lines.push(`record   ${inp.record.cfg.stationName} / ${inp.record.cfg.recDevId}, ${rates} Hz, ${inp.record.count} samples, ${inp.record.cfg.rates.length} rate segment(s)${gaps}, ${inp.nominalHz} Hz system`);
  const declared = res.declaredV === null ? res.declaredFrom : `declared ${si(res.declaredV)}V from ${res.declaredFrom}`;
  lines.push(`voltage  channel ${inp.v.index} ${inp.v.id} [${inp.v.unit}] (codes: ${inp.v.codes}${inp.v.why ? `; ${inp.v.why}` : ""}), ${declared}`);
  lines.push(inp.i ? `current  channel ${inp.i.index} ${inp.i.id} [${inp.i.unit}] (codes: ${inp.i.codes})` : "current  none (voltage-only record): current-derived quantities shown as -");
  return lines;
}

export const COLUMNS = "     t s     f Hz        V rms        I rms            P            S            N      PF  THDv %  THDi %  flag";

/** One row: a window's (isWindow) or an aggregate's values and marks. A window without a fundamental shows no frequency / THD (an aggregate's are its other windows'). */
function row(hasCurrent: boolean, t: string, r: WindowReading | AggregateReading, flagged: boolean, flags: string[], isWindow = true): string {
  const c = (s: string, w: number): string => (hasCurrent ? s : "-").padStart(w);
  const noV = isWindow && flags.includes("no-fundamental-v"), noI = isWindow && flags.includes("no-fundamental-i");
  return `${t} ${noV ? "-".padStart(8) : f(r.fHz, 4, 8)} ${(si(r.vRmsV) + "V").padStart(12)} ${c(si(r.iRmsA) + "A", 12)} ${c(si(r.pW) + "W", 12)} ${c(si(r.sVA) + "VA", 12)} ${c(si(r.nVA) + "VA", 12)} ${c(r.pf.toFixed(4), 7)} ${noV ? "-".padStart(7) : f(r.thdVPct, 3, 7)} ${noI ? "-".padStart(7) : c(r.thdIPct.toFixed(3), 7)}  ${marks(flagged, flags)}`;
}

export const windowRow = (hasCurrent: boolean, w: AnalyzeResult["windows"][number]): string => row(hasCurrent, f(w.r.startS, 3, 8), w.r, w.flagged, w.flags);
export const aggregateRow = (hasCurrent: boolean, a: AnalyzeResult["aggregates"][number]): string =>
  row(hasCurrent, `${a.interval.padEnd(8)} from ${f(a.startS, 3, 8)} s, ${a.windows} windows${a.interval === "10min" && !a.complete ? " (partial)" : ""}\n        `, a, a.flagged, a.flags, false);

/** The legend, the events and the totals. */
export function tableTail(used: string[], anyFlagged: boolean, events: VoltageEvent[], windowCount: number, eventCount: number): string[] {
  const lines: string[] = [];
  if (used.length || anyFlagged) {
    lines.push("");
    lines.push(...legend(used, anyFlagged));
  }
  lines.push("");
  lines.push(events.length ? "events (residual: lowest Urms(1/2) of a dip, highest of a swell, % of declared)" : "events: none");
  for (const e of events) lines.push(`  ${e.kind.padEnd(12)} start ${f(e.startS, 4, 8)} s  duration ${f(e.durationS, 4, 8)} s  residual ${f(e.residualPct, 2, 7)} %${e.open ? "  (still in progress at end of data)" : ""}`);
  lines.push("");
  lines.push(`${windowCount} windows, ${eventCount} events`);
  return lines;
}

export function table(res: AnalyzeResult): string[] {
  const lines = tableHead(res);
  for (const n of res.notes) lines.push(`note     ${n}`);
  lines.push("");
  lines.push(COLUMNS);
  for (const w of res.windows) lines.push(windowRow(res.hasCurrent, w));
  if (res.aggregates.length) {
    lines.push("");
    lines.push("aggregates");
    for (const a of res.aggregates) lines.push(aggregateRow(res.hasCurrent, a));
  }
  const used = unionFlags([...res.windows.map((w) => w.flags), ...res.aggregates.map((a) => a.flags)]);
  const anyFlagged = res.windows.some((w) => w.flagged) || res.aggregates.some((a) => a.flagged);
  lines.push(...tableTail(used, anyFlagged, res.events, res.windows.length, res.events.length));
  return lines;
}
