import type { MeterOutputs } from "../../metering/meterOutputs";
import type { MeterLink } from "../../link/meterLink";
import type { Screen, ScreenFactory } from "../../ui/screen";

/**
 * The touchscreen (types/meterLcd.d.ts, boards/STM32F107/jswrap/jswrap_meterlcd.c) when
 * the firmware has the LCD hook and a display answers; null otherwise (the meter then
 * runs headless).
 */
export function deviceDisplay(): MeterLcd | null {
  return typeof LCD !== "undefined" && LCD.init() ? LCD : null;
}

/**
 * The UI program, a Storage file of its own (build/meterUi.js; app/meterUi). The caller
 * evaluates it (console.ts globalEval) AT TOP LEVEL: Espruino runs eval'd code in the
 * caller's scope, and inside a function every UI function would keep one more scope
 * level (measured: +143 JsVars).
 */
export function readUiProgram(file: string): string {
  // a missing file reads as undefined, evaluates to nothing, and uiProgramEntry() then
  // gives no function: the caller's "display: TypeError" says the UI is not there
  return require("Storage").read(file) as string;
}

/**
 * The entry the evaluated UI program defined (app/meterUi: the global `meterUi`), taken off
 * the global object: it is called once, and a global would hold it for good (12 JsVars,
 * bench/ui/realMeterWithUi.ts).
 */
export function uiProgramEntry(): (lcd: MeterLcd, link: MeterLink | null, file: unknown, configFile: string) => MeterOutputs {
  const entry = global.meterUi as (lcd: MeterLcd, link: MeterLink | null, file: unknown, configFile: string) => MeterOutputs;
  delete global.meterUi;
  return entry;
}

/**
 * Screen `i` of the UI, made from its Storage module "ui<i>" (app/meterUi/screens/,
 * build/meterUi/ui<i>.js): evaluated from flash when the screen opens (its function code
 * stays in flash), garbage once the UI drops the screen. A missing module is an error
 * that says what to do; the touch that asked for it does nothing else.
 */
export function loadScreenModule(i: number): Screen {
  const code = require("Storage").read("ui" + i);
  if (!code) throw new Error("ui" + i + " is not in Storage: upload the UI again (npm run upload -- --role meter --ui)");
  return (global.eval as (s: string) => ScreenFactory)(code)();
}
