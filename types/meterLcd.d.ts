/**
 * LCD: the meter's touchscreen (boards/STM32F107/jswrap/jswrap_meterlcd.c): the UI's
 * DisplayPort (modules/ui/displayPort.ts) plus init() and the touch events. Absent on
 * firmware without the display driver and on the host unless a test installs one.
 */
interface MeterLcd {
  /** True when a display answered (its touch controller's ID); false: the meter runs headless. */
  init(): boolean;
  rect(x: number, y: number, w: number, h: number, color: number): void;
  text(x: number, y: number, s: string, scale: number, fg: number, bg: number): void;
  line(x0: number, y0: number, x1: number, y1: number, color: number): void;
  light(pct: number): void;
  /** Raw STMPE811 coordinates (12 bit), debounced, while pressed. */
  on(event: "touch", cb: (rawX: number, rawY: number) => void): void;
  on(event: "release", cb: () => void): void;
}
declare const LCD: MeterLcd;
