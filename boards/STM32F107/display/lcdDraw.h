/*
 * The drawing primitives MeterLCD gives JavaScript (modules/ui/displayPort.ts): filled
 * rectangle, opaque text in the built-in 5x7 font, one-pixel line. Straight to the
 * controller's GRAM, clipped to the screen, no frame buffer. The host display
 * (host/ui/rgb565Display.ts) draws the same pixels; host/ui/nativeDraw.test.ts checks it.
 * Each returns the pixels it sent (the bench's bytes to the LCD are twice that).
 */
#ifndef LCD_DRAW_H
#define LCD_DRAW_H

#include <stdint.h>
#include "lcdIo.h"

uint32_t lcd_rect(const lcd_io_t *io, int x, int y, int w, int h, uint16_t color);
uint32_t lcd_text(const lcd_io_t *io, int x, int y, const char *s, unsigned len, int scale, uint16_t fg, uint16_t bg);
uint32_t lcd_line(const lcd_io_t *io, int x0, int y0, int x1, int y1, uint16_t color);

#endif
