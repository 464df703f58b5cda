/**
 * Runs a scenario (scenarios.ts) in the host runtime exactly as the real-interpreter
 * measurement boots it: test/realInterpreter/prelude.js as ".boot0", the bundle as
 * ".bootcde", the scenario's files in Storage, power-on, then virtual time; returns the
 * estimated JsVar usage at each snapshot and the work counters. The prelude uses three
 * Espruino APIs the host runtime does not otherwise provide (E.toArrayBuffer,
 * Modules.addCached, on/emit on every object); PRELUDE_SHIM adds them, out of sight of
 * the estimate (names beginning with __mn, non-enumerable).
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { EspruinoRuntime } from "../runtime.ts";
import { VirtualClock } from "../clock.ts";
import { Accounting, type WorkCounters } from "./accounting.ts";
import { codeFiles, norStandInFiles, type Scenario } from "./scenarios.ts";
import { chipCanJsVars, standInJsVars } from "./chipCan.ts";

export const ROOT = resolve(import.meta.dirname, "../../..");
const PRELUDE = join(ROOT, "test/realInterpreter/prelude.js");

/** Espruino's on/emit for every object (listeners kept in a non-enumerable __mnOn the estimate prices), E.toArrayBuffer, Modules. */
export const PRELUDE_SHIM = `(function () {
  function def(o, k, v) { Object.defineProperty(o, k, { value: v, enumerable: false, writable: true, configurable: true }); }
  def(Object.prototype, "on", function (ev, fn) {
    if (!Object.prototype.hasOwnProperty.call(this, "__mnOn")) def(this, "__mnOn", {});
    (this.__mnOn[ev] = this.__mnOn[ev] || []).push(fn);
  });
  def(Object.prototype, "addListener", Object.prototype.on);
  def(Object.prototype, "emit", function (ev) {
    var l = Object.prototype.hasOwnProperty.call(this, "__mnOn") && this.__mnOn[ev];
    if (!l) return;
    var args = [].slice.call(arguments, 1), self = this;
    l.slice().forEach(function (fn) { fn.apply(self, args); });
  });
  def(Object.prototype, "removeAllListeners", function (ev) {
    if (Object.prototype.hasOwnProperty.call(this, "__mnOn")) { if (ev === undefined) this.__mnOn = {}; else delete this.__mnOn[ev]; }
  });
  E.toArrayBuffer = function (s) { var b = new Uint8Array(s.length); for (var i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 255; return b.buffer; };
  def(globalThis, "Modules", { addCached: function () {} });
})();`;

/**
 * usage: the estimate of the whole heap, as the real run's process.memory().usage;
 * chipUsage: the same with the CAN1 stand-in's state replaced by the chip's (chipCan.ts).
 */
export interface HostSnapshot { atS: number; usage: number; chipUsage: number; standIn: number; chipCan: number; work: WorkCounters }
export interface HostRun { scenario: string; snapshots: HostSnapshot[]; output: string; breakdown: [string, number][]; categories: [string, number][] }

export interface HarnessOptions {
  /** Bundle text instead of build/<bundle>.js (an over-budget fixture, an older build). */
  code?: string;
  /** Called with the runtime once booted (to drive it: HTTP requests, extra windows). */
  onBoot?: (rt: EspruinoRuntime) => void;
  /** Called with the runtime after the last snapshot (to look inside it). */
  atEnd?: (rt: EspruinoRuntime) => void;
}

export async function runScenario(s: Scenario, opts: HarnessOptions = {}): Promise<HostRun> {
  const clock = new VirtualClock(0);
  const acc = new Accounting();
  let output = "";
  const rt = new EspruinoRuntime({
    clock,
    output: (t) => { output += t; },
    totalJsVars: 1e9, // report the estimate uncapped
    flashBytes: 262144,
    mapHttpPort: () => 0,
    ...acc.runtimeOptions(),
  });
  try {
    rt.eval(PRELUDE_SHIM, "shim");
    const write = (name: string, text: string) => rt.eval(`require("Storage").write(${JSON.stringify(name)}, ${JSON.stringify(text)})`);
    write(".boot0", readFileSync(PRELUDE, "latin1"));
    for (const [name, value] of Object.entries(s.files)) write(name, JSON.stringify(value));
    for (const [name, bytes] of Object.entries(norStandInFiles(s.nor || []))) write(name, bytes);
    const code = opts.code ?? (s.bundle ? readFileSync(join(ROOT, "build", s.bundle + ".js"), "latin1") : null);
    if (code) write(".bootcde", code);
    if (!opts.code) for (const [name, path] of Object.entries(codeFiles(s.bundle))) write(name, readFileSync(join(ROOT, path), "latin1"));
    rt.powerOn();
    clock.advance(1); // the prelude's boot snapshot: the first idle after boot
    if (opts.onBoot) opts.onBoot(rt);
    const snapshots: HostSnapshot[] = [];
    let now = 0;
    for (const at of s.atS) {
      if (at > now) { clock.advance((at - now) * 1000); now = at; }
      const usage = rt.memory().usage;
      const st = rt.global.mnCanState as { bytes: number[] } | undefined;
      const standIn = st ? standInJsVars(st) : 0;
      const chipCan = st ? chipCanJsVars(st.bytes, rt.memory().blocksize) : 0;
      snapshots.push({ atS: at, usage, chipUsage: usage - standIn + chipCan, standIn, chipCan, work: acc.snapshot() });
    }
    if (opts.atEnd) opts.atEnd(rt);
    return { scenario: s.name, snapshots, output, breakdown: rt.memoryBreakdown(), categories: rt.memoryCategories() };
  } finally {
    await rt.dispose();
  }
}
