// Hand-written part of types/meterLcd.d.ts (which tools/build/genHookTypes.js generates
// from boards/STM32F107/jswrap/jswrap_meterlcd.c): what has no JSON block.
/**
 * LCD: the meter's touchscreen (boards/STM32F107/jswrap/jswrap_meterlcd.c): the UI's
 * DisplayPort (modules/ui/displayPort.ts) plus init() and the touch events. Absent on
 * firmware without the display driver and on the host unless a test installs one.
 */
/** The UI's display port (rect, text, line, light), which the generated MeterLcd extends. */
type MeternetDisplayPort = import("../modules/ui/displayPort").DisplayPort;

/** The touch events (queued by jswrap_meterlcd_idle, which has no event blocks); merged into the generated MeterLcd. */
interface MeterLcd {
  /** Raw STMPE811 coordinates (12 bit), debounced, while pressed. */
  on(event: "touch", cb: (rawX: number, rawY: number) => void): void;
  on(event: "release", cb: () => void): void;
}
