/**
 * End-to-end in a real browser (Debian's chromium driven by playwright-core) at
 * 1280x900 and 390x844: the first-run password page sets the password and logs in;
 * every page (dashboard, load, prices, billing, control, login) loads with no console
 * error, no horizontal overflow (document width equals the viewport's) and no serious
 * or critical axe-core violation; a 15-minute ENTSO-E file of two days including the
 * autumn DST day is imported through the file chooser (and a bad CSV shows its line
 * and reason); a load is disconnected through its confirmation (and a cancelled one
 * sends nothing). A screenshot of each page at each size goes to build/screenshots/.
 * Serves the device handler on Node with the fake site and the built app (build/web).
 * Prints "N passed, M failed" last; exits non-zero on any failure.
 */
import { chromium, type Page, type BrowserContext } from "playwright-core";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { createHash } from "node:crypto";
import assert from "node:assert/strict";
import { startDevServer } from "./devServer.ts";
import { PASSWORD, FLAGGED_METER } from "./fakeSite.ts";
import { entsoe15, BAD_CSV } from "./priceFiles.ts";
import type { ApiPrices, ApiState } from "./apiTypes.ts";

// page.evaluate callbacks run in the browser (host code is typed without the DOM)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any, window: any;

const shots = join(import.meta.dirname, "../../build/screenshots");
mkdirSync(shots, { recursive: true });
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
let passed = 0, failed = 0;
async function step(name: string, fn: () => Promise<void>) {
  try { await fn(); passed++; console.log("ok   " + name); } catch (e) { failed++; console.log("FAIL " + name + ": " + ((e as Error).stack ?? e)); }
}

const site = await startDevServer(0);
const base = `http://127.0.0.1:${site.port}`;
const tmp = mkdtempSync(join(tmpdir(), "meternet-e2e-"));
const SIZES = [{ width: 1280, height: 900 }, { width: 390, height: 844 }];

async function browserAt(size: { width: number; height: number }) {
  const dir = mkdtempSync(join(tmp, "profile-"));
  // the app runs under the device's CSP (a violation is a console error); axe-core is
  // evaluated through the debugging protocol, which the CSP does not govern
  return chromium.launchPersistentContext(dir, {
    executablePath: "/usr/bin/chromium", headless: true, viewport: size,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/** Opens a route of the app and waits until that page has drawn (a hash change keeps the old page until then). */
async function open(page: Page, url: string, title: string) {
  await page.goto(url);
  await page.waitForFunction((t) => document.querySelector("main")?.dataset.page !== undefined && document.querySelector("main h1")?.textContent === t && document.title.startsWith(t), title);
}

/** Console errors and page errors of a page since the last call. */
function watch(page: Page) {
  const errors: string[] = [];
  void page.addInitScript(() => document.addEventListener("securitypolicyviolation", (e: { violatedDirective: string; blockedURI: string }) => console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  return () => errors.splice(0);
}

async function check(page: Page, name: string, size: { width: number; height: number }, errors: () => string[]) {
  await page.waitForSelector("main h1");
  await page.waitForLoadState("networkidle");
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.equal(w, size.width, name + ": document " + w + " px wide in a " + size.width + " px viewport");
  await page.evaluate(AXE_SOURCE);
  const v = await page.evaluate(async () => (await (window as unknown as { axe: { run: (o: object) => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe.run({ resultTypes: ["violations"] })).violations);
  const bad = v.filter((x) => x.impact === "serious" || x.impact === "critical");
  assert.deepEqual(bad.map((x) => x.id + " (" + x.impact + ", " + x.nodes.length + ")"), [], name + ": axe");
  assert.deepEqual(errors(), [], name + ": console errors");
  await page.screenshot({ path: join(shots, `${name}-${size.width}x${size.height}.png`), fullPage: true });
  return v.length;
}

const contexts: BrowserContext[] = [];
const freshSites: Awaited<ReturnType<typeof startDevServer>>[] = [];
try {
  const xml = entsoe15("2026-10-25", 2);
  const xmlPath = join(tmp, "day-ahead-2026-10-25-PT15M.xml");
  writeFileSync(xmlPath, xml.xml);
  const otaPath = join(tmp, "meter.js"); // 3 pieces, with the mark a meter bundle carries
  writeFileSync(otaPath, "print('meternet meter: e2e');" + "x".repeat(3030 - 29));
  const badPath = join(tmp, "prices-bad.csv");
  writeFileSync(badPath, BAD_CSV);

  for (const size of SIZES) {
    const tag = size.width + "x" + size.height;
    const ctx = await browserAt(size);
    contexts.push(ctx);
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const errors = watch(page);
    const fresh = await startDevServer(0, undefined, { noPassword: true });
    freshSites.push(fresh);

    await step(`${tag}: first run sets the administrator password, then logs in`, async () => {
      const fbase = `http://127.0.0.1:${fresh.port}`;
      await page.goto(fbase + "/");
      await page.waitForURL(/#\/setup$/);
      await check(page, "setup", size, errors);
      await page.fill("#user", "admin");
      await page.fill("#password", "long enough 1");
      await page.fill("#again", "long enough 2");
      await page.click("form button[type=submit]");
      await page.waitForSelector(".msg.err");
      assert.match((await page.textContent(".msg"))!, /the two passwords differ/);
      const pw = "first-run-" + size.width;
      await page.fill("#password", pw);
      await page.fill("#again", pw);
      await Promise.all([page.waitForURL(/#\/control$/), page.click("form button[type=submit]")]);
      await page.waitForSelector("text=Log out");
      assert.equal(fresh.auth.firstRun(), false);
      assert.equal(typeof fresh.auth.login("admin", pw, Date.now() / 1000, "test"), "string");
      // a second try at the first-run route is refused without a session
      const r = await fetch(fbase + "/api/password", { method: "POST", headers: { "content-type": "application/json" }, body: '{"password":"takeover!!"}' });
      assert.equal(r.status, 401);
      errors();
    });

    await step(`${tag}: login page, wrong then right password`, async () => {
      await open(page, base + "/#/login", "Log in");
      await check(page, "login", size, errors);
      await page.fill("#password", "wrong password");
      await page.click("form button[type=submit]");
      await page.waitForSelector(".msg.err");
      assert.match((await page.textContent(".msg"))!, /wrong user or password/);
      errors(); // the refused login's 401 is logged by the browser as a failed resource
      await page.fill("#password", PASSWORD);
      await Promise.all([page.waitForURL(/#\/control$/), page.click("form button[type=submit]")]);
      await page.waitForSelector("text=Log out");
    });

    await step(`${tag}: dashboard shows the site table and every load with state and age`, async () => {
      await open(page, base + "/#/", "Dashboard");
      const api = (await (await fetch(base + "/api/state")).json()) as ApiState;
      const text = (await page.textContent("main"))!;
      for (const s of ["Renewable availability", "62 %", "Co-generator", "running, 4" , "Price now", "Next price", "Site power", "of 9" ]) assert.ok(text.includes(s), s);
      for (const m of api.meters) assert.ok(text.includes(m.name), m.name);
      // a flagged value carries its mark, and the legend says what the mark means
      const flagged = api.meters.findIndex((m) => m.address === FLAGGED_METER);
      assert.deepEqual(api.meters[flagged].quality, [0, 2], "the API carries the flags");
      assert.equal(await page.textContent(`main tbody tr:nth-child(${flagged + 1}) abbr.qf`), " ⚑I");
      assert.equal(await page.getAttribute(`main tbody tr:nth-child(${flagged + 1}) abbr.qf`, "title"), "quality flags: clipped-i");
      assert.equal((await page.$$("main tbody abbr.qf")).length, 1, "only the flagged meter is marked");
      assert.match((await page.textContent("main .legend"))!, /⚑ marks a value the meter flagged.*I clipped-i: a current sample reached the ADC's end/);
      assert.match((await page.textContent(".asof"))!, /^Data as of \d{4}-\d\d-\d\d \d\d:\d\d/);
      await check(page, "dashboard", size, errors);
      // a meter that stopped answering is marked offline on its row
      const was = site.agg.isOffline;
      site.agg.isOffline = (m: number) => m === 2;
      try {
        await page.evaluate(() => window.dispatchEvent(new window.HashChangeEvent("hashchange")));
        await page.waitForSelector("main tbody tr:nth-child(3) .tag.off");
        assert.equal(await page.textContent("main tbody tr:nth-child(3) .tag.off"), "offline");
        await page.screenshot({ path: join(shots, `dashboard-offline-meter-${tag}.png`), fullPage: true });
      } finally { site.agg.isOffline = was; }
      // the aggregator out of reach: the last data stays, marked offline
      await ctx.setOffline(true);
      await page.evaluate(() => window.dispatchEvent(new window.HashChangeEvent("hashchange")));
      await page.waitForSelector(".asof .tag.off");
      assert.match((await page.textContent(".asof"))!, /Data as of .*offline: the aggregator does not answer/);
      assert.ok(await page.isVisible("text=Electric heater"), "last data still shown");
      await page.screenshot({ path: join(shots, `dashboard-offline-${tag}.png`), fullPage: true });
      await ctx.setOffline(false);
      errors();
    });

    await step(`${tag}: load page draws power with price, hourly energy with export, 7 days`, async () => {
      await page.click("a[href='#/load/4']");
      await page.waitForSelector("svg.chart");
      const charts = await page.$$("svg.chart");
      assert.equal(charts.length, 3);
      const legend = (await page.textContent("main"))!;
      assert.match(legend, /export \(W, below zero\)/);
      assert.match(legend, /price \(EUR\/MWh\) \(right axis\)/);
      const bars = await page.$$eval("svg.chart >> nth=0", (s) => s[0].querySelectorAll(".s-exp rect").length);
      assert.ok(bars > 10, "export bars drawn: " + bars);
      const ticks = await page.$$eval("svg.chart >> nth=0", (s) => [...s[0].querySelectorAll("text.u")].map((t) => t.textContent));
      assert.ok(ticks.some((t) => /^\d\d-\d\d$/.test(t ?? "")), "dates on the time axis: " + ticks.join(","));
      // this load's current is flagged: current and power carry the mark, voltage does not
      const marks = await page.$$eval("main table.kv tr", (rows) => rows.map((r) => [r.children[0]?.textContent, r.querySelector("abbr.qf")?.textContent ?? ""]));
      assert.deepEqual(marks.filter((x) => x[1] !== ""), [["Power", " ⚑I"], ["Current", " ⚑I"]]);
      assert.match((await page.textContent("main .legend"))!, /I clipped-i/);
      await check(page, "load", size, errors);
    });

    await step(`${tag}: price import by file chooser (15 min, two days, DST day) and a refused file`, async () => {
      await open(page, base + "/#/prices", "Prices");
      const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.click("#pricefile")]);
      await chooser.setFiles(badPath);
      await page.waitForSelector("#import .err:not([hidden])");
      assert.match((await page.textContent("#import .err"))!, /prices-bad\.csv: line 3: price 'zz' is not a number/);
      const [chooser2] = await Promise.all([page.waitForEvent("filechooser"), page.click("#pricefile")]);
      await chooser2.setFiles(xmlPath);
      await page.waitForSelector("#import button:not([disabled])");
      assert.match((await page.textContent("#import [role=status]"))!, /196 prices from 2026-10-25 00:00 UTC\+2 to 2026-10-27 00:00/);
      await page.click("#import button");
      await page.waitForSelector(".msg.ok");
      const p = (await (await fetch(base + "/api/prices")).json()) as ApiPrices;
      const dst = p.blocks.find((b) => b.startS === Date.parse("2026-10-24T22:00Z") / 1000)!;
      assert.ok(dst, "the DST day's block is stored");
      assert.equal(dst.stepS, 900);
      assert.equal(dst.eurMWh.length, 100, "25 hours of quarter hours");
      assert.ok(p.blocks.some((b) => b.startS === Date.parse("2026-10-25T23:00Z") / 1000 && b.eurMWh.length === 96));
      // The page says "imported" first and then redraws from the API: wait for the redraw, not the message.
      await page.waitForSelector("main h2:has-text('2026-10-25, every 15 minutes')", { timeout: 10000 });
      await page.click("details summary >> nth=0");
      await check(page, "prices", size, errors);
      const rows = await page.$$eval("details table tbody tr", (r) => r.map((x) => x.textContent));
      assert.ok(rows.some((r) => /02:00 UTC\+2/.test(r ?? "")) && rows.some((r) => /02:00 UTC\+1/.test(r ?? "")), "the repeated hour carries its offset");
    });

    await step(`${tag}: billing per household and per load in cents`, async () => {
      await open(page, base + "/#/bill", "Billing");
      const cells = await page.$$eval("main table >> nth=0", (t) => [...t[0].querySelectorAll("tbody td")].map((c) => c.textContent ?? ""));
      assert.ok(cells.includes("Flat 1") && cells.includes("Flat 2"));
      assert.ok(cells.filter((c) => /^−?[\d\u202f]+\.\d\d$/.test(c)).length >= 6, "money with 2 decimals: " + cells.join("|"));
      await check(page, "billing", size, errors);
    });

    await step(`${tag}: control: disconnect asks first (cancel sends nothing), plan a run, decision log`, async () => {
      await open(page, base + "/#/control", "Control");
      await check(page, "control", size, errors);
      const before = site.sent.length;
      await page.click("button[aria-label='Disconnect Washing machine']");
      await page.waitForSelector("dialog[open]");
      assert.match((await page.textContent("dialog"))!, /Disconnect Washing machine \(Flat 1\)\?/);
      await page.click("dialog button[value=no]");
      await page.waitForSelector("dialog", { state: "detached" });
      assert.equal(site.sent.length, before, "cancelled: no command");
      assert.equal(((await (await fetch(base + "/api/state")).json()) as ApiState).meters[0].manual, false, "cancelled: not pinned");
      await page.click("button[aria-label='Disconnect Washing machine']");
      await page.waitForSelector("dialog[open]");
      await page.screenshot({ path: join(shots, `control-confirm-${tag}.png`) });
      await page.click("dialog button[value=yes]");
      await page.waitForSelector(".msg.ok");
      assert.match((await page.textContent(".msg"))!, /Washing machine: disconnected for 4 hours/);
      const wm = ((await (await fetch(base + "/api/state")).json()) as ApiState).meters[0];
      assert.ok(wm.manual && !wm.connected, "pinned off");
      // the relay command goes out when the state changes (the first size; the hold keeps it off after Auto)
      if (size === SIZES[0]) assert.ok(site.sent.slice(before).includes("1:disconnect"), site.sent.slice(before).join());
      await page.waitForFunction(() => /disconnected/.test(document.querySelector("main table tbody tr")?.textContent ?? ""));
      await page.click("button[aria-label='Auto Washing machine']");
      await page.waitForSelector("text=back to the rules");
      await page.selectOption("#d-a", "2");
      await page.fill("#d-dur", "90");
      await page.fill("#d-wh", "1200");
      await page.click("#defer button[type=submit]");
      await page.waitForSelector("text=/Decision #\\d+: Electric heater runs from/");
      // the message comes with the POST's answer; the tables are redrawn from the API after it
      await page.waitForFunction(() => /Planned runs[\s\S]*Electric heater[\s\S]*cheapest hours/.test(document.querySelector("main")?.textContent ?? ""));
      const text = (await page.textContent("main"))!;
      assert.match(text, /Planned runs[\s\S]*Electric heater[\s\S]*cheapest hours/);
      assert.match(text, /deferred run planned to start \d{4}-\d\d-\d\d \d\d:\d\d/);
      assert.match(text, /switched by hand, until/);
      assert.deepEqual(errors(), []);
    });

    await step(`${tag}: updates: a piece corrupted on the way does not match the SHA-256 the page sent with the begin: refused, a readable error, nothing sent (issue 18)`, async () => {
      await open(page, base + "/#/ota", "Updates");
      const sentBefore = site.ota.sent.length;
      const bodies: { do?: string; sha256?: string }[] = [];
      // the second piece gets one byte flipped between the page and the aggregator
      await page.route("**/api/ota", async (route) => {
        const raw = route.request().postData();
        const b = raw ? JSON.parse(raw) : null;
        if (b) bodies.push(b);
        if (b && b.do === "chunk" && b.offset === 1024) {
          const d = Buffer.from(b.data, "base64");
          d[3] ^= 0x01;
          return route.continue({ postData: JSON.stringify({ ...b, data: d.toString("base64") }) });
        }
        return route.continue();
      });
      try {
        await page.setInputFiles("#o-file", otaPath);
        await page.click("#ota button[type=submit]");
        await page.waitForSelector(".msg.err");
        assert.match((await page.textContent(".msg"))!, /^meter\.js arrived corrupted: the aggregator's copy does not have its SHA-256 \([0-9a-f]{16}…\)\. Nothing was sent to the meters; upload it again\.$/);
      } finally {
        await page.unroute("**/api/ota");
      }
      assert.equal(bodies.find((b) => b.do === "begin")?.sha256, createHash("sha256").update(readFileSync(otaPath)).digest("hex"), "the begin carries the file's SHA-256");
      assert.ok(!bodies.some((b) => b.do === "start"), "no start");
      assert.equal(site.ota.sent.length, sentBefore, "no update sent");
      errors(); // the refused request's 422 is logged by the browser
    });

    await step(`${tag}: updates: upload a meter bundle in pieces, choose meters, start, each meter's boot report: confirmed, reverted (deadline), trial (issue 18)`, async () => {
      await open(page, base + "/#/ota", "Updates");
      await check(page, "updates", size, errors);
      await page.setInputFiles("#o-file", otaPath);
      await page.uncheck("#o-m4");
      await page.click("#ota button[type=submit]");
      await page.waitForSelector("text=/Update \\d+ started for 3 meters: meter\\.js \\(3030 B\\)/");
      // each switched meter's boot report: confirmed, reverted with the reason, in trial
      await page.waitForFunction(() => /confirmed[\s\S]*reverted \(deadline\)[\s\S]*trial/.test(document.querySelector("main")?.textContent ?? ""));
      assert.match((await page.textContent("main"))!, /watching the switched meters' trials/);
      const last = site.ota.sent[site.ota.sent.length - 1];
      assert.deepEqual(last, { addresses: [1, 2, 3], size: 3030 });
      assert.deepEqual(Buffer.from(site.ota.nor.read(0, 3030)), readFileSync(otaPath), "the upload on the NOR byte for byte");
      await check(page, "updates-done", size, errors);
      assert.deepEqual(errors(), []);
    });

    if (size === SIZES[0]) await step(`${tag}: a page left open is marked stale after 90 s without new data`, async () => {
      const p2 = await ctx.newPage();
      await p2.clock.install();
      await open(p2, base + "/#/bill", "Billing");
      assert.equal(await p2.$(".asof .tag"), null);
      await p2.clock.fastForward("02:00");
      await p2.waitForSelector(".asof .tag.stale");
      await p2.close();
    });

    await step(`${tag}: log out`, async () => {
      await page.click("header button:has-text('Log out')");
      await page.waitForURL(/#\/login$/);
      await page.goto(base + "/#/control");
      await page.waitForURL(/#\/login$/);
    });
  }
} finally {
  for (const c of contexts) await c.close();
  rmSync(tmp, { recursive: true, force: true });
  site.server.close();
  for (const f of freshSites) f.server.close();
}
console.log(`screenshots in ${shots}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
