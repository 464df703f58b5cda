/** Test helper: a runtime on a virtual clock whose printed output is captured. */
import { EspruinoRuntime, RuntimeOptions } from "./runtime.ts";
import { VirtualClock } from "./clock.ts";

export function captured(opts: RuntimeOptions = {}): { rt: EspruinoRuntime; out: () => string; clock: VirtualClock; clear: () => void; flash: EspruinoRuntime["flash"] } {
  let text = "";
  const clock = (opts.clock as VirtualClock) || new VirtualClock();
  const rt = new EspruinoRuntime({ flashBytes: 4096, ...opts, clock, output: (t) => { text += t; } });
  return { rt, out: () => text, clock, clear: () => { text = ""; }, flash: rt.flash };
}
