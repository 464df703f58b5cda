/**
 * One load: its latest values and an SVG graph of the last 24 hours of 15-minute
 * average power, with the live power as a dot at the right edge. The page refreshes
 * itself every 30 s. The path is streamed 24 points per chunk.
 */
import { Ctx, Reply, fail } from "../../http/types";
import { intField } from "../../http/request";
import { WebApp } from "./webApp";
import { page, esc, age } from "./layout";
import { PROFILE_SLOTS, SLOT_S, L_T, L_N, L_V, L_I } from "../readingsStore";
import { localText } from "../localTime";
import { kWh } from "../billing";
import { todaymWh, stateText } from "./dashboard";

export const GW = 720, GH = 250, GX = 50, GY = 26;

export function meterRow(app: WebApp, c: Ctx): number {
  const m = app.agg.reg.indexOf(intField(c.query, "a", 1, 127));
  if (m < 0) fail(404, "no meter at that address");
  return m;
}

/** Rounds a positive power up to 1, 2 or 5 x 10^k W so the axis reads well. */
export function niceMaxW(w: number): number {
  let s = 100;
  for (;;) {
    if (w <= s) return s;
    if (w <= s * 2) return s * 2;
    if (w <= s * 5) return s * 5;
    s *= 10;
  }
}

export function loadPage(app: WebApp, c: Ctx): Reply {
  const a = app.agg;
  const m = meterRow(app, c);
  const info = a.reg.list[m];
  const endSlot = Math.floor(c.nowS / SLOT_S);
  const prof = a.store.profileOf(m, endSlot, new Float32Array(PROFILE_SLOTS));
  const live = a.powerW(m);
  let hi = isFinite(live) ? Math.abs(live) : 0;
  let neg = live < 0;
  for (let k = 0; k < PROFILE_SLOTS; k++) if (!isNaN(prof[k])) { hi = Math.max(hi, Math.abs(prof[k])); if (prof[k] < 0) neg = true; }
  const top = niceMaxW(hi);
  const bottom = neg ? -top : 0;
  const plotW = GW - GX - 20, plotH = GH - GY - 28;
  const x = (k: number) => GX + Math.round((k * plotW) / PROFILE_SLOTS);
  const y = (w: number) => GY + Math.round(((top - w) * plotH) / (top - bottom));
  const l = a.store.latest;
  let pen = false;
  return page(c, app, info.name, 30, (i) => {
    if (i === 0) {
      return "<table><tr><th>Power now</th><th>Today import / export</th><th>Voltage</th><th>Current</th><th>State</th><th>Household</th><th>Reading age</th></tr><tr><td>" +
        (isNaN(live) ? "-" : Math.round(live) + " W") + "</td><td>" + kWh(todaymWh(app, m, c.nowS, 0)).slice(0, -3) + " / " + kWh(todaymWh(app, m, c.nowS, 1)).slice(0, -3) + " kWh</td><td>" +
        (isNaN(l[m * L_N + L_V]) ? "-" : l[m * L_N + L_V].toFixed(1) + " V") + "</td><td>" + (isNaN(l[m * L_N + L_I]) ? "-" : l[m * L_N + L_I].toFixed(2) + " A") + "</td><td>" +
        stateText(app, m) + "</td><td>" + esc(info.household) + "</td><td>" + age(c.nowS, l[m * L_N + L_T]) + "</td></tr></table><h2>Power, last 24 hours (15-minute averages)</h2>";
    }
    if (i === 1) {
      let s = '<svg id=graph width=' + GW + " height=" + GH + ' viewBox="0 0 ' + GW + " " + GH + '" font-size=11 font-family=sans-serif>';
      for (let g = 0; g <= 4; g++) {
        const w = bottom + ((top - bottom) * g) / 4;
        s += "<line x1=" + GX + " x2=" + (GX + plotW) + " y1=" + y(w) + " y2=" + y(w) + ' stroke="' + (w === 0 ? "#889" : "#e3e7eb") + '"/><text x=' + (GX - 4) + " y=" + (y(w) + 4) + " text-anchor=end>" + w + "</text>";
      }
      for (let k = 0; k <= PROFILE_SLOTS; k += 16) {
        s += "<text x=" + x(k) + " y=" + (GH - 8) + " text-anchor=middle>" + localText(a.cfg.tz, (endSlot - PROFILE_SLOTS + k) * SLOT_S).slice(11) + "</text>";
      }
      return s + '<text x=4 y=14>W</text><path id=profile fill=none stroke="#2d6a9f" stroke-width=2 d="';
    }
    const from = (i - 2) * 24;
    if (from < PROFILE_SLOTS) {
      let s = "";
      for (let k = from; k < from + 24; k++) {
        if (isNaN(prof[k])) { pen = false; continue; }
        // each average is drawn across its quarter hour
        s += (pen ? "L" : "M") + x(k) + " " + y(prof[k]) + "H" + x(k + 1);
        pen = true;
      }
      return s;
    }
    if (from === PROFILE_SLOTS) {
      return '"/>' + (isNaN(live) ? "" : "<circle id=live cx=" + x(PROFILE_SLOTS) + " cy=" + y(live) + ' r=5 fill="#e76f51"/><text x=' + x(PROFILE_SLOTS) + ' y=14 text-anchor=end fill="#e76f51">now ' + Math.round(live) + " W</text>") +
        "</svg><p class=m>Refreshed every 30 s. <a href=/api/load?a=" + info.address + ">JSON</a></p>";
    }
    return null;
  });
}
