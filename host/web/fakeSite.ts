/**
 * A site with made-up but plausible data for the web server on Node: four loads
 * (washing machine, heater, fridge, rooftop PV that exports), 26 hours of readings
 * fed through the same onReading seam the CAN poller uses, day-ahead prices for
 * today and tomorrow, renewable and co-generator status. Deterministic: the same
 * `nowS` gives the same pages.
 */
import { Aggregator, AggConfig } from "../../modules/aggregator/aggregator.ts";
import { loadPrices } from "../../modules/aggregator/priceImport.ts";
import { Auth, passwordHash } from "../../modules/http/auth.ts";
import { hex } from "../../modules/http/hmac.ts";
import { createHandler } from "../../modules/http/server.ts";
import { routes } from "../../modules/aggregator/pages/routes.ts";
import { localDay, dayStartS } from "../../modules/aggregator/localTime.ts";
import { memStorage } from "../../modules/aggregator/testing/fixtures.ts";
import { nodeHash } from "./nodeHash.ts";
import { folderFiles } from "./assets.ts";
import { fakeOta } from "./fakeOta.ts";

export const PASSWORD = "correct horse";

export function siteConfig(): AggConfig {
  return {
    maxMeters: 8, tz: { stdOffsetS: 3600, euDst: true }, importAdderMc: 12000, exportTariffMc: 5000, defaultPriceMc: 10000,
    limitW: 9000, holdS: 300, saveIntervalS: 900,
    meters: [
      { address: 1, name: "Washing machine", household: "Flat 1", keyId: 1, hasRelay: true, priority: 2 },
      { address: 2, name: "Electric heater", household: "Flat 1", keyId: 2, hasRelay: true, priority: 1, maxPriceMc: 14000 },
      { address: 3, name: "Fridge", household: "Flat 2", keyId: 3, hasRelay: true, priority: 9 },
      { address: 4, name: "Rooftop PV", household: "Flat 2", keyId: 4, hasRelay: false, priority: 5 },
    ],
  };
}

/** Power of meter address `a` at time t (W, export negative). */
export function fakePowerW(a: number, t: number): number {
  const h = ((t / 3600) % 24 + 24) % 24;
  if (a === 1) return h >= 9 && h < 11 ? 2000 + 200 * Math.round(Math.sin(t / 500) * 3) : 3;
  if (a === 2) return h < 7 || h > 17 ? 1800 : 400;
  if (a === 3) return Math.floor(t / 1200) % 3 === 0 ? 120 : 8;
  const sun = Math.sin(((h - 6) / 12) * Math.PI);
  return sun > 0 ? -Math.round(3200 * sun) : 0;
}

/** The meter whose readings carry a quality flag (clipped-i, bit 1 of modules/web/qualityFlags.ts), and that flag. */
export const FLAGGED_METER = 4;
export const CLIPPED_I = 0x0002;

export function makeSite(nowS: number, opts: { publicRead?: boolean; iterations?: number; noPassword?: boolean } = {}) {
  const sent: string[] = [];
  const agg = new Aggregator(siteConfig(), memStorage(), { sendCommand: (a, c) => { sent.push(a + ":" + c); return 0; } });
  const tz = agg.cfg.tz;
  const day = localDay(tz, nowS);
  for (let d = day - 1; d <= day + 1; d++) {
    const s = dayStartS(tz, d), n = (dayStartS(tz, d + 1) - s) / 3600;
    const prices = Array.from({ length: n }, (_, h) => 40 + 60 * Math.round(10 * (1 + Math.sin((h - 3) / 3.8))) / 10 + (d % 3) * 5);
    const e = loadPrices(agg, JSON.stringify({ start: new Date(s * 1000).toISOString().slice(0, 16) + "Z", prices }));
    if (e) throw new Error(e);
  }
  const counters = new Map<number, number[]>();
  /** One reading per meter at time t, through the CAN seam; a disconnected relay draws nothing. */
  const feed = (t: number) => {
    Array.from({ length: agg.reg.count }, (_, i) => agg.reg.info(i)).forEach((m, i) => {
      const c = counters.get(m.address) ?? [1e6 * m.address, 5e5];
      const p = m.hasRelay && !agg.dec.state[i] ? 0 : fakePowerW(m.address, t);
      if (p > 0) c[0] += Math.round(p * 1000 / 60); else c[1] += Math.round(-p * 1000 / 60);
      counters.set(m.address, c);
      // meter 4's current clipped in a window since its previous reading (quality: [window, since] as MEAS_QUALITY sends them)
      agg.onReading({ address: m.address, timeS: t, powerW: p, importmWh: c[0], exportmWh: c[1], voltageV: 229.5 + (m.address % 3), currentA: Math.abs(p) / 230, quality: m.address === FLAGGED_METER ? CLIPPED_I << 16 : 0 });
    });
  };
  for (let t = nowS - 26 * 3600; t <= nowS; t += 60) feed(t);
  agg.renewPct = 62; agg.renewS = nowS - 95;
  agg.coState = 3; agg.coPowerW = 4500; agg.coS = nowS - 20;
  agg.tick(nowS);
  feed(nowS); // the relays the first decisions opened now show no power
  const salt = nodeHash.random(16);
  const iterations = opts.iterations ?? 64;
  const auth = new Auth(nodeHash, opts.noPassword ? { user: "", saltHex: "", hashHex: "", iterations: 1, sessionS: 3600, maxFailures: 5, lockS: 300 }
    : { user: "admin", saltHex: hex(salt), hashHex: passwordHash(nodeHash, salt, PASSWORD, iterations), iterations, sessionS: 3600, maxFailures: 5, lockS: 300 });
  const saved: object[] = [];
  const publicRead = opts.publicRead ?? true;
  const app = { agg, auth, files: folderFiles(), publicRead, saveAuth: (c: object) => { saved.push({ ...c }); return true; } };
  let clock = nowS;
  const ota = fakeOta(); // the Updates page's device (NOR and a sender that switches at once)
  const server = createHandler({ routes: routes(app, ota), auth, publicRead, apiToken: "test-token", nowS: () => clock });
  return { agg, auth, app, server, sent, saved, ota, setNow: (t: number) => { clock = t; }, feed };
}
