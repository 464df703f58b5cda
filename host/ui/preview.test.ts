// The UI preview page in headless chromium: the screen shows, a click on a home tile opens
// its screen (the click is a touch), and the screenshot goes to build/screenshots/preview.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import { startPreview } from "./preview.ts";
import { tile } from "../../modules/ui/layout.ts";

const CHROMIUM = "/usr/bin/chromium";

test("preview: a click on the Energy tile opens the energy screen", { skip: !existsSync(CHROMIUM) && "no /usr/bin/chromium" }, async () => {
  const p = startPreview(18090);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage({ viewport: { width: 700, height: 560 } });
    await page.goto(p.url);
    const img = page.locator("#s");
    await img.waitFor();
    const t = tile(2);
    // the image is shown at twice the size
    await img.click({ position: { x: (t[0] + 30) * 2, y: (t[1] + 20) * 2 } });
    for (let k = 0; k < 50 && p.ui.at !== 3; k++) await page.waitForTimeout(20);
    assert.equal(p.ui.at, 3, "the click on the Energy tile opened the energy screen");
    const res = await page.request.get(p.url + "screen.png");
    assert.equal(res.status(), 200);
    await page.waitForTimeout(300);
    await page.screenshot({ path: new URL("../../build/screenshots/preview.png", import.meta.url).pathname });
    const back = await page.request.post(p.url + "touch?x=10&y=10");
    assert.equal(back.status(), 204);
    assert.equal(p.ui.at, 0, "the back button");
    const bad = await page.request.post(p.url + "touch?x=999&y=10");
    assert.equal(bad.status(), 400);
  } finally {
    await browser.close();
    p.close();
  }
});
