// The MeterADC contract on every implementation that runs off the board: the host's
// (host/meterAdc: the device's sampler, kernel and chain C in the addon) in the Espruino
// host runtime, and the real-interpreter prelude's stand-in (test/realInterpreter/
// prelude.js: recorded chain output), run here in a Node vm with Espruino's on/emit and
// timers stood in. The device's own (jswrap_meteradc.c) runs the same C as the host's.
import { readFileSync } from "node:fs";
import vm from "node:vm";
import { meterAdcContract } from "./meterAdcContract.ts";
import { EspruinoRuntime, VirtualClock } from "../../../host/runtime/index.ts";
import { hostMeterAdcClass, conditionSource } from "../../../host/meterAdc/hostMeterAdc.ts";
import { demoCondition } from "../../../host/meterAdc/runMeter.ts";

meterAdcContract("host MeterADC (sampler, kernel and chain C in the addon)", () => {
  const clock = new VirtualClock(0);
  const rt = new EspruinoRuntime({ clock, output: () => {}, globals: (r) => ({ MeterADC: hostMeterAdcClass(r, { source: conditionSource(demoCondition()) }) }) });
  return { run: (src) => rt.eval(src), advance: (ms) => void clock.advance(ms), close: () => rt.dispose() };
});

meterAdcContract("real-interpreter prelude's MeterADC stand-in", () => {
  const prelude = readFileSync(new URL("../../../test/realInterpreter/prelude.js", import.meta.url), "utf8");
  // Espruino's timers on a virtual clock, and its object events (obj.on / obj.emit, listeners in "#on<event>").
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; every: number; fn: () => void }>();
  const ctx = vm.createContext({
    // E.toArrayBuffer(string): the string's bytes as an ArrayBuffer (the prelude decodes its recorded arrays with it)
    E: { toArrayBuffer: (str: string) => { const b = Buffer.from(str, "latin1"); return b.buffer.slice(b.byteOffset, b.byteOffset + b.length); } }, print: () => {}, process: { memory: () => ({}) }, Modules: { addCached() {} }, quit: () => {},
    Uint8Array, Uint16Array, Uint32Array, Float32Array, Float64Array, Math, JSON, Error, atob: (s: string) => Buffer.from(s, "base64").toString("latin1"),
    require: () => ({}),
    setTimeout: (fn: () => void, ms: number) => { timers.set(nextId, { at: now + (ms || 0), every: 0, fn }); return nextId++; },
    setInterval: (fn: () => void, ms: number) => { timers.set(nextId, { at: now + ms, every: ms, fn }); return nextId++; },
    clearInterval: (id: number) => void timers.delete(id),
    clearTimeout: (id: number) => void timers.delete(id),
  });
  vm.runInContext(`Object.defineProperty(Object.prototype, "on", { value: function (ev, cb) { var k = "#on" + ev; if (!this[k]) this[k] = []; this[k].push(cb); } });
    Object.defineProperty(Object.prototype, "emit", { value: function (ev, x) { var l = this["#on" + ev] || []; for (var i = 0; i < l.length; i++) l[i].call(this, x); } });`, ctx);
  vm.runInContext(prelude, ctx);
  const advance = (ms: number): void => {
    const end = now + ms;
    for (;;) {
      let due: [number, { at: number; every: number; fn: () => void }] | undefined;
      for (const e of timers) if (e[1].at <= end && (!due || e[1].at < due[1].at)) due = e;
      if (!due) break;
      now = due[1].at;
      if (due[1].every) due[1].at += due[1].every;
      else timers.delete(due[0]);
      due[1].fn();
    }
    now = end;
  };
  return { run: (src) => vm.runInContext(src, ctx), advance };
});
