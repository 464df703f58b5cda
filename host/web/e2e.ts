/**
 * End-to-end in a real browser (Debian's chromium driven by playwright-core): log in,
 * read the dashboard, open a load's graph and check the SVG has the profile's points,
 * plan a deferrable run and see the decision, log out. A screenshot of each page goes
 * to build/screenshots/. Serves the handler on Node with the fake site, or tests a
 * running server given by E2E_BASE_URL (E2E_USER, E2E_PASSWORD), e.g. the simulator's.
 * Prints "N passed, M failed" last; exits non-zero on any failure.
 */
import { chromium, type Page } from "playwright-core";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { startDevServer } from "./devServer.ts";
import { PASSWORD } from "./fakeSite.ts";
import type { ApiLoad, ApiState } from "./apiTypes.ts";

const shots = join(import.meta.dirname, "../../build/screenshots");
mkdirSync(shots, { recursive: true });
let passed = 0, failed = 0;
async function step(name: string, fn: () => Promise<void>) {
  try { await fn(); passed++; console.log("ok   " + name); } catch (e) { failed++; console.log("FAIL " + name + ": " + ((e as Error).stack ?? e)); }
}

const local = process.env.E2E_BASE_URL ? null : await startDevServer(0);
const base = process.env.E2E_BASE_URL ?? `http://127.0.0.1:${local!.port}`;
const user = process.env.E2E_USER ?? "admin", password = process.env.E2E_PASSWORD ?? PASSWORD;
const profileDir = mkdtempSync(join(tmpdir(), "meternet-chromium-"));
// a fresh user-data-dir each run (playwright passes it as --user-data-dir)
const browser = await chromium.launchPersistentContext(profileDir, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1100, height: 800 },
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const page: Page = browser.pages()[0] ?? (await browser.newPage());
const shot = (name: string) => page.screenshot({ path: join(shots, name + ".png"), fullPage: true });

try {
  await step("log in", async () => {
    await page.goto(base + "/login");
    await shot("login");
    await page.fill("input[name=user]", user);
    await page.fill("input[name=password]", password);
    await Promise.all([page.waitForURL(/\/control/), page.click("form[action='/login'] button")]);
    assert.ok(await page.isVisible("text=Log out"));
  });

  await step("dashboard shows site status and every load", async () => {
    await page.goto(base + "/");
    const api = (await (await fetch(base + "/api/state")).json()) as ApiState;
    const text = await page.textContent("main");
    assert.match(text!, /Renewable availability/);
    assert.match(text!, /Co-generator/);
    assert.match(text!, /Price now/);
    for (const m of api.meters) assert.ok(text!.includes(m.name), m.name);
    const rows = await page.$$eval("main table:nth-of-type(2) tr", (trs) => trs.length);
    assert.equal(rows, api.meters.length + 1);
    await shot("dashboard");
  });

  await step("load graph SVG has the profile's points", async () => {
    const api = (await (await fetch(base + "/api/state")).json()) as ApiState;
    const pv = api.meters[api.meters.length - 1];
    await Promise.all([page.waitForURL(/\/load\?a=/), page.click(`a[href="/load?a=${pv.address}"]`)]);
    const d = await page.getAttribute("#profile", "d");
    const prof = ((await (await fetch(base + "/api/load?a=" + pv.address)).json()) as ApiLoad).profile.powerW;
    const known = prof.filter((w) => w !== null).length;
    const points = (d!.match(/[ML]/g) ?? []).length;
    assert.ok(known > 0, "profile has data");
    assert.equal(points, known, "one vertex per 15-minute average");
    assert.ok(await page.isVisible("svg#graph"));
    assert.equal(await page.getAttribute("meta[http-equiv=refresh]", "content"), "30");
    await shot("load-graph");
  });

  await step("billing page", async () => {
    await page.goto(base + "/bill");
    const text = await page.textContent("main");
    assert.match(text!, /Today/);
    assert.match(text!, /This month/);
    assert.match(text!, /Household/);
    await shot("billing");
  });

  await step("plan a deferrable run and see the decision", async () => {
    await page.goto(base + "/control");
    const by = await page.inputValue("#defer input[name=by]");
    assert.match(by, /^\d{4}-\d\d-\d\dT\d\d:\d\d$/);
    await page.fill("#defer input[name=dur]", "90");
    await page.fill("#defer input[name=wh]", "1200");
    await Promise.all([page.waitForURL(/msg=/), page.click("#defer button")]);
    const msg = await page.textContent("#msg");
    assert.match(msg!, /^Decision #\d+: deferred run planned to start \d{4}-\d\d-\d\d \d\d:\d\d/);
    const table = await page.textContent("main");
    assert.match(table!, /Planned runs[\s\S]*waiting/);
    assert.match(table!, /Decisions[\s\S]*deferred run planned/);
    await shot("control");
  });

  await step("log out", async () => {
    await Promise.all([page.waitForURL(/\/login/), page.click("form[action='/logout'] button")]);
    await page.goto(base + "/control");
    assert.match(page.url(), /\/login$/);
  });
} finally {
  await browser.close();
  rmSync(profileDir, { recursive: true, force: true });
  local?.server.close();
}
console.log(`screenshots in ${shots}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
