/**
 * One script that runs the meter bundle for exactly N back-to-back windows, the same on
 * the real interpreter (Espruino's --test mode, under callgrind: callgrindCost.ts) and in
 * the host runtime (costHarness.ts): test/realInterpreter/prelude.js, the CAN link's
 * meternet.json, the bundle, then a driver that emits the prelude's canned windows one per
 * event-loop turn. The bundle's setInterval timers are re-scheduled in WINDOWS, not in
 * time (a 1000 ms interval runs every 5th window), so the work per window does not depend
 * on how slowly callgrind runs the interpreter.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { meterFiles } from "./scenarios.ts";
import { ROOT } from "./jsVarHarness.ts";

export const WINDOW_MS = 10000 / 50.05;

/**
 * The driver as the scripts Espruino runs one after the other in one global scope. The host
 * must run them apart: V8 hoists a bundle's top-level `function E` above the prelude (which
 * saves the built-in E first); Espruino does not hoist. The real run joins them (--test).
 */
export function meterDriverParts(bundle: string, windows: number, canLink = true): string[] {
  const prelude = readFileSync(join(ROOT, "test/realInterpreter/prelude.js"), "latin1");
  const files = canLink ? meterFiles(50) : {};
  const head = [
    ...Object.entries(files).map(([k, v]) => `require("Storage").write(${JSON.stringify(k)},${JSON.stringify(JSON.stringify(v))});`),
    `var __mnAdc, __mnIv = [];`,
    `MeterADC.prototype.start = function (cfg) { __mnAdc = this; };`,
    `var setInterval = function (fn, ms) { __mnIv.push({ fn: fn, every: Math.max(1, Math.round(ms / ${WINDOW_MS})) }); return __mnIv.length; };`,
  ].join("\n");
  const tail = [
    `var __mnK = 0, __mnS = 2686;`,
    `function __mnStep() {`,
    `  if (__mnK >= ${windows}) { __mnIv = []; print("@@DONE " + __mnK); result = 1; return; }`,
    `  var w = MeterADC.window(__mnK, __mnS);`,
    `  __mnK++; __mnS += w.sampleCount; __mnAdc.stats.windows++;`,
    `  __mnAdc.emit("window", w);`,
    `  for (var i = 0; i < __mnIv.length; i++) if (__mnK % __mnIv[i].every === 0) __mnIv[i].fn();`,
    `  setTimeout(__mnStep, 0);`,
    `}`,
    `setTimeout(__mnStep, 0);`,
  ].join("\n");
  return [prelude, head, bundle, tail];
}

export function meterDriver(bundle: string, windows: number, canLink = true): string {
  return meterDriverParts(bundle, windows, canLink).join("\n;\n") + "\n";
}

