/**
 * The CAN1 stand-in's state taken out of a measurement, the chip's put in (issue 16: the
 * figure must be the chip's). On the real interpreter test/realInterpreter/prelude.js
 * stands in for CAN1 in JavaScript; its SecOC and link state is referenced from the one
 * global `mnCanState` (the stand-in keeps nothing of the bundle there: no callback, no
 * value handed in, only copies). On the chip that state is C's: two flat strings hidden on
 * CAN1 ("\xFFsecoc", "\xFFaglink") of exactly mnCanState.bytes bytes.
 *
 *   chip usage = measured usage - E.getSizeOf(mnCanState) + chipCanJsVars(bytes, blocksize)
 *
 * The real measurement (measureJsVars.ts) asks E.getSizeOf at the console; the host
 * estimate prices the same object with its own rules (standInJsVars).
 */
import { estimateJsVars, nameVars } from "../memoryEstimate.ts";

/** JsVars of the chip's CAN1 state: per non-empty state its hidden name (2) and a flat string (jsvNewFlatStringOfLength: 1 + ceil(bytes / blocksize)). */
export function chipCanJsVars(bytes: number[], blocksize: number): number {
  let n = 0;
  for (const b of bytes) if (b > 0) n += nameVars(7) + 1 + Math.ceil(b / blocksize);
  return n;
}

/** The host estimate of E.getSizeOf(value): the value and everything it reaches, without the name that holds it. */
export function standInJsVars(value: unknown): number {
  return estimateJsVars({ x: value }, new Set()) - estimateJsVars({ x: null }, new Set()) + 1;
}
