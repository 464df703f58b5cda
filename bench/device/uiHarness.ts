/**
 * The scripts of the rig's touchscreen rows (`--only ui`): build/meterUi.js on the real
 * interpreter with the fake LCD and MeterADC of host/ui/uiJsVars.ts (FAKES), as app/meter
 * drives it: `meterUi(lcd, null, file, name)`, a reading a second through its `reading` output.
 * The backlight timeout is off ({ ui: { timeoutS: 0 } }): the UI reads the wall clock
 * (Date.now) and a slow counted run must not put it to sleep (asleep, it draws nothing).
 *
 * The fake LCD's methods are empty JavaScript functions that count their calls; on the
 * device they are C (boards/STM32F107/jswrap/jswrap_meterlcd.c). Their JavaScript cost is
 * taken out: the "lcd" script measures one call of the fake (minus its loop), main.ts
 * subtracts calls x that from each row. What is left is the UI's own JavaScript; the
 * interpreter's dispatch into the native function and the C drawing are not in it.
 * Plain ES5 (Espruino 2v29).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FAKES } from "../../host/ui/uiJsVars.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

export const UI_SCREENS = ["home", "measure", "profile", "energy", "quality", "events", "network", "settings", "calibrate"];

/**
 * - `update`: screen `screen` open, then n readings (each changes the voltage: FAKES' __step);
 * - `open`: screen `screen` opened n times (each a full draw: clear, header, static parts, values);
 * - `stepBase`: n readings into an empty listener (the harness's own per-reading work);
 * - `loopBase`: n calls of an empty function in the loop `open` uses;
 * - `lcd`: n calls of the fake LCD's text() in that loop (one fake call + the loop);
 * - `padLoop`, `padSubstr`: n paddings of "-" to 18 characters in that loop, by a copy of
 *   modules/ui/format.ts padR (a space per loop turn) and by one substr of a string of spaces.
 */
export type UiCase = { kind: "update" | "open"; screen: number } | { kind: "stepBase" | "loopBase" | "lcd" | "padLoop" | "padSubstr" };

const PADS = {
  padLoop: `function padR(s, width) { while (s.length < width) s += " "; return s; }`,
  padSubstr: `var SPACES = "                                                    ";\nfunction padR(s, width) { return s.length < width ? (s + SPACES).substr(0, width) : s; }`,
};

function countingFakes(): string {
  let replaced = 0;
  const s = FAKES.replace(/function \(\) \{\}/g, () => { replaced++; return "function () { global.__calls++; }"; });
  // rect, text, line, light: if host/ui's FAKES changes shape, say so instead of measuring the wrong thing
  if (replaced !== 4) throw new Error(`host/ui/uiJsVars.ts FAKES: expected 4 empty LCD methods, found ${replaced}: update bench/device/uiHarness.ts`);
  return `global.__calls = 0;\n${s}\n`;
}

export function uiScript(c: UiCase, n: number): string {
  const parts = [countingFakes()];
  let body: string;
  if (c.kind === "stepBase") {
    body = `global.__adc._reading = function (r) {};\n__step(2);\nvar c0 = __calls;\n__step(${n});`;
  } else if (c.kind === "padLoop" || c.kind === "padSubstr") {
    body = `${PADS[c.kind]}\nvar c0 = __calls, r;\nfor (var k = 0; k < ${n}; k++) r = padR("-", 18);`;
  } else if (c.kind === "loopBase" || c.kind === "lcd") {
    body = `var f = function (i) {};\nvar c0 = __calls;\n` +
      (c.kind === "lcd"
        ? `for (var k = 0; k < ${n}; k++) __lcd.text(200, 60, "230.1", 2, 65535, 0);`
        : `for (var k = 0; k < ${n}; k++) f(1);`);
  } else if (c.kind === "update" || c.kind === "open") {
    // the screens' Storage modules (app/meterUi/screens/) in their stored (pretokenised) form,
    // as the upload writes them, before the measured part: a screen is evaluated from Storage
    // each time it opens, so `open` includes that parse
    for (let i = 0; i < UI_SCREENS.length; i++) {
      parts.push(`require("Storage").write("ui${i}", atob(${JSON.stringify(Buffer.from(readFileSync(join(ROOT, "build/stored/meterUi/ui" + i + ".js"), "latin1"), "latin1").toString("base64"))}));`);
    }
    parts.push(readFileSync(join(ROOT, "build/meterUi.js"), "utf8"));
    const setup = `global.__o = global.meterUi(global.__lcd, null, { ui: { timeoutS: 0 } }, "none.json");\n` +
      `global.__ui = global.__o.ui;\nglobal.__adc._reading = global.__o.reading;\n`;
    body = c.kind === "update"
      ? `${setup}__ui.show(${c.screen});\n__step(2);\nvar c0 = __calls;\n__step(${n});`
      : `${setup}__step(2);\nvar c0 = __calls;\nfor (var k = 0; k < ${n}; k++) __ui.show(${c.screen});`;
  } else {
    throw new Error(`unknown UI case ${JSON.stringify(c)}`);
  }
  parts.push(body);
  parts.push(`\nvar m = process.memory();\nprint("@@BENCH ui " + ${n} + " calls " + (__calls - c0) + " free " + m.free);\nresult = true;\nquit();\n`);
  return parts.join("\n");
}

/** The fake LCD calls a run made in its measured part (from its @@BENCH line). */
export function callsOf(benchLine: string): number {
  const m = / calls (\d+)/.exec(benchLine);
  if (!m) throw new Error(`no call count in ${benchLine}`);
  return Number(m[1]);
}
