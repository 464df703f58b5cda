/**
 * The Espruino global functions (src/jswrap_interactive.c, jswrap_functions.c,
 * jswrap_modules.c): print, console, getTime, timers, reset/load/save, require,
 * btoa/atob, global. They are installed non-enumerable, like built-ins, so they do
 * not count as program data.
 */
import { formatPrint } from "./printer.ts";
import type { Realm } from "./realm.ts";
import type { TimerTable } from "./timers.ts";

export interface GlobalsHost {
  realm: Realm;
  global: Record<string, unknown>;
  /** Writes console text. */
  print(text: string): void;
  getTime(): number;
  timers: TimerTable;
  /** reset()/load() only mark the request; the runtime acts once idle. */
  requestReset(clearFlash: boolean): void;
  requestLoad(file: string | undefined): void;
  E: object;
  process: object;
  /** require() table; a name not in it throws "Module \"x\" not found". */
  modules: Record<string, unknown>;
  /** Host-supplied globals (native hooks), installed last. */
  extra: Record<string, unknown>;
}

export function installEspruinoGlobals(h: GlobalsHost): void {
  const { realm, global: g, timers } = h;
  const define = (name: string, value: unknown) => {
    Object.defineProperty(g, name, { value, writable: true, configurable: true, enumerable: false });
  };
  const print = (...args: unknown[]) => { h.print(formatPrint(args)); };
  define("global", g);
  define("print", print);
  define("console", { log: print, debug: print, info: print, warn: print, error: print });
  define("getTime", () => h.getTime());
  define("setTimeout", (cb: unknown, ms: unknown, ...args: unknown[]) => timers.setTimeout(cb, ms, args));
  define("setInterval", (cb: unknown, ms: unknown, ...args: unknown[]) => timers.setInterval(cb, ms, args));
  define("clearTimeout", (...args: unknown[]) => timers.clear(args, "Timeout"));
  define("clearInterval", (...args: unknown[]) => timers.clear(args, "Interval"));
  define("changeInterval", (id: unknown, ms: unknown) => timers.changeInterval(id, ms));
  define("reset", (clearFlash?: unknown) => { h.requestReset(Boolean(clearFlash)); });
  define("load", (file?: unknown) => { h.requestLoad(file === undefined ? undefined : String(file)); });
  define("save", () => {
    throw new realm.Error("save() is not emulated on the host: write code to Storage as .bootcde instead");
  });
  define("btoa", (s: unknown) => Buffer.from(String(s), "latin1").toString("base64"));
  define("atob", (s: unknown) => Buffer.from(String(s), "base64").toString("latin1"));
  // Pins (jswrap_io.c): digitalWrite makes a pin an output at that level, digitalRead
  // gives the level last written (an input nothing drives reads 0 here). I2C1
  // (jswrap_i2c.c) on a board with nothing fitted: every transfer ends in Espruino's
  // "I2C Error: Timeout (start)". A host with board parts (the meter's FRAM and relay
  // pins, host/sim/meterBoard.ts) passes its own through `extra`, installed last.
  const pinLevels: Record<string, number> = {};
  define("digitalWrite", (pin: unknown, value: unknown) => { pinLevels[String(pin)] = value ? 1 : 0; });
  define("digitalRead", (pin: unknown) => pinLevels[String(pin)] || 0);
  const noDevice = () => { throw new realm.Error("I2C Error: Timeout (start)"); };
  define("I2C1", { setup: () => {}, writeTo: noDevice, readFrom: noDevice });
  // SPI1 (jswrap_spi_i2c.c) with nothing on it: MISO idles high, every byte reads 0xFF
  // (a NOR's JEDEC ID then reads FF FF FF: "no part"). The simulator's aggregator passes
  // its W25Q (host/runtime/nor.ts norSpi) through `extra`.
  const spiNone = (d: unknown) => (typeof d === "number" ? 0xff : typeof d === "string" ? d.replace(/[^]/g, "\xff") : new realm.Uint8Array((d as ArrayLike<number>).length).fill(0xff));
  define("SPI1", { setup: () => {}, send: spiNone, write: () => {} });
  define("E", h.E);
  define("process", h.process);
  define("require", (name: unknown) => {
    if (typeof name !== "string") throw new realm.TypeError("Expecting module name as a string, got " + typeof name);
    if (Object.prototype.hasOwnProperty.call(h.modules, name)) return h.modules[name];
    throw new realm.Error("Module " + JSON.stringify(name) + " not found");
  });
  for (const [name, value] of Object.entries(h.extra)) define(name, value);
}
