/**
 * The host JsVar estimate against the real interpreter, and the per-role JsVar budgets.
 * Needs build/*.js (npm test builds first). The measured figures come from
 * test/realInterpreter/measuredJsVars.json (its "commands" say how to remeasure).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SCENARIOS, type Scenario } from "./scenarios.ts";
import { ROOT, runScenario, type HostRun } from "./jsVarHarness.ts";
import { checkBudget, readBudgets } from "./budgets.ts";
import { BASELINE_VARS } from "../memoryEstimate.ts";

interface Snap { atS: number; usage: number; errorFlags?: string; chipUsage?: number }
const fixture = JSON.parse(readFileSync(join(ROOT, "test/realInterpreter/measuredJsVars.json"), "utf8")) as { results: Record<string, { snapshots?: Snap[]; error?: string; firstLines?: string[] }> };
const runs = new Map<string, Promise<HostRun>>();
const run = (s: Scenario) => {
  if (!runs.has(s.name)) runs.set(s.name, runScenario(s));
  return runs.get(s.name) as Promise<HostRun>;
};
const scenario = (name: string) => SCENARIOS.find((s) => s.name === name) as Scenario;

/** A later snapshot is asked at the console, whose line holds a few JsVars while it runs: measured on the prelude alone. */
function consoleOverhead(): number {
  const p = fixture.results.prelude.snapshots as Snap[];
  return p[1].usage - p[0].usage;
}

/** Measured points that are a use, not where a boot died: no MEMORY flag. */
function calibrationPoints(): { s: Scenario; snaps: Snap[] }[] {
  const out = [];
  for (const s of SCENARIOS) {
    // a scenario with a web client has no host counterpart of its requests (the real run's figure is the issue's target, not a calibration point)
    if (s.client) continue;
    // The 3600-variable run, else one with more variables (same 13-byte layout; the use
    // does not depend on the total): the aggregator no longer boots at 3600 beside the
    // prelude's stand-ins (issue 16), but its use is still a calibration point at 4095.
    const keys = [s.name].concat(Object.keys(fixture.results).filter((k) => k.indexOf(s.name + "@") === 0));
    for (const k of keys) {
      const r = fixture.results[k];
      if (!r || !r.snapshots) continue;
      if (r.snapshots.some((x) => /"MEMORY"/.test(x.errorFlags || ""))) continue;
      out.push({ s, snaps: r.snapshots });
      break;
    }
  }
  return out;
}

test("the fixture covers the meter, the 60 Hz meter, the aggregator and the selftest", () => {
  const names = calibrationPoints().map((p) => p.s.name);
  for (const n of ["prelude", "meter", "meter60", "aggregator1", "selftest"]) assert.ok(names.includes(n), n + " has no measured use in the fixture");
  assert.ok(consoleOverhead() > 0 && consoleOverhead() < 30, "console overhead " + consoleOverhead());
});

/**
 * Each measured snapshot against the host's, within 10 %: `real` and `host` pick the figure
 * compared (the whole heap, or the chip's); a snapshot without the real figure is skipped.
 */
async function compareWithin10(label: string, real: (m: Snap) => number | undefined, host: (h: HostRun["snapshots"][number]) => number): Promise<void> {
  const overhead = consoleOverhead();
  const rows: string[] = [];
  for (const { s, snaps } of calibrationPoints()) {
    const run1 = await run(s);
    for (const m of snaps) {
      const r = real(m);
      if (r === undefined) continue; // measured before that figure existed
      const h = run1.snapshots.find((x) => x.atS === m.atS);
      assert.ok(h, s.name + "@" + m.atS + "s: no host snapshot");
      const want = r - (m.atS > 0 ? overhead : 0);
      const got = host(h);
      const err = (got - want) / want;
      rows.push(`${s.name}@${m.atS}s${label} real ${want} host ${got} (${(err * 100).toFixed(1)} %)`);
      assert.ok(Math.abs(err) <= 0.1, rows[rows.length - 1]);
    }
  }
  console.log(rows.join("\n"));
}

test("the host estimate is within 10 % of every real-interpreter measurement", () =>
  compareWithin10("", (m) => m.usage, (h) => h.usage));

test("where the real interpreter ran out of memory at boot, the estimate is near or above what it had", async () => {
  for (const s of SCENARIOS) {
    const r = fixture.results[s.name];
    if (!r || !r.snapshots || !r.snapshots.some((x) => /"MEMORY"/.test(x.errorFlags || ""))) continue;
    // only a boot that died counts: OUT OF MEMORY before the bundle's "@@MEM boot" line (a later
    // MEMORY flag, e.g. the first save of a booted aggregator, says nothing about the boot's size)
    const lines = r.firstLines || [];
    const bootAt = lines.findIndex((l) => l.indexOf("@@MEM boot") >= 0);
    const oomAt = lines.findIndex((l) => l.indexOf("OUT OF MEMORY") >= 0);
    if (oomAt < 0 || (bootAt >= 0 && bootAt < oomAt)) continue;
    const host = await run(s);
    // it died at or below its total (3600) with a boot half done; the full boot needs at least 90 % of that
    assert.ok(host.snapshots[0].usage >= 0.9 * 3600, s.name + ": real boot ran out of memory, host estimates only " + host.snapshots[0].usage);
  }
});

test("with the CAN1 stand-in's state replaced by the chip's (chipCan.ts), the host estimate is within 10 % of the real figure", () =>
  compareWithin10(" chip:", (m) => m.chipUsage, (h) => h.chipUsage));

/**
 * The bundle's own steady state on the chip: the last snapshot with the CAN1 stand-in's
 * state replaced by the chip's flat strings (chipCan.ts), minus what the prelude alone
 * costs (its stand-ins for native hooks cost next to nothing on the chip).
 */
async function steadyState(s: Scenario): Promise<number> {
  const prelude = await run(scenario("prelude"));
  const host = await run(s);
  return host.snapshots[host.snapshots.length - 1].chipUsage - (prelude.snapshots[0].chipUsage - BASELINE_VARS);
}

test("budgets are 70 % of each image's variables (boards/STM32F107/*.py)", () => {
  const vars = (file: string) => {
    const t = readFileSync(join(ROOT, "boards/STM32F107", file), "utf8");
    const m = /info\['variables'\]\s*=\s*(\d+)/.exec(t) || /'variables'\s*:\s*(\d+)/.exec(t);
    return Number((m as RegExpExecArray)[1]);
  };
  const b = readBudgets().jsVars;
  assert.equal(b.meter, Math.floor((70 * vars("METERNET_F107.py")) / 100));
  assert.equal(b.meter60, Math.floor((70 * vars("METERNET_F107_60HZ.py")) / 100));
  assert.equal(b.aggregator, Math.floor((70 * vars("METERNET_F107_AGG.py")) / 100));
});

test("each role's estimated steady-state JsVars are within its budget (package.json meternet.budgets.jsVars)", async () => {
  const b = readBudgets();
  const problems: string[] = [];
  for (const s of SCENARIOS) {
    if (!s.role) continue;
    const used = await steadyState(s);
    console.log(`${s.role}: steady state ${used} JsVars, budget ${b.jsVars[s.role]}` + (b.jsVarsOver[s.role] ? `, known over until issue ${b.jsVarsOver[s.role].issue} (ceiling ${b.jsVarsOver[s.role].ceiling})` : ""));
    const p = checkBudget("steady-state JsVars", s.role, used, b.jsVars, b.jsVarsOver);
    if (p) problems.push(p);
  }
  assert.deepEqual(problems, []);
});

test("the budget check fails for a bundle over its budget", async () => {
  // 400 small objects kept in a global: about 400 x (index + object + 2 properties) JsVars
  const code = "var kept = []; for (var i = 0; i < 400; i++) kept.push({ id: i, v: i / 3 });";
  const host = await runScenario({ name: "over", bundle: "meter", files: {}, atS: [0] }, { code });
  const prelude = await run(scenario("prelude"));
  const used = host.snapshots[0].chipUsage - (prelude.snapshots[0].chipUsage - BASELINE_VARS); // as steadyState
  assert.ok(used > 1600 && used < 2400, "estimate " + used);
  const msg = checkBudget("steady-state JsVars", "meter", used, { meter: 1000 }, {});
  assert.match(msg as string, /steady-state JsVars of meter is \d+, over its budget of 1000/);
  assert.equal(checkBudget("steady-state JsVars", "meter", used, { meter: 1000 }, { meter: { ceiling: 5000, issue: 16 } }), null);
  assert.match(checkBudget("steady-state JsVars", "meter", used, { meter: 1000 }, { meter: { ceiling: 1200, issue: 16 } }) as string, /over the waiver's ceiling 1200/);
  assert.match(checkBudget("steady-state JsVars", "meter", 900, { meter: 1000 }, { meter: { ceiling: 1200, issue: 16 } }) as string, /delete the waiver/);
});
