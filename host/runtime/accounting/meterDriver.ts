/**
 * One script that runs the meter bundle for exactly N back-to-back windows, the same on
 * the real interpreter (Espruino's --test mode, on the Cortex-M rig: rigCost.ts) and in
 * the host runtime (costHarness.ts): test/realInterpreter/prelude.js, the CAN link's
 * meternet.json, the bundle, then a driver that runs one window per event-loop turn.
 * Every setInterval timer is re-scheduled in WINDOWS, not in time (a 1000 ms interval runs
 * every 5th window), the prelude's own MeterADC timer included: so the prelude emits what
 * the native hook emits ('reading' every readingEvery windows and 'aggregate' every 15 when
 * metering is set; a raw 'window' only to 'window' listeners, for bundles from before issue
 * 17), and the work per window does not depend on how slowly the interpreter runs.
 * The baseline (meterBaselineParts) is the same driver with an empty listener of the
 * bundle's events: the prelude's stand-in work, subtracted on the real interpreter.
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
    `var __mnIv = [];`,
    `var setInterval = function (fn, ms) { __mnIv.push({ fn: fn, every: Math.max(1, Math.round(ms / ${WINDOW_MS})) }); return __mnIv.length; };`,
    `var clearInterval = function (id) { if (id >= 1 && id <= __mnIv.length) __mnIv[id - 1].every = 1e9; };`,
  ].join("\n");
  const tail = [
    `var __mnK = 0;`,
    `function __mnStep() {`,
    `  if (__mnK >= ${windows}) { __mnIv = []; print("@@DONE " + __mnK); result = 1; return; }`,
    `  __mnK++;`,
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

/** The MeterADC events a meter bundle subscribes ('window' before issue 17; 'reading', 'event', 'aggregate' after). */
export function meterEvents(bundle: string): string[] {
  const found = new Set<string>();
  for (const m of bundle.matchAll(/on\("(window|reading|event|aggregate)"/g)) found.add(m[1]);
  return [...found].sort();
}

/** In place of the bundle: the prelude's MeterADC with metering set, empty listeners of `events`. */
export function emptyListener(events: string[]): string {
  return [
    `var __mnA = new MeterADC();`,
    `__mnA.setMetering({ calibration: {}, declaredV: 230, utcAtStartS: 0, readingEvery: 5 });`,
    ...events.map((e) => `__mnA.on(${JSON.stringify(e)}, function () {});`),
    `__mnA.start({ sampleRateHz: 12800, nominalHz: 50 });`,
  ].join("\n");
}

/** The baseline of `bundle`: the same driver around an empty listener of the bundle's events. */
export function meterBaselineParts(bundle: string, windows: number, canLink = true): string[] {
  return meterDriverParts(emptyListener(meterEvents(bundle)), windows, canLink);
}

