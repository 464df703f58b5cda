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
 * The global object, for the entry points that put several names on it at once
 * (app/aggregator: `agg` and `onReading` for the console and the host's checks): one
 * JsVar where exposeGlobal, called from several places, stays a resident function.
 */
export const consoleGlobals = global as unknown as { [name: string]: unknown };

/**
 * Espruino's eval, called without its name: code run through it at the bundle's top level
 * defines globals, and terser still mangles the bundle's own names (a direct `eval` stops
 * that: +4.9 KB on the meter).
 */
export const globalEval = global.eval as (code: string) => void;
