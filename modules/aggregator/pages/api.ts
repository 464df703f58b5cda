/**
 * JSON API: everything the pages show, quantities named by OBIS codes (IEC 62056-61)
 * in base units: 1-0:1.7.0 active power import (W), 1-0:2.7.0 active power export
 * (W), 1-0:1.8.0 active energy import (Wh), 1-0:2.8.0 active energy export (Wh),
 * 1-0:32.7.0 voltage L1 (V), 1-0:31.7.0 current L1 (A). Money in EUR as decimal
 * text (exact), prices in EUR/MWh.
 */
import { Ctx, Reply } from "../../http/types";
import { WebApp } from "./webApp";
import { L_N, L_T, L_IMP, L_EXP, L_V, L_I, PROFILE_SLOTS, SLOT_S, LEDGER_DAYS } from "../readingsStore";
import { LOG_N } from "../decisions";
import { CO_STATES } from "../aggregator";
import { reasonText, actionText } from "./reasons";
import { todaymWh } from "./dashboard";
import { meterRow } from "./loadPage";
import { bill, households, kWh, eur } from "../billing";
import { period } from "./billPage";
import { fmtFixed } from "../fixedPoint";

const J = "application/json";
const num = (v: number) => (isFinite(v) ? v : null);

export function apiState(app: WebApp, c: Ctx): Reply {
  const a = app.agg;
  const n = a.reg.list.length;
  return {
    status: 200, type: J,
    chunks: (i) => {
      if (i === 0) {
        const head = JSON.stringify({
          timeS: c.nowS, renewable: { pct: num(a.renewPct), timeS: num(a.renewS) }, cogenerator: { state: CO_STATES[a.coState], powerW: num(a.coPowerW), timeS: num(a.coS) },
          price: { nowEurMWh: num(a.prices.at(c.nowS) / 100), nextHourEurMWh: num(a.prices.at(Math.floor(c.nowS / 3600) * 3600 + 3600) / 100) }, limitW: a.cfg.limitW,
        });
        return head.slice(0, -1) + ',"meters":[';
      }
      if (i > n) return i === n + 1 ? "]}" : null;
      const m = i - 1;
      const info = a.reg.list[m];
      const l = a.store.latest;
      const b = m * L_N;
      const p = a.powerW(m);
      return (m ? "," : "") + JSON.stringify({
        address: info.address, name: info.name, household: info.household, relay: info.hasRelay, connected: !!a.dec.state[m], manual: a.dec.ovr[m] >= 0, timeS: num(l[b + L_T]),
        "1-0:1.7.0": num(p > 0 ? p : 0), "1-0:2.7.0": num(p < 0 ? -p : 0), "1-0:1.8.0": num(l[b + L_IMP] / 1000), "1-0:2.8.0": num(l[b + L_EXP] / 1000),
        "1-0:32.7.0": num(l[b + L_V]), "1-0:31.7.0": num(l[b + L_I]), todayImportWh: todaymWh(app, m, c.nowS, 0) / 1000, todayExportWh: todaymWh(app, m, c.nowS, 1) / 1000,
      });
    },
  };
}

export function apiLoad(app: WebApp, c: Ctx): Reply {
  const m = meterRow(app, c);
  const end = Math.floor(c.nowS / SLOT_S);
  const prof = app.agg.store.profileOf(m, end, new Float32Array(PROFILE_SLOTS));
  const w: (number | null)[] = [];
  for (let k = 0; k < PROFILE_SLOTS; k++) w.push(num(prof[k]));
  const body = JSON.stringify({ address: app.agg.reg.list[m].address, "1-0:1.7.0": num(app.agg.powerW(m)), profile: { startS: (end - PROFILE_SLOTS) * SLOT_S, stepS: SLOT_S, powerW: w } });
  return { status: 200, type: J, body: body };
}

/** A JSON array streamed one element per chunk, between `head` and `tail`. */
function jsonList(head: string, n: number, item: (k: number) => unknown, tail: string): Reply {
  return { status: 200, type: J, chunks: (i) => (i === 0 ? head + "[" : i <= n ? (i > 1 ? "," : "") + JSON.stringify(item(i - 1)) : i === n + 1 ? "]" + tail : null) };
}

export function apiDecisions(app: WebApp): Reply {
  const d = app.agg.dec;
  const list = app.agg.reg.list;
  const jobs = d.jobs.map((j) => ({ address: list[j.m].address, startS: j.startS, endS: j.endS, costEur: isNaN(j.costMc) ? null : fmtFixed(j.costMc, 5), running: j.running }));
  return jsonList('{"planned":' + JSON.stringify(jobs) + ',"decisions":', Math.min(d.seq, LOG_N), (k) => {
    const i = (d.seq - 1 - k) % LOG_N;
    return { id: d.lid[i], timeS: d.lt[i], address: list[d.lm[i]].address, action: actionText(d.la[i]), reason: reasonText(app.agg, i) };
  }, "}");
}

export function apiBill(app: WebApp, c: Ctx): Reply {
  const a = app.agg;
  const p = period(c, a.cfg.tz);
  const row = (b: Float64Array) => ({ "1-0:1.8.0": kWh(b[0]), importCostEur: eur(b[2]), "1-0:2.8.0": kWh(b[1]), exportCreditEur: eur(b[3]), netEur: eur(b[2] - b[3]) });
  const hh = households(a.reg);
  const n = a.reg.list.length;
  // loads first, then households, one per chunk
  return jsonList('{"fromDay":' + p[0] + ',"toDay":' + p[1] + ',"daysHeld":' + LEDGER_DAYS + ',"energyUnit":"kWh","bills":', n + hh.length, (k) =>
    k < n ? Object.assign({ address: a.reg.list[k].address }, row(bill(a.store, a.reg, (x) => x === k, p[0], p[1])))
      : Object.assign({ household: hh[k - n] }, row(bill(a.store, a.reg, (x) => a.reg.list[x].household === hh[k - n], p[0], p[1]))), "}");
}

