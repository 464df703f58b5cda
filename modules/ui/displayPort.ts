/**
 * The display and touch ports of the meter's UI: as small as a native driver can serve
 * without a frame buffer (a 320x240x16-bit frame is 150 KB; the meter has 64 KB of RAM).
 * Device: the native `MeterLCD` hook (boards/STM32F107/display, jswrap_meterlcd.c): ILI9325
 * over SPI, STMPE811 over I2C. Host: host/ui/rgb565Display.ts (an RGB565 buffer, PNG).
 *
 * Every call draws straight into the controller's memory; nothing is kept in JavaScript.
 */
export interface DisplayPort {
  /** Filled rectangle, pixels; clipped to the screen. Colour: RGB565. */
  rect(x: number, y: number, w: number, h: number, color: number): void;
  /**
   * Text in the built-in 5x7 font, opaque: each character is a 6x8 cell (times `scale`)
   * filled with `bg`, so a value is rewritten in place without being cleared first (no flicker).
   */
  text(x: number, y: number, s: string, scale: number, fg: number, bg: number): void;
  /** One-pixel line, both ends included (Bresenham: the host and the C draw the same pixels). */
  line(x0: number, y0: number, x1: number, y1: number, color: number): void;
  /** Backlight, 0 (off) .. 100 %. */
  light(pct: number): void;
}

/** Screen size in pixels (landscape 3.2" 320x240: 4.94 px per mm). */
export const W = 320;
export const H = 240;
/** Smallest touch target: 9 mm at 4.94 px/mm (a thumb on a 3.2" screen). */
export const TARGET_MIN_PX = 44;
/** Character cell of the built-in font at scale 1. */
export const CHAR_W = 6;
export const CHAR_H = 8;

/** RGB565 colours of the UI. */
export const BLACK = 0x0000;
export const WHITE = 0xffff;
export const GREY = 0x8410;
export const DARK = 0x2104;
export const BLUE = 0x19b5;
export const GREEN = 0x07e0;
export const RED = 0xf800;
export const AMBER = 0xfd20;
export const CYAN = 0x07ff;
