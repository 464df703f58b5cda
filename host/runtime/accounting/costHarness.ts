/**
 * The host side of the CPU guard: runs a driver script (meterDriver.ts) in the host runtime
 * with the bundle instrumented (instrument.ts) and returns the work counters: tokens
 * Espruino would lex and calls it would make.
 */
import { EspruinoRuntime } from "../runtime.ts";
import { VirtualClock } from "../clock.ts";
import { Accounting, type WorkCounters } from "./accounting.ts";
import { PRELUDE_SHIM } from "./jsVarHarness.ts";

export async function countWork(driver: string | string[], maxTurns = 100000): Promise<{ work: WorkCounters; output: string }> {
  const clock = new VirtualClock(0);
  const acc = new Accounting();
  let output = "";
  const rt = new EspruinoRuntime({ clock, output: (t) => { output += t; }, totalJsVars: 1e9, flashBytes: 262144, mapHttpPort: () => 0, ...acc.runtimeOptions() });
  try {
    rt.eval(PRELUDE_SHIM, "shim");
    for (const part of Array.isArray(driver) ? driver : [driver]) rt.execute(part, "driver.js");
    for (let turn = 0; turn < maxTurns && !/@@DONE/.test(output); turn++) clock.advance(1);
    if (!/@@DONE/.test(output)) throw new Error("driver did not finish; output: " + output.slice(-500));
    return { work: acc.snapshot(), output };
  } finally {
    await rt.dispose();
  }
}

/** Work per window: the difference between runs of n1 and n2 windows (boot cost cancels). */
export async function workPerWindow(makeDriver: (windows: number) => string | string[], n1: number, n2: number): Promise<WorkCounters> {
  const a = await countWork(makeDriver(n1));
  const b = await countWork(makeDriver(n2));
  return { t: (b.work.t - a.work.t) / (n2 - n1), c: (b.work.c - a.work.c) / (n2 - n1) };
}
