/**
 * Fixed data for the golden images and the behaviour tests: a household meter at
 * 2026-12-07 14:30 UTC with a day of profile, one flagged 10-minute aggregate with
 * harmonics, three events and a CAN link with a few rejected frames.
 */
import { emptyView, type MeterView } from "../../modules/ui/meterView.ts";

export const FIXTURE_UTC_S = Date.UTC(2026, 11, 7, 14, 30, 12) / 1000;

export function fixtureView(): MeterView {
  const v = emptyView("meter-3", 3);
  v.utcS = FIXTURE_UTC_S;
  v.reading = {
    tS: 3600, flagged: false, fHz: 49.987, vRmsV: 231.42, iRmsA: 6.184, pW: 1391.7, qVar: 287.3, sVA: 1431.1, nVA: 200.1, pf: 0.972, thdVPct: 2.31, thdIPct: 11.85,
    importWh: 1234567.8, exportWh: 45678.9, importVarh: 0, exportVarh: 0, flags: 0, flagsSince: 0,
  };
  v.dayStartWh = [1224321.5, 45012.3];
  v.monthStartWh = [1180000.0, 40000.0];
  const hV = new Float32Array(51), hI = new Float32Array(51);
  hV[1] = 230; hI[1] = 6;
  for (let g = 2; g <= 50; g++) {
    hV[g] = g & 1 ? (230 * 0.03) / g : (230 * 0.004) / g;
    hI[g] = g & 1 ? (6 * 0.35) / g : (6 * 0.01) / g;
  }
  v.aggregate = {
    interval: "10min", startS: FIXTURE_UTC_S - 612, spanS: 600, windows: 3000, complete: true, flagged: true,
    fHz: 49.99, vRmsV: 231.2, iRmsA: 6.1, pW: 1380, qVar: 280, sVA: 1410, nVA: 190, pf: 0.97, thdVPct: 2.35, thdIPct: 12.1, hV, hI,
  };
  // 7 days of 15-minute slots: a household day (night base, morning and evening peaks),
  // solar export around noon on the last three days, and two hours off on day 5
  const n = 672, p = new Float32Array(n);
  const endSlot = Math.floor(FIXTURE_UTC_S / 900);
  for (let i = 0; i < n; i++) {
    const slot = endSlot - (n - 1 - i), h = ((slot % 96) + 96) % 96 / 4, day = Math.floor((n - 1 - i) / 96);
    let w = 250 + 1800 * Math.exp(-((h - 7.5) ** 2) / 1.5) + 2600 * Math.exp(-((h - 19) ** 2) / 3);
    if (day < 3) w -= 3200 * Math.max(0, Math.cos(((h - 12.5) / 12) * Math.PI * 1.6));
    p[i] = w;
  }
  for (let i = 200; i < 208; i++) p[i] = NaN;
  v.profileW = p;
  v.profileEndUtcS = (endSlot + 1) * 900;
  v.events = [
    { kind: "dip", startUtcS: FIXTURE_UTC_S - 7200.25, durationS: 0.12, residualPct: 71.3 },
    { kind: "interruption", startUtcS: FIXTURE_UTC_S - 3000.5, durationS: 4.5, residualPct: 2.1 },
    { kind: "swell", startUtcS: FIXTURE_UTC_S - 400, durationS: 0.06, residualPct: 112.4 },
  ];
  v.network = { address: 3, state: "error-active", lastPollUtcS: FIXTURE_UTC_S - 1, tec: 0, rec: 2, rejects: { mac: 3, freshness: 1, length: 0, unknownId: 12 }, epoch: 17 };
  return v;
}
