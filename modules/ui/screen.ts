/**
 * One screen of the UI: what it draws once, what it redraws when values change, what a press
 * does. Screens are made by their factory when shown and dropped when left, so only the
 * open one holds JsVars (its tables, its state): the meter has a few hundred to spare.
 */
import type { MeterUi } from "./meterUi";

export interface Screen {
  title: string;
  /** Static parts (axes, labels, buttons), after the area below the header was cleared. */
  draw(u: MeterUi): void;
  /** Values: each drawn only when its text changed (MeterUi.put) or its data did. */
  update(u: MeterUi): void;
  /**
   * A press at screen x, y that is not on the back button. A press that opens another screen
   * returns its index: MeterUi opens it once this press has returned. Opened from in here,
   * the new screen's module would be evaluated while this one's code is still on the call
   * stack, and both would live at once (on the meter at 2 600 variables, home's module and
   * profile's draw did not fit together: bench/ui/realMeterWithUi.ts).
   */
  press(u: MeterUi, x: number, y: number): number | void;
}

/** Makes the screen when it is shown. */
export type ScreenFactory = () => Screen;

/**
 * Makes screen `i` (navigation order, screens/index.ts) when it is shown: on the host from
 * the factories (screensOf), on the meter by evaluating the screen's Storage module
 * (app/meterUi: "ui<i>"), so that a closed screen's functions take no RAM.
 */
export type ScreenSource = (i: number) => Screen;
