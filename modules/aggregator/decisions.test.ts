import { test } from "node:test";
import assert from "node:assert/strict";
import { Aggregator } from "./aggregator.ts";
import { restoreAggregator } from "./restoreState.ts";
import { planStart } from "./deferrable.ts";
import { PriceBook } from "./priceBook.ts";
import { loadPrices } from "./priceImport.ts";
import { manual, schedule, override } from "./decisionChanges.ts";
import { R_PRICE, R_LIMIT, R_OK, R_PLAN, R_START, R_MANUAL, R_OVERRIDE, R_CANCEL, R_RENEW, R_RECONNECT, R_HELD, R_BUDGET, R_OFFLINE } from "./decisions.ts";
import { config, memStorage } from "./testing/fixtures.ts";

const utc = (s: string) => Date.parse(s) / 1000;
const T0 = utc("2026-07-01T00:00Z");

function book(startS: number, eurMWh: number[]) {
  const b = new PriceBook(4);
  b.put([{ startS, stepS: 3600, values: new Int32Array(eurMWh.map((p) => p * 100)) }]);
  return b;
}

test("cheapest start meeting the deadline, hand-computed", () => {
  const b = book(T0, [50, 40, 30, 20, 10, 15, 25, 60, 70]);
  // 2 h run of 2 kWh, deadline 08:00: windows 03-05 = 20+10 = 30, 04-06 = 10+15 = 25 (best),
  // 03:45-05:45 = 0.25x20 + 10 + 0.75x15 = 26.25. Cost: 2 kWh x 12.5 EUR/MWh = 2.5 ct.
  const p = planStart(b, null, T0 + 60, 7200, 2000, T0 + 8 * 3600, false)!;
  assert.equal(p.startS, T0 + 4 * 3600);
  assert.equal(p.costMc, 2500);
  assert.ok(p.priced);
  // deadline 05:00 leaves 03:00 (20+10 -> 3 ct)
  const q = planStart(b, null, T0, 7200, 2000, T0 + 5 * 3600, false)!;
  assert.equal(q.startS, T0 + 3 * 3600);
  assert.equal(q.costMc, 3000);
  assert.equal(planStart(b, null, T0, 7200, 2000, T0 + 3600, false), null, "does not fit");
  // greenest: forecast peaks at 06-07
  const g = book(T0, [0, 0, 10, 10, 20, 30, 90, 90, 10]);
  assert.equal(planStart(b, g, T0, 3600, 1000, T0 + 9 * 3600, true)!.startS, T0 + 6 * 3600);
  // no prices at all: as soon as possible, cost unknown
  const none = planStart(new PriceBook(2), null, T0 + 1, 3600, 1000, T0 + 9 * 3600, false)!;
  assert.equal(none.startS, T0 + 900);
  assert.ok(!none.priced && isNaN(none.costMc));
});

function site() {
  const sent: string[] = [];
  const cfg = config();
  cfg.meters[0].maxPriceMc = 20000;
  cfg.meters[2].minRenewPct = 30;
  const a = new Aggregator(cfg, memStorage(), { sendCommand: (addr, c) => { sent.push(addr + ":" + c); return 0; } });
  return { a, sent };
}
function reading(a: Aggregator, address: number, t: number, w: number) {
  a.onReading({ address, timeS: t, powerW: w, importmWh: 0, exportmWh: 0 });
}
const reasons = (a: Aggregator) => Array.from({ length: Math.min(a.dec.seq, 16) }, (_, k) => a.dec.lr[k]);

test("price and renewable thresholds with hold time against flapping", () => {
  const { a, sent } = site();
  loadPrices(a, `{"start":"2026-07-01T00:00Z","prices":[100,300,100,100]}`);
  reading(a, 1, T0, 2000); reading(a, 3, T0, 100);
  a.tick(T0 + 10);
  assert.deepEqual(sent, []);
  a.tick(T0 + 3600);
  assert.deepEqual(sent, ["1:disconnect"]);
  assert.equal(a.dec.lr[0], R_PRICE);
  assert.equal(a.dec.lv[0], 30000);
  a.tick(T0 + 7200);                // price back to 100 and hold (300 s) long over
  assert.deepEqual(sent, ["1:disconnect", "1:connect"]);
  assert.equal(a.dec.lr[1], R_OK);
  a.renewPct = 10; a.renewS = T0 + 7200;
  a.tick(T0 + 7201);
  assert.deepEqual(sent.slice(2), ["3:disconnect"]);
  assert.equal(a.dec.lr[2], R_RENEW);
  a.renewPct = 50;
  a.tick(T0 + 7300);                // within hold: no reconnect yet
  assert.equal(sent.length, 3);
  a.tick(T0 + 7501);
  assert.deepEqual(sent.slice(3), ["3:connect"]);
});

test("contracted limit sheds lowest priority first and reconnects below 90 %", () => {
  const { a, sent } = site();
  a.cfg.limitW = a.dec.limitW = 5000;
  reading(a, 1, T0, 3000); reading(a, 2, T0, 1000); reading(a, 3, T0, 2500);
  a.tick(T0 + 1);
  // 6.5 kW > 5 kW: heater (priority 1) goes before the fridge (5); PV has no relay
  assert.deepEqual(sent, ["1:disconnect"]);
  assert.equal(a.dec.lr[0], R_LIMIT);
  reading(a, 1, T0 + 2, 0);
  a.tick(T0 + 400);                 // 3.5 kW + 3 kW > 4.5 kW: stays off
  assert.equal(sent.length, 1);
  reading(a, 3, T0 + 401, 400);
  a.tick(T0 + 402);                 // 1.4 + 3 = 4.4 kW <= 4.5 kW
  assert.deepEqual(sent, ["1:disconnect", "1:connect"]);
  // each line quotes the figures before the action: 6.5 kW over 5 kW when shed,
  // 1.4 kW + the heater's 3 kW against the 4.5 kW band when reconnected
  assert.deepEqual([a.dec.lr[0], a.dec.lv[0], a.dec.lv2[0], a.dec.lv3[0]], [R_LIMIT, 6500, 5000, 3000]);
  assert.deepEqual([a.dec.lr[1], a.dec.lv[1], a.dec.lv2[1], a.dec.lv3[1]], [R_RECONNECT, 1400, 4500, 3000]);
});

test("site power oscillating around the limit: no load switched more than maxSwitchesPerHour in any hour", (t) => {
  for (const maxPerHour of [2, 4, 6]) {
    for (const hold of [0, 60, 300]) {
      const sent: { t: number; m: string }[] = [];
      let now = 0;
      const cfg = config();
      cfg.limitW = 5000; cfg.holdS = hold; cfg.maxSwitchesPerHour = maxPerHour; cfg.hysteresisPct = 5;
      const a = new Aggregator(cfg, memStorage(), { sendCommand: (addr, c) => { sent.push({ t: now, m: addr + ":" + c }); return 0; } });
      // 4 hours: the heater draws 3 kW when connected; the fridge swings 1.2..2.6 kW every 20 s,
      // so the site sits at the limit, above it when the heater is on, below the band when off
      for (now = T0; now < T0 + 4 * 3600; now += 10) {
        const fridgeW = 1900 + 700 * Math.sin(now / 20);
        reading(a, 1, now, a.dec.state[0] ? 3000 : 0);
        reading(a, 3, now, a.dec.state[2] ? fridgeW : 0);
        a.tick(now);
      }
      const heater = sent.filter((x) => x.m.startsWith("1:")).map((x) => x.t);
      assert.ok(heater.length >= 4, `the heater is switched at all (${heater.length}x, max ${maxPerHour}, hold ${hold})`);
      for (const t of heater) {
        const inHour = heater.filter((u) => u > t - 3600 && u <= t).length;
        assert.ok(inHour <= maxPerHour, `${inHour} switches in the hour up to ${t - T0} s (max ${maxPerHour}, hold ${hold})`);
      }
      // the budget is used: the worst hour reaches the maximum
      const worst = Math.max(...heater.map((t) => heater.filter((u) => u > t - 3600 && u <= t).length));
      assert.equal(worst, maxPerHour, `worst hour (max ${maxPerHour}, hold ${hold})`);
      t.diagnostic(`maxSwitchesPerHour ${maxPerHour}, holdS ${hold}: heater switched ${heater.length} times in 4 h, worst sliding hour ${worst}`);
      // protection is never held back: whenever the site was over the limit with the heater on, it was shed at once
      assert.ok(sent.filter((x) => x.m === "3:disconnect").length === 0, "the fridge (higher priority) is never shed");
    }
  }
});

test("a load that stays off says why: held by the minimum time, by the budget, by the limit", () => {
  const { a, sent } = site();
  a.cfg.limitW = a.dec.limitW = 5000;
  a.dec.flap.maxPerHour = 4;
  reading(a, 1, T0, 3000); reading(a, 3, T0, 2500);
  a.tick(T0);
  assert.deepEqual(sent, ["1:disconnect"]);
  reading(a, 1, T0 + 1, 0); reading(a, 3, T0 + 1, 500);
  a.tick(T0 + 100);                  // 0.5 + 3 kW is under the band, but the heater was switched 100 s ago
  assert.deepEqual([a.dec.why[0], a.dec.untilS[0]], [R_HELD, T0 + 300]);
  a.tick(T0 + 300);
  assert.deepEqual(sent, ["1:disconnect", "1:connect"]);
  reading(a, 1, T0 + 301, 3000); reading(a, 3, T0 + 301, 2500);
  a.tick(T0 + 301);                  // shed again at once: protection ignores the hold
  assert.deepEqual(sent.slice(2), ["1:disconnect"]);
  reading(a, 1, T0 + 302, 0);
  a.tick(T0 + 400);                  // 2.5 + 3 kW > 4.5 kW: the limit keeps it off, with the projected figure
  assert.deepEqual([a.dec.why[0], a.dec.whyV[0]], [R_LIMIT, 5500]);
  reading(a, 3, T0 + 601, 500);
  a.tick(T0 + 601);                  // 3 switches in the hour, budget 4 keeps one for a shed: held until the first ages out
  assert.equal(sent.length, 3);
  assert.deepEqual([a.dec.why[0], a.dec.whyV[0], a.dec.untilS[0]], [R_BUDGET, 3, T0 + 3600]);
  a.tick(T0 + 3600);
  assert.deepEqual(sent.slice(3), ["1:connect"]);
  // a person gives a load back to Auto: the log line says when the rules may act
  manual(a.dec, T0 + 3700, 0, -1, 0);
  assert.equal(a.dec.lv[(a.dec.seq - 1) % 16], T0 + 3600 + 300);
});

test("a meter missing polls goes offline: out of site power and decisions, logged both ways", () => {
  const { a, sent } = site();
  a.cfg.limitW = a.dec.limitW = 5000;
  a.cfg.offlineAfterMisses = 2;
  reading(a, 1, T0, 1000); reading(a, 3, T0, 4500);
  a.tick(T0);
  assert.deepEqual(sent, ["1:disconnect"], "5.5 kW: the heater is shed");
  assert.equal(a.pollResult(3, false, T0 + 1), true);
  assert.equal(a.isOffline(2), false, "one miss is not offline");
  a.pollResult(3, false, T0 + 2);
  assert.equal(a.isOffline(2), true);
  assert.ok(Number.isNaN(a.powerW(2)), "its last power no longer counts");
  const i = (a.dec.seq - 1) % 16;
  assert.deepEqual([a.dec.lr[i], a.dec.lm[i], a.dec.lv[i], a.dec.lv2[i]], [R_OFFLINE, 2, 2, 1]);
  a.tick(T0 + 400);                  // site power without the fridge: 0 W + 1 kW back <= 4.5 kW
  assert.deepEqual(sent, ["1:disconnect", "1:connect"]);
  assert.equal(a.dec.why[2], R_OFFLINE, "no decision for the offline meter");
  a.pollResult(3, true, T0 + 401);
  assert.equal(a.isOffline(2), false);
  assert.deepEqual([a.dec.lr[(a.dec.seq - 1) % 16], a.dec.lv2[(a.dec.seq - 1) % 16]], [R_OFFLINE, 0]);
  assert.equal(a.pollResult(42, false, T0), false, "not a meter");
  assert.equal(a.isOffline(7), true, "not a meter row");
});

test("intervals billed without an imported price are counted, never silent", () => {
  const { a } = site();
  const lines: string[] = [];
  a.logLine = (l) => lines.push(l);
  loadPrices(a, `{"start":"2026-07-01T00:00Z","resolution":"PT15M","prices":[100,200]}`);
  a.onReading({ address: 1, timeS: T0 + 1, powerW: 1000, importmWh: 0, exportmWh: 0 });
  a.onReading({ address: 1, timeS: T0 + 901, powerW: 1000, importmWh: 250_000, exportmWh: 0 });
  a.onReading({ address: 1, timeS: T0 + 1801, powerW: 1000, importmWh: 500_000, exportmWh: 0 });
  assert.equal(a.unpricedSlots, 0);
  a.onReading({ address: 1, timeS: T0 + 2701, powerW: 1000, importmWh: 750_000, exportmWh: 0 });
  assert.equal(a.unpricedSlots, 1, "the third quarter hour had no price");
  assert.equal(a.unpricedS, T0 + 1800);
  assert.deepEqual(lines, [`aggregator: no imported price for the interval at ${T0 + 1800}: billed at defaultPriceMc`]);
  // bills use the imported prices: the energy counted from the second reading on, 0.25 kWh at
  // 200 EUR/MWh (the second quarter hour), then 0.25 kWh at the default 50 EUR/MWh: 5000 + 1250 mc
  assert.equal(a.store.sum(0, 0, 1e6, new Float64Array(4))[2], 250 * 20_000 / 1000 + 250 * 5000 / 1000);
});

test("deferrable run: planned, held off, started at its time; overrides", () => {
  const { a, sent } = site();
  loadPrices(a, `{"start":"2026-07-01T00:00Z","prices":[50,40,30,20,10,15,25,60,70]}`);
  const id = schedule(a.dec, T0 + 60, 2, 7200, 2000, T0 + 8 * 3600, false, a.prices, null);
  assert.equal(id, 1);
  assert.equal(a.dec.lr[0], R_PLAN);
  assert.equal(a.dec.lv[0], T0 + 4 * 3600);
  assert.equal(a.dec.lv2[0], 2500);
  a.tick(T0 + 61);
  assert.deepEqual(sent, ["3:disconnect"], "held off until its start");
  a.tick(T0 + 4 * 3600);
  assert.deepEqual(sent, ["3:disconnect", "3:connect"]);
  assert.equal(a.dec.lr[2], R_START);
  a.tick(T0 + 6 * 3600 + 1);
  assert.equal(a.dec.jobs.length, 0);
  // override a planned run: cancelled, load back to the rules
  const id2 = schedule(a.dec, T0 + 6 * 3600 + 2, 2, 3600, 1000, T0 + 9 * 3600, false, a.prices, null) as number;
  a.tick(T0 + 6 * 3600 + 400);
  assert.equal(sent.at(-1), "3:disconnect");
  assert.equal(override(a.dec, T0 + 6 * 3600 + 401, id2), "");
  assert.equal(a.dec.lr[(a.dec.seq - 1) % 16], R_CANCEL);
  a.tick(T0 + 6 * 3600 + 700);
  assert.equal(sent.at(-1), "3:connect");
  // override a switch: reversed at once (manual skips the hold)
  override(a.dec, T0 + 6 * 3600 + 701, a.dec.seq);
  assert.equal(a.dec.lr[(a.dec.seq - 1) % 16], R_OVERRIDE);
  a.tick(T0 + 6 * 3600 + 702);
  assert.equal(sent.at(-1), "3:disconnect");
  assert.equal(a.dec.lr[(a.dec.seq - 1) % 16], R_MANUAL);
  assert.match(override(a.dec, T0, 999), /no decision #999/);
  assert.equal(schedule(a.dec, T0, 1, 3600, 1, T0 + 100, false, a.prices, null), "this load has no relay to start it");
});

test("failed commands are counted and retried", () => {
  let ok = false;
  const cfg = config();
  cfg.meters[0].maxPriceMc = 0;
  const a = new Aggregator(cfg, memStorage(), { sendCommand: () => (ok ? 0 : -16) });
  loadPrices(a, `{"start":"2026-07-01T00:00Z","prices":[100]}`);
  a.tick(T0 + 1);
  assert.equal(a.dec.failures, 1);
  assert.equal(a.dec.seq, 0);
  ok = true;
  a.tick(T0 + 2);
  assert.equal(a.dec.seq, 1);
  assert.equal(a.dec.state[0], 0);
});

test("a damaged saved decision state is logged and counted; the readings still restore", () => {
  const st = memStorage();
  const cfg = config();
  const a = new Aggregator(cfg, st, { sendCommand: () => 0 });
  for (let t = T0; t < T0 + 3600; t += 300) { a.onReading({ address: 1, timeS: t, powerW: 1200, importmWh: (t - T0) * 100, exportmWh: 0 }); a.tick(t + 1); }
  a.save(T0 + 3600);
  for (const damaged of ['{"j": [', '{"j": 5}']) {
    st.files["agg.st"] = damaged;
    const b = new Aggregator(cfg, st, { sendCommand: () => 0 });
    const lines: string[] = [];
    b.logLine = (l) => { lines.push(l); };
    assert.equal(restoreAggregator(b), "readings", damaged);
    assert.equal(b.stateErrors, 1, damaged);
    assert.equal(lines.length, 1, damaged);
    assert.match(lines[0], /^aggregator: agg\.st damaged, plans and overrides lost: (SyntaxError|TypeError)/, damaged);
    assert.equal(b.store.latest[2], a.store.latest[2], "the counters came back");
  }
});

test("a damaged or foreign agg.now / agg.rs is logged and counted, not silently skipped", () => {
  const st = memStorage();
  const a = new Aggregator(config(), st, { sendCommand: () => 0 });
  a.onReading({ address: 1, timeS: T0, powerW: 1200, importmWh: 5000, exportmWh: 0 });
  a.save(T0 + 1);
  st.files["agg.now"] = st.files["agg.now"].slice(0, -8); // a torn write, or another meter count
  st.files["agg.rs"] = "MN1";
  const b = new Aggregator(config(), st, { sendCommand: () => 0 });
  const lines: string[] = [];
  b.logLine = (l) => { lines.push(l); };
  assert.equal(restoreAggregator(b), "decisions");
  assert.equal(b.stateErrors, 2);
  assert.deepEqual(lines, [
    "aggregator: agg.now damaged, latest values, open interval and today's ledger rows lost",
    "aggregator: agg.rs damaged, register offsets lost: a total may step back once",
  ]);
  // absent files (a first boot) are not damage
  const c = new Aggregator(config(), memStorage(), { sendCommand: () => 0 });
  assert.equal(restoreAggregator(c), "");
  assert.equal(c.stateErrors, 0);
});

test("a reboot loses nothing older than one save interval", () => {
  const st = memStorage();
  const cfg = config();
  const a = new Aggregator(cfg, st, { sendCommand: () => 0 });
  let imp = 0;
  for (let t = T0; t < T0 + 86400 + 3600; t += 300) {
    imp += 100_000;
    a.onReading({ address: 1, timeS: t, powerW: 1200, importmWh: imp, exportmWh: 0 });
    a.tick(t + 1);
  }
  const savedAt = a.savedS;
  const b = new Aggregator(cfg, st, { sendCommand: () => 0 });
  assert.equal(restoreAggregator(b), "ledger readings decisions");
  // the profile is written as each interval closes (profileArchive.ts): all of it is back
  const end = a.store.openSlot; // the 96 intervals closed last
  assert.deepEqual([...b.store.profileOf(0, end, new Float32Array(96))], [...a.store.profileOf(0, end, new Float32Array(96))]);
  assert.equal(a.store.profileOf(0, end, new Float32Array(96)).filter((w) => w === 1200).length, 96, "a full day of 1.2 kW");
  assert.ok(savedAt > T0 + 86400, "saved during the second day");
  assert.equal(b.store.latest[2], ((savedAt - 1 - T0) / 300 + 1) * 100_000, "counter as of the last save");
  // the energy after the save is not lost: the meter's counter carries it into the next reading
  b.onReading({ address: 1, timeS: T0 + 90000, powerW: 1200, importmWh: imp + 100_000, exportmWh: 0 });
  b.tick(T0 + 90000 + 900);
  a.onReading({ address: 1, timeS: T0 + 90000, powerW: 1200, importmWh: imp + 100_000, exportmWh: 0 });
  a.tick(T0 + 90000 + 900);
  const sa = a.store.sum(0, 0, 1e6, new Float64Array(4)), sb = b.store.sum(0, 0, 1e6, new Float64Array(4));
  assert.equal(sb[0], sa[0]);
  assert.equal(sb[0], imp + 100_000 - 100_000, "all energy since the baseline reading");
  assert.equal(reasons(a).length, 0);
  // plans survive a reboot, an unknown cost stays unknown
  a.dec.jobs.push({ m: 0, startS: T0 + 2e5, endS: T0 + 2e5 + 3600, costMc: NaN, green: false, running: false });
  a.save(T0 + 90000 + 901);
  const c2 = new Aggregator(cfg, st, { sendCommand: () => 0 });
  restoreAggregator(c2);
  assert.equal(c2.dec.jobs.length, 1);
  assert.ok(Number.isNaN(c2.dec.jobs[0].costMc));
});

test("a tick skipped because nothing changed decides exactly what a full evaluation decides", (tc) => {
  // Two sites fed the same random day: one evaluates in full every tick (no siteW given),
  // the other skips ticks with nothing new. Every command, log line and stated reason must match.
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const mk = (full: boolean) => {
    const sent: string[] = [];
    const cfg = config();
    cfg.limitW = 5000; cfg.holdS = 120; cfg.offlineAfterMisses = 2;
    cfg.meters[0].maxPriceMc = 15000;
    cfg.meters[2].minRenewPct = 40;
    const a = new Aggregator(cfg, memStorage(), { sendCommand: (addr, c) => { sent.push(addr + ":" + c); return sent.length % 13 === 5 ? -16 : 0; } });
    if (full) {
      const ev = a.dec.evaluate;
      a.dec.evaluate = function (nowS, c) { c.siteW = undefined; ev.call(this, nowS, c); };
    }
    loadPrices(a, `{"start":"2026-07-01T00:00Z","resolution":"PT15M","prices":[${Array.from({ length: 96 }, (_, k) => 50 + 120 * ((k * 37) % 11) / 10).join(",")}]}`);
    return { a, sent };
  };
  const x = mk(false), y = mk(true);
  let skipped = 0;
  const evals = { n: 0 };
  const full = x.a.dec["full" as keyof typeof x.a.dec] as unknown as (...p: unknown[]) => void;
  (x.a.dec as unknown as { full: (...p: unknown[]) => void }).full = function (...p: unknown[]) { evals.n++; full.apply(this, p); };
  for (let t = T0; t < T0 + 6 * 3600; t++) {
    const r = rnd();
    for (const s of [x, y]) {
      const save = seed;
      if (r < 0.08) { const addr = 1 + Math.floor(rnd() * 3); s.a.onReading({ address: addr, timeS: t, powerW: s.a.dec.state[addr - 1] || addr === 2 ? Math.round(rnd() * 4000) : 0, importmWh: t, exportmWh: 0 }); }
      else if (r < 0.085) s.a.setRenewable(Math.round(rnd() * 100), t);
      else if (r < 0.088) s.a.pollResult(1 + Math.floor(rnd() * 3), rnd() < 0.4, t);
      else if (r < 0.0885) manual(s.a.dec, t, 2, rnd() < 0.5 ? 1 : -1, t + 600);
      else if (r < 0.089) schedule(s.a.dec, t, 0, 1800, 500, t + 7200, false, s.a.prices, null);
      if (s === x) seed = save; // the same random draws for both sites
    }
    const before = evals.n;
    x.a.tick(t); y.a.tick(t);
    if (evals.n === before) skipped++;
    assert.deepEqual(x.sent, y.sent, `commands at ${t - T0} s`);
    assert.equal(x.a.dec.seq, y.a.dec.seq);
    for (const k of ["state", "why", "whyV", "untilS", "shedW", "lv", "lv2", "lv3", "lr", "lt"] as const) {
      assert.deepEqual([...x.a.dec[k]], [...y.a.dec[k]], `${k} at ${t - T0} s`);
    }
  }
  assert.ok(x.sent.length > 20, `the day switched loads (${x.sent.length} commands)`);
  assert.ok(skipped > 6 * 3600 * 0.5, `most ticks skipped (${skipped} of ${6 * 3600})`);
  assert.ok(x.a.dec.failures > 0 && x.a.dec.failures === y.a.dec.failures, "failed commands retried alike");
  tc.diagnostic(`${x.sent.length} commands (${x.a.dec.failures} failed and retried), ${skipped} of ${6 * 3600} ticks skipped`);
});
