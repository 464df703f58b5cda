/**
 * The UI bundle (build/meterUi.js) in the host runtime with the JsVar estimate
 * (host/runtime/memoryEstimate.ts), driven as app/meter drives it: a fake LCD and MeterADC,
 * a reading a second. What the UI holds = usage with the UI running minus usage before its
 * file ran (on the device the file runs from Storage: its code stays in flash, as the
 * estimate prices it).
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { EspruinoRuntime } from "../runtime/runtime.ts";
import { VirtualClock } from "../runtime/clock.ts";
import { Accounting } from "../runtime/accounting/accounting.ts";
import { PRELUDE_SHIM, ROOT } from "../runtime/accounting/jsVarHarness.ts";
import { fixtureView } from "./fixtureView.ts";
import { untokenise } from "../../tools/build/pretokenise.js";

export const FAKES = `global.__lcd = { rect: function () {}, text: function () {}, line: function () {}, light: function () {}, on: function (e, f) { this["_" + e] = f; } };
global.__adc = { on: function (e, f) { this["_" + e] = f; } };
global.__r = ${JSON.stringify(fixtureView().reading)};
global.__step = function (n) { for (var k = 0; k < n; k++) { global.__r.tS++; global.__r.vRmsV = 230 + (global.__r.tS % 9) / 10; global.__adc._reading(global.__r); } };`;

export class UiRun {
  readonly rt: EspruinoRuntime;
  out = "";
  before = 0;
  private readonly acc = new Accounting();
  private constructor() {
    const acc = this.acc;
    this.rt = new EspruinoRuntime({ clock: new VirtualClock(0), output: (t) => { this.out += t; }, totalJsVars: 1e9, flashBytes: 262144, mapHttpPort: () => 0, ...acc.runtimeOptions() });
  }

  /**
   * `bundle`: the resident UI's code; `dir`: where its screen modules ui<i>.js are (build/meterUi,
   * or build/stored/meterUi for the stored form), written to Storage as "ui<i>" as the
   * upload does, so that a screen is evaluated from Storage when it opens, as on the meter.
   * Written instrumented: the runtime instruments what it executes, not what the program
   * evaluates, and without it the estimate missed the screens' scopes (16..31 % under the real
   * interpreter's figure).
   */
  static start(bundle = readFileSync(join(ROOT, "build/meterUi.js"), "utf8"), dir = join(ROOT, "build/meterUi")): UiRun {
    const u = new UiRun();
    u.rt.eval(PRELUDE_SHIM, "shim");
    for (const f of readdirSync(dir).filter((n) => /^ui\d+\.js$/.test(n))) {
      const code = u.acc.transform(untokenise(readFileSync(join(dir, f), "latin1")));
      u.rt.eval(`require("Storage").write(${JSON.stringify(f.slice(0, -3))}, ${JSON.stringify(code)})`, "write");
    }
    u.rt.execute(FAKES, "fakes.js");
    u.before = u.rt.memory().usage;
    u.rt.execute(bundle, "meterUi.js");
    u.run(`global.__o = global.meterUi(global.__lcd, null, {}, "none.json"); global.__ui = global.__o.ui; global.__adc._reading = global.__o.reading;`);
    return u;
  }

  run(code: string): void {
    this.rt.execute(code, "run.js");
    if (/Error/.test(this.out)) throw new Error("UI run failed: " + this.out);
  }

  /** Screen `i` shown, then `readings` readings. */
  screen(i: number, readings = 3): number {
    this.run(`global.__ui.show(${i}); global.__step(${readings});`);
    return this.usage();
  }

  /** JsVars the UI holds now. */
  usage(): number {
    return this.rt.memory().usage - this.before;
  }

  dispose(): Promise<void> {
    return this.rt.dispose();
  }
}
