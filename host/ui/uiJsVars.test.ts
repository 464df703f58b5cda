// JsVars of the touchscreen UI (build/meterUi.js) on the meter, host estimate, against its
// budget package.json meternet.budgets.jsVars.meterUi: what the meter's steady state leaves
// of its budget (1 820 - 1 447). Needs build/meterUi.js (npm test builds first).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, copyFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UiRun } from "./uiJsVars.ts";
import { ROOT } from "../runtime/accounting/jsVarHarness.ts";
import { readBudgets, checkBudget } from "../runtime/accounting/budgets.ts";

test("the UI's JsVars at its busiest screen are within the budget (or its waiver's ceiling)", async () => {
  const u = UiRun.start();
  try {
    const per: number[] = [];
    for (let i = 0; i < 9; i++) per.push(u.screen(i));
    const busiest = Math.max(...per);
    const b = readBudgets();
    const msg = checkBudget("JsVars (busiest screen " + per.indexOf(busiest) + ": " + per.join(" ") + ")", "meterUi", busiest, b.jsVars, b.jsVarsOver);
    assert.equal(msg, null, msg ?? "");
  } finally {
    await u.dispose();
  }
});

test("no growth: an hour of screen changes (one every 10 s, a reading a second) ends where it began", async () => {
  const u = UiRun.start();
  try {
    const first: number[] = [];
    for (let i = 0; i < 9; i++) first.push(u.screen(i, 10));
    for (let k = 0; k < 360; k++) u.screen(k % 9, 10);
    const again: number[] = [];
    for (let i = 0; i < 9; i++) again.push(u.screen(i, 10));
    assert.deepEqual(again, first);
  } finally {
    await u.dispose();
  }
});

test("a screen module missing from Storage is an error that names the upload (the screens that are there open)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ui-missing-"));
  try {
    for (const f of readdirSync(join(ROOT, "build/meterUi"))) if (f !== "ui3.js") copyFileSync(join(ROOT, "build/meterUi", f), join(dir, f));
    const u = UiRun.start(undefined, dir);
    try {
      assert.ok(u.screen(1) > 0);
      assert.throws(() => u.screen(3), /ui3 is not in Storage: upload the UI again \(npm run upload -- --role meter --ui\)/);
    } finally {
      await u.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
