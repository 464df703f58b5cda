#include "lcdDraw.h"
#include "ili9325.h"
#include "font5x7.h"

uint32_t lcd_rect(const lcd_io_t *io, int x, int y, int w, int h, uint16_t color) {
  int x1 = x + w, y1 = y + h;
  if (x < 0) x = 0;
  if (y < 0) y = 0;
  if (x1 > LCD_W) x1 = LCD_W;
  if (y1 > LCD_H) y1 = LCD_H;
  if (x1 <= x || y1 <= y) return 0;
  uint32_t n = (uint32_t)(x1 - x) * (uint32_t)(y1 - y);
  ili_window(io, x, y, x1 - x, y1 - y);
  io->repeat16(io->ctx, color, n);
  io->select(io->ctx, 0);
  return n;
}

/* Bit of the glyph at cell column col (0..5), row (0..7): column 5 and row 7 are the gap. */
static int ink(const uint8_t *g, int col, int row) {
  return col < 5 && row < 7 && ((g[col] >> row) & 1);
}

uint32_t lcd_text(const lcd_io_t *io, int x, int y, const char *s, unsigned len, int scale, uint16_t fg, uint16_t bg) {
  uint32_t sent = 0;
  if (scale < 1) scale = 1;
  const int cw = LCD_CELL_W * scale, ch = LCD_CELL_H * scale;
  for (unsigned k = 0; k < len; k++, x += cw) {
    unsigned c = (uint8_t)s[k];
    if (c < LCD_FONT_FIRST || c > LCD_FONT_LAST) c = '?';
    const uint8_t *g = &lcd_font5x7[(c - LCD_FONT_FIRST) * 5];
    if (x >= 0 && y >= 0 && x + cw <= LCD_W && y + ch <= LCD_H) {
      /* the whole cell in one window: each row as runs of one colour */
      ili_window(io, x, y, cw, ch);
      for (int row = 0; row < LCD_CELL_H; row++) {
        for (int rep = 0; rep < scale; rep++) {
          int col = 0;
          while (col < LCD_CELL_W) {
            int on = ink(g, col, row), end = col + 1;
            while (end < LCD_CELL_W && ink(g, end, row) == on) end++;
            io->repeat16(io->ctx, on ? fg : bg, (uint32_t)((end - col) * scale));
            col = end;
          }
        }
      }
      io->select(io->ctx, 0);
      sent += (uint32_t)(cw * ch);
    } else {
      /* a cell across the edge: its visible squares one by one (rare: the UI keeps text on screen) */
      for (int row = 0; row < LCD_CELL_H; row++)
        for (int col = 0; col < LCD_CELL_W; col++)
          sent += lcd_rect(io, x + col * scale, y + row * scale, scale, scale, ink(g, col, row) ? fg : bg);
    }
  }
  return sent;
}

uint32_t lcd_line(const lcd_io_t *io, int x0, int y0, int x1, int y1, uint16_t color) {
  /* horizontal and vertical lines (axes, ticks, crosses) are rectangles: one window */
  if (y0 == y1) return lcd_rect(io, x0 < x1 ? x0 : x1, y0, (x0 < x1 ? x1 - x0 : x0 - x1) + 1, 1, color);
  if (x0 == x1) return lcd_rect(io, x0, y0 < y1 ? y0 : y1, 1, (y0 < y1 ? y1 - y0 : y0 - y1) + 1, color);
  /* Bresenham, the same steps as host/ui/rgb565Display.ts */
  int dx = x1 > x0 ? x1 - x0 : x0 - x1, dy = -(y1 > y0 ? y1 - y0 : y0 - y1);
  int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy;
  uint32_t sent = 0;
  for (;;) {
    sent += lcd_rect(io, x0, y0, 1, 1, color);
    if (x0 == x1 && y0 == y1) break;
    int e2 = 2 * err;
    if (e2 >= dy) { err += dy; x0 += sx; }
    if (e2 <= dx) { err += dx; y0 += sy; }
  }
  return sent;
}
