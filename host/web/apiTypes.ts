/**
 * The JSON API's answers as a client reads them (modules/aggregator/pages/api.ts writes
 * them as streamed text, so nothing on the device states their type). A quantity the
 * aggregator does not know yet (no reading, no price) is null; OBIS-named quantities
 * are in base units (W, Wh, V, A).
 */

/** GET /api/state: one entry per configured meter, in configuration order. */
export interface ApiMeter {
  address: number;
  name: string;
  household: string;
  relay: boolean;
  connected: boolean;
  manual: boolean;
  timeS: number | null;
  "1-0:1.7.0": number | null;
  "1-0:2.7.0": number | null;
  "1-0:1.8.0": number | null;
  "1-0:2.8.0": number | null;
  "1-0:32.7.0": number | null;
  "1-0:31.7.0": number | null;
  todayImportWh: number;
  todayExportWh: number;
}

export interface ApiState {
  timeS: number;
  renewable: { pct: number | null; timeS: number | null };
  cogenerator: { state: string; powerW: number | null; timeS: number | null };
  price: { nowEurMWh: number | null; nextHourEurMWh: number | null };
  limitW: number;
  meters: ApiMeter[];
}

/** GET /api/load?a=ADDRESS: the load's 15-minute average power over the last day. */
export interface ApiLoad {
  address: number;
  "1-0:1.7.0": number | null;
  profile: { startS: number; stepS: number; powerW: (number | null)[] };
}

/** GET /api/decisions: planned deferrable runs, then the decision log newest first. */
export interface ApiDecisions {
  planned: { address: number; startS: number; endS: number; costEur: string | null; running: boolean }[];
  decisions: { id: number; timeS: number; address: number; action: "plan" | "connect" | "disconnect"; reason: string }[];
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

/** GET /api/bill?from=DAY&to=DAY: loads first, then households. */
export interface ApiBill {
  fromDay: number;
  toDay: number;
  daysHeld: number;
  energyUnit: "kWh";
  bills: ApiBillRow[];
}

/** The answer of a POST /api/... action that succeeded (a refused one is a 4xx with plain text). */
export interface ApiResult {
  ok: true;
  msg: string;
}
