/**
 * Runs one bundle the way Espruino's `--test` mode and an upload do: a fresh
 * interpreter, the code's top level, then the event loop. The verdict follows
 * Espruino's convention: a bundle that sets the global `result` passes only when it
 * is truthy; a bundle that does not (an app) passes when its top level did not throw.
 */
import { EspruinoRuntime, RuntimeOptions } from "./runtime.ts";
import { RealClock, VirtualClock } from "./clock.ts";

export interface RunBundleOptions {
  code: string;
  filename?: string;
  /** Run the event loop on a virtual clock for this long (default: until no timer is left, at most 600 s). */
  virtualSeconds?: number;
  /** Run the event loop in real time for this long instead. */
  realSeconds?: number;
  /** Boot from Storage (.bootcde...) before running `code` (empty code = boot only). */
  boot?: boolean;
  runtime?: Omit<RuntimeOptions, "clock">;
}

export interface RunBundleResult {
  passed: boolean;
  /** The global `result`, undefined for app bundles. */
  result: unknown;
  topLevelOk: boolean;
  /** Device seconds the event loop ran. */
  ranSeconds: number;
}

const IDLE_LIMIT_S = 600;

export async function runBundle(opts: RunBundleOptions): Promise<RunBundleResult> {
  const real = opts.realSeconds !== undefined;
  const clock = real ? new RealClock() : new VirtualClock();
  const rt = new EspruinoRuntime({ ...(opts.runtime || {}), clock });
  try {
    if (opts.boot) rt.powerOn();
    const topLevelOk = opts.code.trim() === "" ? true : rt.execute(opts.code, opts.filename || "bundle.js");
    let ranSeconds: number;
    if (real) {
      await new Promise((resolve) => setTimeout(resolve, (opts.realSeconds as number) * 1000));
      ranSeconds = opts.realSeconds as number;
    } else if (opts.virtualSeconds !== undefined) {
      (clock as VirtualClock).advance(opts.virtualSeconds * 1000);
      ranSeconds = opts.virtualSeconds;
    } else {
      ranSeconds = (clock as VirtualClock).runUntilIdle(IDLE_LIMIT_S * 1000) / 1000;
    }
    const result = rt.global.result;
    const passed = result === undefined ? topLevelOk : Boolean(result);
    return { passed, result, topLevelOk, ranSeconds };
  } finally {
    await rt.dispose();
  }
}
