/**
 * Where things are on the 320x240 screen, in one place (the host tests check that no two
 * touch targets overlap and that each is at least TARGET_MIN_PX on both sides).
 */
/** A touch target: [x, y, w, h]. */
export type Rect = number[];

/** Header bar: back button at the left, title, clock at the right. */
export const HEADER_H = 46;
export const BACK: Rect = [0, 0, 72, HEADER_H];
/** Home: 2 columns x 4 rows of tiles below the header, 3 px apart. */
export const TILE_W = 158;
export const TILE_H = 45;

export function tile(i: number): Rect {
  return [(i % 2) * (TILE_W + 4), HEADER_H + 2 + (i >> 1) * (TILE_H + 3), TILE_W, TILE_H];
}

/** Profile: the two range buttons in the header (the axis shows the time; no clock there). */
export const RANGE_24H: Rect = [164, 0, 76, HEADER_H];
export const RANGE_7D: Rect = [244, 0, 76, HEADER_H];

/** Settings: minus/plus of backlight and timeout, and the calibration button. */
export const LIGHT_MINUS: Rect = [150, 54, 56, 48];
export const LIGHT_PLUS: Rect = [262, 54, 56, 48];
export const TIME_MINUS: Rect = [150, 110, 56, 48];
export const TIME_PLUS: Rect = [262, 110, 56, 48];
export const CALIBRATE: Rect = [8, 176, 304, 56];

export function inside(r: Rect, x: number, y: number): boolean {
  return x >= r[0] && y >= r[1] && x < r[0] + r[2] && y < r[1] + r[3];
}

