/** Decision log entries as text: codes and numbers become sentences here only. */
import { Aggregator } from "../aggregator";
import { R_PRICE, R_RENEW, R_LIMIT, R_OK, R_MANUAL, R_PLAN, R_START, R_OVERRIDE, R_CANCEL, R_AUTO, A_PLAN } from "../decisions";
import { fmtFixed } from "../fixedPoint";
import { localText } from "../localTime";

export const eurMWh = (mc: number) => (isNaN(mc) ? "?" : fmtFixed(mc, 2));

export function reasonText(a: Aggregator, i: number): string {
  const d = a.dec;
  const v = d.lv[i], v2 = d.lv2[i];
  const tz = a.cfg.tz;
  switch (d.lr[i]) {
    case R_PRICE: return "price " + eurMWh(v) + " EUR/MWh above " + eurMWh(v2);
    case R_RENEW: return "renewables " + v + " % below " + v2 + " %";
    case R_LIMIT: return "site power " + Math.round(v) + " W vs contracted " + v2 + " W: shed by priority";
    case R_OK: return "price, renewables and site power within limits";
    case R_MANUAL: return "manual, until " + localText(tz, v);
    case R_PLAN: return d.la[i] !== A_PLAN ? "held off until its planned start " + localText(tz, v) : "deferred run planned to start " + localText(tz, v) + (isNaN(v2) ? " (no prices: earliest)" : ", expected cost " + fmtFixed(v2, 5) + " EUR");
    case R_START: return "deferred run starts (planned " + localText(tz, v) + ")";
    case R_OVERRIDE: return "override of decision #" + v;
    case R_CANCEL: return "planned run cancelled (override of #" + v + ")";
    case R_AUTO: return "manual control ended: back to the rules";
  }
  return "?";
}

export const actionText = (x: number) => (x === A_PLAN ? "plan" : x ? "connect" : "disconnect");
