/**
 * The JSON API's answers as a client reads them (modules/aggregator/pages/ writes them
 * as streamed text, so nothing on the device states their type). A quantity the
 * aggregator does not know yet (no reading, no price) is null; OBIS-named quantities
 * are in base units (W, Wh, V, A); times are UTC epoch seconds; money is exact
 * decimal text in EUR. Errors: any 4xx/5xx answers ApiProblem.
 */
import type { TimeZone } from "../aggregator/localTime";

export interface ApiProblem { error: string; field?: string; }

/** GET /api/session (public). */
export interface ApiSession { loggedIn: boolean; user: string | null; csrf: string | null; firstRun: boolean; publicRead: boolean; }

/** GET /api/state: one entry per configured meter, in configuration order. */
export interface ApiMeter {
  address: number;
  name: string;
  household: string;
  relay: boolean;
  connected: boolean;
  manual: boolean;
  /** The meter stopped answering: its power is left out of siteW and decisions. */
  offline: boolean;
  timeS: number | null;
  "1-0:1.7.0": number | null;
  "1-0:2.7.0": number | null;
  /** Energy totals, Wh: never lower than before (a register that went back counts in registerResets). */
  "1-0:1.8.0": number | null;
  "1-0:2.8.0": number | null;
  /** Times this meter's registers went back (meter replaced or reset); the totals above were kept. */
  registerResets: number;
  "1-0:32.7.0": number | null;
  "1-0:31.7.0": number | null;
  todayImportWh: number;
  todayExportWh: number;
  /**
   * What may be wrong with the values above, as [flags of the latest reading's window,
   * flags of every window since the reading before (that one included)]: the meter's
   * MEAS_QUALITY bits, named by modules/web/qualityFlags.ts. null: the meter sent none.
   */
  quality: ApiQuality;
}

export type ApiQuality = [number, number] | null;

export interface ApiState {
  timeS: number;
  tz: TimeZone;
  limitW: number;
  /** Sum of the loads' power (export negative), offline meters left out. */
  siteW: number;
  renewable: { pct: number | null; timeS: number | null };
  cogenerator: { state: string; powerW: number | null; timeS: number | null };
  price: { nowEurMWh: number | null; nextEurMWh: number | null; nextS: number };
  meters: ApiMeter[];
}

/** GET /api/load?a=ADDRESS: 96 quarter hours ending now (power, price) and the last 7 local days. */
export interface ApiLoad {
  address: number;
  offline: boolean;
  "1-0:1.7.0": number | null;
  /** As ApiMeter's: the quality of the power value above. */
  quality: ApiQuality;
  startS: number;
  stepS: number;
  powerW: (number | null)[];
  priceEurMWh: (number | null)[];
  days: { day: string; startS: number; hours: number; importWh: number; exportWh: number; priceEurMWh: number | null }[];
}

/** GET /api/prices: the imported day-ahead series, newest block first. */
export interface ApiPrices { blocks: { startS: number; stepS: number; eurMWh: number[] }[]; }

export type ApiReason = "price" | "renewables" | "limit" | "ok" | "manual" | "plan" | "start" | "override" | "cancel" | "auto" | "?";

/**
 * GET /api/decisions: planned deferrable runs, then the decision log newest first. The
 * figures of each reason: price: v price now, v2 the load's ceiling (mc/kWh, /100 for
 * EUR/MWh); renewables: v now, v2 the load's floor (%); limit: v site power, v2
 * contracted (W); manual: v until (s); plan: v planned start (s), v2 expected cost
 * (milli-cents, null: no prices); start: v planned start; override/cancel: v decision id.
 */
export interface ApiDecisions {
  planned: { address: number; startS: number; endS: number; green: boolean; costEur: string | null; running: boolean }[];
  decisions: { id: number; timeS: number; address: number; action: "plan" | "connect" | "disconnect"; reason: ApiReason; v: number | null; v2: number | null }[];
}

/** A load's bill (with `address`) or a household's (with `household`); money as exact decimal text. */
export interface ApiBillRow {
  address?: number;
  household?: string;
  "1-0:1.8.0": string;
  importCostEur: string;
  "1-0:2.8.0": string;
  exportCreditEur: string;
  netEur: string;
}

/** GET /api/bill?from=YYYY-MM-DD&to=YYYY-MM-DD: loads first, then households. */
export interface ApiBill {
  from: string;
  to: string;
  daysHeld: number;
  currency: string;
  /** Digits of the currency's minor unit: amounts are shown rounded to it. */
  minorUnits: number;
  energyUnit: "kWh";
  bills: ApiBillRow[];
}

/** The answer of a POST /api/... that succeeded. */
export interface ApiResult { ok: true; [k: string]: unknown; }

/** GET /api/ota (control level): the staged image and each target of the update (modules/ota/aggregatorOta.ts). */
export interface ApiOta {
  /** watching: the transfer is over; the switched meters are asked for their boot reports (trial, confirmed, reverted). */
  phase: "idle" | "manifests" | "chunks" | "status" | "commit" | "abort" | "done" | "watching";
  available: boolean;
  counter: number | null;
  staged: { size: number; written: number; image: number; version: number; meterBundle: boolean } | null;
  /** state: pending, asking, receiving, verified, switched, failed (cause), trial, confirmed, reverted (cause: the reason). */
  meters: { a: number; state: string; cause: string | null; have: number; total: number }[];
}
