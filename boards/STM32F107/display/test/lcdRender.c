/*
 * Renders drawing calls with the firmware's drawing code (lcdDraw.c, ili9325.c) into the
 * GRAM model and writes the 320x240 RGB565 frame (little endian) to stdout, then
 * "bytes N" (SPI bytes sent) to stderr. Input lines, as host/ui/nativeDraw.test.ts writes
 * them: "r x y w h c", "l x0 y0 x1 y1 c", "t x y scale fg bg len" + a line of text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gramModel.h"
#include "display/lcdDraw.h"

static gram_t g;

int main(void) {
  gram_reset(&g);
  lcd_io_t io = gram_io(&g);
  char line[512];
  while (fgets(line, sizeof line, stdin)) {
    int a[6];
    if (line[0] == 'r' && sscanf(line + 1, "%d %d %d %d %d", &a[0], &a[1], &a[2], &a[3], &a[4]) == 5) lcd_rect(&io, a[0], a[1], a[2], a[3], (uint16_t)a[4]);
    else if (line[0] == 'l' && sscanf(line + 1, "%d %d %d %d %d", &a[0], &a[1], &a[2], &a[3], &a[4]) == 5) lcd_line(&io, a[0], a[1], a[2], a[3], (uint16_t)a[4]);
    else if (line[0] == 't' && sscanf(line + 1, "%d %d %d %d %d %d", &a[0], &a[1], &a[2], &a[3], &a[4], &a[5]) == 6) {
      char s[512];
      if (!fgets(s, sizeof s, stdin)) return 2;
      lcd_text(&io, a[0], a[1], s, (unsigned)a[5], a[2], (uint16_t)a[3], (uint16_t)a[4]);
    } else if (line[0] != '\n') { fprintf(stderr, "bad line: %s", line); return 2; }
  }
  fwrite(g.frame, sizeof g.frame, 1, stdout);
  fprintf(stderr, "bytes %lu\n", g.bytes);
  return 0;
}
