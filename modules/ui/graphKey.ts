/**
 * Redraw-on-change for drawings that are not text (the graphs of profile, quality, events):
 * a function built into those screens' modules, not a method of the resident MeterUi, so
 * the screens that draw no graph (measure, the busiest) do not pay its JsVars.
 */
import type { MeterUi } from "./meterUi";

/** True when `key` differs from the last key of field `i` of the screen on show, which it replaces. */
export function changed(u: MeterUi, i: number, key: string): boolean {
  if (u.last[i] === key) return false;
  u.last[i] = key;
  return true;
}
