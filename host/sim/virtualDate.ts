/**
 * Date inside a simulated device follows the simulation's clock: Espruino's Date.now()
 * is the system time that getTime() reads (jswrap_date.c), so with `--speed 60` the
 * programs' wall time runs an hour a minute along with their timers. `epochMsAtZero`
 * is the UTC time (ms) the clock's 0 stands for.
 */
import vm from "node:vm";
import type { EspruinoRuntime } from "../runtime/index.ts";

const MAKE = `(function (Base, now) {
  function Date(a, b, c, d, e, f, g) {
    if (!(this instanceof Date)) return new Base(now()).toString();
    var n = arguments.length;
    if (n === 0) return new Base(now());
    if (n === 1) return new Base(a);
    return new Base(a, b, n > 2 ? c : 1, n > 3 ? d : 0, n > 4 ? e : 0, n > 5 ? f : 0, n > 6 ? g : 0);
  }
  Date.prototype = Base.prototype;
  Date.now = now;
  Date.UTC = Base.UTC;
  Date.parse = Base.parse;
  return Date;
})`;

export function virtualDate(rt: EspruinoRuntime, epochMsAtZero: number): unknown {
  const make = vm.runInContext(MAKE, rt.context) as (base: unknown, now: () => number) => unknown;
  const base = vm.runInContext("Date", rt.context);
  return make(base, () => Math.floor(epochMsAtZero + rt.clock.nowMs()));
}
