/**
 * JSON API, the reading half: everything the browser app shows, quantities named by
 * OBIS codes (IEC 62056-61) in base units: 1-0:1.7.0 active power import (W),
 * 1-0:2.7.0 active power export (W), 1-0:1.8.0 active energy import (Wh), 1-0:2.8.0
 * active energy export (Wh), 1-0:32.7.0 voltage L1 (V), 1-0:31.7.0 current L1 (A).
 * Money as exact decimal text in EUR (5 decimals: the ledger's milli-cents; the app
 * shows the currency's minor unit), prices in EUR/MWh. Times are UTC epoch seconds;
 * the site's zone rule comes with /api/state so the browser shows site local time.
 * Lists stream one element per chunk. host/web/apiTypes.ts types every answer.
 * quality: [the latest reading's window's quality bits, those of every window since the
 * reading before] (modules/web/qualityFlags.ts names them); null: unknown.
 */
import { Ctx, Reply } from "../../http/types";
import { WebApp } from "./webApp";
import { L_T, L_IMP, L_EXP, L_V, L_I, PROFILE_SLOTS, SLOT_S } from "../readingsStore";
import { LOG_N } from "../decisions";
import { CO_STATES } from "../aggregator";
import { localDay, dayStartS, dayText } from "../localTime";
import { fmtFixed } from "../fixedPoint";
import { meterRow } from "./actions";

const num = (v: number) => (isFinite(v) ? v : null);
const eurMWh = (mc: number) => (isNaN(mc) ? null : mc / 100);
/** The store's quality word of meter m (readingsStore.ts quality) as the API's [flags, since]. */
function quality(app: WebApp, m: number) {
  const q = app.agg.store.qualityOf(m);
  return q < 0 ? null : [q & 0xffff, q >> 16];
}

/** A JSON list streamed one element per chunk, between `head` and `tail`. */
export function jsonList(head: string, n: number, item: (k: number) => unknown, tail: string): Reply {
  return { status: 200, chunks: (i) => (i === 0 ? head + "[" : i <= n ? (i > 1 ? "," : "") + JSON.stringify(item(i - 1)) : i === n + 1 ? "]" + tail : null) };
}

export function apiState(app: WebApp, c: Ctx): Reply {
  // this route's helpers are made when it runs, not when route.read is evaluated for
  // another route (each function object costs about 6 JsVars on Espruino)
  /** Energy imported (dir 0) or exported (1) today by meter m, mWh, including the interval in progress. */
  function todaymWh(m: number, nowS: number, dir: number): number {
    const s = app.agg.store;
    const d = localDay(app.agg.cfg.tz, nowS);
    return s.sum(m, d, d, new Float64Array(4))[dir] + s.openmWh(m, dir);
  }
  /** Start of the price interval after the one in force at tS (the next hour when no block covers tS). */
  function nextPriceS(tS: number): number {
    const b = app.agg.prices.blocks;
    for (let i = 0; i < b.length; i++) {
      const k = Math.floor((tS - b[i].startS) / b[i].stepS);
      if (k >= 0 && k < b[i].values.length) return b[i].startS + (k + 1) * b[i].stepS;
    }
    return Math.floor(tS / 3600) * 3600 + 3600;
  }
  const a = app.agg;
  const n = a.reg.count;
  let siteW = 0;
  for (let m = 0; m < n; m++) if (!a.isOffline(m) && isFinite(a.powerW(m))) siteW += a.powerW(m);
  const next = nextPriceS(c.nowS);
  const head = JSON.stringify({
    timeS: c.nowS, tz: a.cfg.tz, limitW: a.cfg.limitW, siteW: Math.round(siteW),
    renewable: { pct: num(a.renewPct), timeS: num(a.renewS) },
    cogenerator: { state: CO_STATES[a.coState], powerW: num(a.coPowerW), timeS: num(a.coS) },
    price: { nowEurMWh: eurMWh(a.prices.at(c.nowS)), nextEurMWh: eurMWh(a.prices.at(next)), nextS: next },
  });
  return jsonList(head.slice(0, -1) + ',"meters":', n, (m) => {
    const s = a.store;
    const p = a.powerW(m);
    return {
      quality: quality(app, m),
      address: a.reg.address[m], name: a.reg.name(m), household: a.reg.household(m), relay: a.reg.hasRelay(m), connected: !!a.dec.state[m], manual: a.dec.ovr[m] >= 0,
      offline: a.isOffline(m), timeS: num(s.latestOf(m, L_T)),
      "1-0:1.7.0": num(p > 0 ? p : 0), "1-0:2.7.0": num(p < 0 ? -p : 0), "1-0:1.8.0": num(s.latestOf(m, L_IMP) / 1000), "1-0:2.8.0": num(s.latestOf(m, L_EXP) / 1000), registerResets: s.resets[m],
      "1-0:32.7.0": num(s.latestOf(m, L_V)), "1-0:31.7.0": num(s.latestOf(m, L_I)), todayImportWh: todaymWh(m, c.nowS, 0) / 1000, todayExportWh: todaymWh(m, c.nowS, 1) / 1000,
    };
  }, "}");
}

/**
 * One load: the last 24 h as 15-minute average power with the price of each interval,
 * and the last 7 local days' imported and exported energy with their mean price.
 */
export function apiLoad(app: WebApp, c: Ctx): Reply {
  const a = app.agg;
  const m = meterRow(app, c.query);
  const end = Math.floor(c.nowS / SLOT_S);
  const start = (end - PROFILE_SLOTS) * SLOT_S;
  const today = localDay(a.cfg.tz, c.nowS);
  // the history read first and whole: the 7 days' sums (import, export, cost, credit
  // each), then the profile, whose read lets the NOR history go (profileOf, lazyHistory.ts)
  // before the answer is built (measured on 2v29: read in chunk 9, the days loaded it a
  // second time beside the reply, ~200 JsVars above the first: branch lazy16)
  const days = new Float64Array(28);
  for (let d = today - 6, k = 0; d <= today; d++, k += 4) a.store.sum(m, d, d, days.subarray(k, k + 4));
  const prof = a.store.profileOf(m, end, new Float32Array(PROFILE_SLOTS));
  const head = JSON.stringify({ address: a.reg.address[m], offline: a.isOffline(m), "1-0:1.7.0": num(a.powerW(m)), quality: quality(app, m), startS: start, stepS: SLOT_S });
  return {
    status: 200,
    chunks: (i) => {
      if (i === 0) return head.slice(0, -1) + ',"powerW":[';
      if (i <= 4) {
        // a quarter of the day per chunk: power, then price
        let s = "";
        for (let k = (i - 1) * 24; k < i * 24; k++) s += (k ? "," : "") + JSON.stringify(num(prof[k]));
        return s;
      }
      if (i <= 8) {
        let s = i === 5 ? '],"priceEurMWh":[' : "";
        for (let k = (i - 5) * 24; k < (i - 4) * 24; k++) s += (k ? "," : "") + JSON.stringify(eurMWh(a.prices.at(start + k * SLOT_S)));
        return s;
      }
      if (i === 9) {
        let s = '],"days":[';
        for (let d = today - 6, k = 0; d <= today; d++, k += 4) {
          const e = days.subarray(k, k + 4);
          const t0 = dayStartS(a.cfg.tz, d), t1 = dayStartS(a.cfg.tz, d + 1);
          let sum = 0, cnt = 0;
          for (let t = t0; t < t1; t += SLOT_S) { const p = a.prices.at(t); if (!isNaN(p)) { sum += p; cnt++; } }
          if (d === today) { e[0] += a.store.openmWh(m, 0); e[1] += a.store.openmWh(m, 1); }
          s += (d > today - 6 ? "," : "") + JSON.stringify({ day: dayText(d), startS: t0, hours: (t1 - t0) / 3600, importWh: e[0] / 1000, exportWh: e[1] / 1000, priceEurMWh: cnt ? Math.round(sum / cnt) / 100 : null });
        }
        return s + "]}";
      }
      return null;
    },
  };
}

/** The imported day-ahead prices, newest block first. */
export function apiPrices(app: WebApp): Reply {
  const b = app.agg.prices.blocks;
  return jsonList("{\"blocks\":", b.length, (k) => {
    const v: number[] = [];
    for (let i = 0; i < b[k].values.length; i++) v.push(b[k].values[i] / 100);
    return { startS: b[k].startS, stepS: b[k].stepS, eurMWh: v };
  }, "}");
}

export function apiDecisions(app: WebApp): Reply {
  /** Reasons by code (decisions.ts R_*): the app turns code and figures into a sentence. Made here: 11 strings are about 25 JsVars. */
  const REASONS = ["", "price", "renewables", "limit", "ok", "manual", "plan", "start", "override", "cancel", "auto"];
  const d = app.agg.dec;
  const addr = app.agg.reg.address;
  const jobs = d.jobs.map((j) => ({ address: addr[j.m], startS: j.startS, endS: j.endS, green: j.green, costEur: isNaN(j.costMc) ? null : fmtFixed(j.costMc, 5), running: j.running }));
  return jsonList('{"planned":' + JSON.stringify(jobs) + ',"decisions":', Math.min(d.seq, LOG_N), (k) => {
    const i = (d.seq - 1 - k) % LOG_N;
    return { id: d.lid[i], timeS: d.lt[i], address: addr[d.lm[i]], action: d.la[i] === 2 ? "plan" : d.la[i] ? "connect" : "disconnect", reason: REASONS[d.lr[i]] || "?", v: num(d.lv[i]), v2: num(d.lv2[i]) };
  }, "}");
}

/**
 * The reading routes' Storage module (route.read, built from app/aggregator/routes/read.ts):
 * what the browser app polls, loaded for one request and dropped (routeTable.ts).
 */
export function readModule(app: WebApp, c: Ctx, k: string): Reply {
  return k === "GET /api/state" ? apiState(app, c) : k === "GET /api/load" ? apiLoad(app, c) : k === "GET /api/prices" ? apiPrices(app) : apiDecisions(app);
}
