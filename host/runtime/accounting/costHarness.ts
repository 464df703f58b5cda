/**
 * The host side of the CPU guard: runs a driver (meterDriver.ts: prelude, head, bundle,
 * tail) in the host runtime, instrumented (instrument.ts), and returns work counters:
 *   t  tokens Espruino would lex (function bodies per call, loops per iteration),
 *   c  calls,
 *   n  calls from the bundle into the native hooks (methods of CAN1, I2C1 and MeterADC
 *      objects; a hook calling another counts once), the prelude standing in for them,
 *   e  events the hooks deliver to the bundle's listeners (objects made natively),
 *   b  calls of the interpreter's built-in functions (Math, JSON, Number/String/Array and
 *      typed-array methods, print): C inside the interpreter, which tokens do not price
 *      (a toFixed is a soft-float conversion); outside the hooks only with "bundle".
 * `instrument`: "bundle" counts t and c of the bundle alone (the JavaScript the chip runs);
 * "all" also of the prelude and the driver, as the real interpreter runs them on the rig
 * (where the hooks are the prelude's JavaScript stand-ins).
 */
import { EspruinoRuntime } from "../runtime.ts";
import { VirtualClock } from "../clock.ts";
import { Accounting } from "./accounting.ts";
import { PRELUDE_SHIM } from "./jsVarHarness.ts";

export interface BundleWork { t: number; c: number; n: number; e: number; b: number }

/**
 * Counts, out of the counted code's sight: each function property of CAN1 and of
 * MeterADC.prototype is wrapped (depth guard: the hooks calling each other count once),
 * and MeterADC.prototype.emit counts deliveries to listeners.
 */
const NATIVE_COUNTER = `(function () {
  var g = this, depth = 0;
  var k = { n: 0, e: 0, b: 0, bAll: 0 };
  Object.defineProperty(g, "__mnNat", { value: k, enumerable: false });
  function wrap(o, name) {
    var f = o[name];
    if (typeof f !== "function" || name === "on" || name === "emit" || name === "constructor") return;
    Object.defineProperty(o, name, { enumerable: false, configurable: true, writable: true, value: function () {
      if (depth === 0) k.n++;
      depth++;
      try { return f.apply(this, arguments); } finally { depth--; }
    } });
  }
  function builtin(o, name) {
    var d = Object.getOwnPropertyDescriptor(o, name);
    if (!d || typeof d.value !== "function" || name === "constructor" || !d.configurable) return;
    var f = d.value;
    Object.defineProperty(o, name, { enumerable: d.enumerable, configurable: true, writable: true, value: function () {
      k.bAll++;
      if (depth === 0) k.b++;
      return f.apply(this, arguments);
    } });
  }
  [JSON, Math, Number.prototype, String.prototype, Array.prototype, Object.getPrototypeOf(Uint8Array.prototype)].forEach(function (o) {
    Object.getOwnPropertyNames(o).forEach(function (m) { builtin(o, m); });
  });
  builtin(g, "print");
  if (typeof CAN1 === "object" && CAN1) Object.keys(CAN1).forEach(function (m) { wrap(CAN1, m); });
  if (typeof I2C1 === "object" && I2C1) Object.keys(I2C1).forEach(function (m) { wrap(I2C1, m); });
  if (typeof MeterADC === "function") {
    Object.keys(MeterADC.prototype).forEach(function (m) { wrap(MeterADC.prototype, m); });
    // Espruino keeps listeners as "#on<event>"; the prelude emits a raw window only when one exists
    Object.defineProperty(MeterADC.prototype, "#onwindow", { enumerable: false, configurable: true, get: function () {
      return this.__mnOn && this.__mnOn.window && this.__mnOn.window.length ? this.__mnOn.window : undefined;
    } });
    var emit = MeterADC.prototype.emit;
    Object.defineProperty(MeterADC.prototype, "emit", { enumerable: false, configurable: true, writable: true, value: function (ev) {
      var l = this.__mnOn && this.__mnOn[ev];
      if (l) k.e += l.length;
      return emit.apply(this, arguments);
    } });
  }
}).call(globalThis);`;

/**
 * Runs `parts` (prelude, head, bundle, tail); `bundleIndex`: the part that is instrumented
 * and whose native calls count (the others run as they are).
 */
export type Instrument = "bundle" | "all";

export async function countWork(parts: string[], instrument: Instrument = "bundle", bundleIndex = 2, maxTurns = 100000): Promise<{ work: BundleWork; output: string }> {
  const clock = new VirtualClock(0);
  const acc = new Accounting();
  let output = "";
  const opts = acc.runtimeOptions();
  let instrumentNext = false;
  const rt = new EspruinoRuntime({ clock, output: (t) => { output += t; }, totalJsVars: 1e9, flashBytes: 262144, mapHttpPort: () => 0, ...opts,
    transform: (code: string) => (instrumentNext ? opts.transform!(code, "bundle") : code) });
  try {
    rt.eval(PRELUDE_SHIM, "shim");
    parts.forEach((part, i) => {
      instrumentNext = instrument === "all" || i === bundleIndex;
      rt.execute(part, i === bundleIndex ? "bundle.js" : "driver.js");
      instrumentNext = false;
      if (i === 0) rt.eval(NATIVE_COUNTER, "natives");
    });
    for (let turn = 0; turn < maxTurns && !/@@DONE/.test(output); turn++) clock.advance(1);
    if (!/@@DONE/.test(output)) throw new Error("driver did not finish; output: " + output.slice(-500));
    const nat = rt.eval("__mnNat") as { n: number; e: number; b: number; bAll: number };
    const w = acc.snapshot();
    return { work: { t: w.t, c: w.c, n: nat.n, e: nat.e, b: instrument === "all" ? nat.bAll : nat.b }, output };
  } finally {
    await rt.dispose();
  }
}

/** Work per window: the difference between runs of n1 and n2 windows (boot cost cancels). */
export async function workPerWindow(makeDriver: (windows: number) => string[], n1: number, n2: number, instrument: Instrument = "bundle"): Promise<BundleWork> {
  const a = await countWork(makeDriver(n1), instrument);
  const b = await countWork(makeDriver(n2), instrument);
  const per = (k: keyof BundleWork) => (b.work[k] - a.work[k]) / (n2 - n1);
  return { t: per("t"), c: per("c"), n: per("n"), e: per("e"), b: per("b") };
}
