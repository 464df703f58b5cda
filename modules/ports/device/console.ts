import type { LogLine } from "../log";

/** The log port on Espruino: a line on the console (USB or the telnet console). */
export const deviceLog: LogLine = print;

/**
 * Makes `value` the global `name`: reachable at the console and to the simulator
 * (`meternet.status()` at the REPL), or to the bundle that evaluated this one (the UI
 * file's `meterUi`).
 */
export function exposeGlobal(name: string, value: unknown): void {
  global[name] = value;
}

/**
 * exposeGlobal for several names at once (app/aggregator: `agg` and `onReading` for the
 * console and the host's checks). Called once, so terser inlines it into the boot code;
 * exposeGlobal called from three places would stay a resident function (6 to 8 JsVars),
 * and a constant holding `global` would make the host runtime's JsVar estimate walk the
 * whole global object.
 */
export function exposeGlobals(values: { [name: string]: unknown }): void {
  for (const k in values) global[k] = values[k];
}

/**
 * Espruino's eval, called without its name: code run through it at the bundle's top level
 * defines globals, and terser still mangles the bundle's own names (a direct `eval` stops
 * that: +4.9 KB on the meter).
 */
export const globalEval = global.eval as (code: string) => void;
