/**
 * The site's energy management around the simulated aggregator, the part of the
 * reference design outside the meters: it imports the day-ahead prices and the
 * renewable availability forecast for the simulated dates at start, reports the
 * renewable availability every quarter hour, and plans the deferrable loads (the
 * washing machines: two runs a day, one at a time, the first in the cheapest and the
 * second in the greenest window of the next 12 hours).
 *
 * It talks to the aggregator as a person at its console would: `agg.setPrices(blocks)`,
 * `agg.forecast.put(blocks)`, `agg.setRenewable(pct, t)` run inside the aggregator's
 * interpreter (rt.eval), and plans runs through the web API's own handler (POST
 * /api/defer, evaluated from Storage as for a request), so the planner decides exactly
 * as on the device. The series are parsed here, on the host, by the aggregator's own
 * import (priceImport.ts), as the browser app and the CLI do: the parser is not resident
 * on the device (route.ctl carries it for raw files). The co-generator is not here: it
 * reports over CAN (cogenerator.ts).
 */
import type { EspruinoRuntime, VirtualClock } from "../runtime/index.ts";
import type { TimerSource } from "../runtime/clock.ts";
import type { TimeZone } from "../../modules/aggregator/localTime.ts";
import { localDay, localText } from "../../modules/aggregator/localTime.ts";
import { importPrices } from "../../modules/aggregator/priceImport.ts";
import { hash01 } from "./appliances.ts";
import type { SimMeter } from "./nodeConfig.ts";
import { DATA_DIR, PRICE_FILE, FORECAST_FILE, PRICE_SOURCE, FORECAST_SOURCE, readProfile, seriesCsv, profileAt } from "./siteData.ts";

/** A washing machine's programme (appliances.ts): 70 minutes, about 0.86 kWh. */
export const RUN_S = 4200;
export const RUN_WH = 860;
const PLAN_HORIZON_S = 12 * 3600;
/** Runs planned per washing machine and local day (the next day's first is planned after midnight). */
const RUNS_PER_DAY = 2;

export interface ImportStatus {
  source: string;
  points: number;
  from: string;
  to: string;
  error: string;
}

export interface PlacedRun {
  address: number;
  load: string;
  mode: "cheapest" | "greenest";
  plannedAt: string;
  /** Decision id, or 0 when the planner refused (error says why). */
  decision: number;
  error: string;
  startS: number;
  start: string;
  expectedCostEUR: number | null;
  status: "planned" | "running" | "done" | "refused";
}

export interface SiteFeedOptions {
  rt: EspruinoRuntime;
  clock: VirtualClock;
  /** UTC ms of clock 0. */
  epochMs: number;
  tz: TimeZone;
  meters: SimMeter[];
  /** A planned run's start, as UTC seconds: the appliance starts its programme then. */
  onPlanned: (m: SimMeter, startS: number) => void;
  log: (line: string) => void;
}

export class SiteFeed implements TimerSource {
  prices: ImportStatus = { source: PRICE_SOURCE, points: 0, from: "", to: "", error: "not loaded yet" };
  forecast: ImportStatus = { source: FORECAST_SOURCE, points: 0, from: "", to: "", error: "not loaded yet" };
  renewableReports = 0;
  readonly runs: PlacedRun[] = [];
  private readonly priceProfile = readProfile(DATA_DIR + PRICE_FILE);
  private readonly renewProfile = readProfile(DATA_DIR + FORECAST_FILE);
  private nextMs = 0;
  private lastQuarter = -1;
  private sub: { detach(): void } | undefined;

  constructor(readonly o: SiteFeedOptions) {}

  nowS(): number {
    return Math.floor((this.o.epochMs + this.o.clock.nowMs()) / 1000);
  }

  private call(code: string): unknown {
    return this.o.rt.eval(code);
  }

  /** Imports both series for the simulated day and the next (a run crosses midnight), then runs once a minute. */
  start(): void {
    const day = localDay(this.o.tz, this.nowS());
    this.prices = this.load("loadPrices", "agg.setPrices", this.priceProfile, day, PRICE_SOURCE);
    this.forecast = this.load("loadForecast", "agg.forecast.put", this.renewProfile, day, FORECAST_SOURCE);
    this.nextMs = this.o.clock.nowMs();
    this.sub = this.o.clock.subscribe(this);
  }

  /** Parses the series on the host and puts the blocks in with `put` (a method of the device's agg). */
  private load(method: string, put: string, profile: number[], day: number, source: string): ImportStatus {
    const s = seriesCsv(profile, this.o.tz, day, 2);
    const r = importPrices(s.csv, this.o.tz);
    let err = "";
    if (Array.isArray(r)) this.call(`${put}([${r.map((b) => `{startS:${b.startS},stepS:${b.stepS},values:new Int32Array([${Array.from(b.values).join(",")}])}`).join(",")}])`);
    else err = "line " + r.line + ": " + r.reason;
    const st = { source, points: err ? 0 : s.points, from: localText(this.o.tz, s.startS), to: localText(this.o.tz, s.endS), error: err };
    this.o.log(`${method} ${err ? "REJECTED: " + err : s.points + " quarter hours " + st.from + " .. " + st.to} (${source})`);
    return st;
  }

  nextDueMs(): number {
    return this.nextMs;
  }

  runDue(): void {
    this.nextMs += 60000;
    const now = this.nowS();
    const quarter = Math.floor(now / 900);
    if (quarter !== this.lastQuarter) {
      this.lastQuarter = quarter;
      // what is measured differs a little from the forecast: +-6 points
      const pct = Math.max(0, Math.min(100, Math.round(profileAt(this.renewProfile, this.o.tz, now) + (hash01(quarter, 5) - 0.5) * 12)));
      this.call(`agg.setRenewable(${pct}, ${now})`);
      this.renewableReports++;
    }
    this.planRuns(now);
    for (const r of this.runs) {
      if (r.status === "refused") continue;
      r.status = now >= r.startS + RUN_S ? "done" : now >= r.startS ? "running" : "planned";
    }
  }

  /** A deferrable load without a pending run gets the next one, alternating cheapest and greenest. */
  private planRuns(now: number): void {
    for (const m of this.o.meters) {
      if (m.appliance.kind !== "washing-machine" || !m.hasRelay) continue;
      const mine = this.runs.filter((r) => r.address === m.address);
      const last = mine[mine.length - 1];
      if (last && (last.status === "planned" || last.status === "running" || (last.status === "refused" && now - Date.parse(last.plannedAt) / 1000 < 3600))) continue;
      // two loads of laundry a day: the first in the cheapest window, the second in the greenest
      const today = localDay(this.o.tz, now);
      const done = mine.filter((r) => r.status !== "refused" && localDay(this.o.tz, Date.parse(r.plannedAt) / 1000) === today).length;
      if (done >= RUNS_PER_DAY) continue;
      const mode = done === 0 ? "cheapest" : "greenest";
      // the run is planned by the web API's own handler (POST /api/defer in the control
      // routes' Storage module, route.ctl), as the browser app would: the planner is not resident
      const body = JSON.stringify({ a: m.address, dur: RUN_S / 60, wh: RUN_WH, by: new Date((now + PLAN_HORIZON_S) * 1000).toISOString().slice(0, 19) + "Z", mode });
      const c = `{method:"POST",path:"/api/defer",query:{},headers:{"content-type":"application/json"},body:${JSON.stringify(body)},nowS:${now},session:"sim"}`;
      const res = this.call(`(function(){try{return global.eval(require("Storage").read("route.ctl"))({agg:agg},${c},"POST /api/defer").body}catch(e){return JSON.stringify({error:e&&e.msg?e.msg:String(e)})}})()`);
      const a = JSON.parse(String(res)) as { id?: number; startS?: number | null; costEur?: string | null; error?: string };
      const p = { r: a.id === undefined ? String(a.error) : a.id, startS: a.startS || 0, costMc: a.costEur === undefined || a.costEur === null ? null : Number(a.costEur) * 1e5 };
      const ok = typeof p.r === "number";
      const run: PlacedRun = {
        address: m.address, load: m.appliance.name, mode, plannedAt: new Date(now * 1000).toISOString(), decision: ok ? (p.r as number) : 0,
        error: ok ? "" : String(p.r), startS: p.startS, start: ok ? localText(this.o.tz, p.startS) : "",
        expectedCostEUR: ok && p.costMc !== null && isFinite(p.costMc) ? Math.round(p.costMc / 1000) / 100 : null, status: ok ? "planned" : "refused",
      };
      this.runs.push(run);
      if (ok) this.o.onPlanned(m, p.startS);
      this.o.log(`${m.appliance.name} (meter ${m.address}) ${ok ? mode + " run planned at " + run.start + ", expected cost " + run.expectedCostEUR + " EUR (decision #" + run.decision + ")" : "run refused: " + run.error}`);
    }
  }

  stop(): void {
    if (this.sub) this.sub.detach();
    this.sub = undefined;
  }
}
