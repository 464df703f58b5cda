#include <string.h>
#include "gramModel.h"

void gram_reset(gram_t *g) { memset(g, 0, sizeof(*g)); }

static void pixel(gram_t *g, uint16_t v) {
  /* the window registers in panel terms: 0x50/0x51 panel x = screen y, 0x52/0x53 panel y = screen x */
  int ys = g->reg[0x50], ye = g->reg[0x51], xs = g->reg[0x52], xe = g->reg[0x53];
  if (g->cx >= 0 && g->cx < 320 && g->cy >= 0 && g->cy < 240) g->frame[g->cy][g->cx] = v;
  if (++g->cx > xe) { g->cx = xs; if (++g->cy > ye) g->cy = ys; }
}

static void on_byte(gram_t *g, uint8_t b) {
  g->bytes++;
  if (g->logLen < sizeof(g->log)) g->log[g->logLen++] = b;
  if (g->nbytes == 0) { g->start = b; g->nbytes = 1; return; }
  if (g->nbytes == 1) { g->hi = b; g->nbytes = 2; return; }
  uint16_t v = (uint16_t)((g->hi << 8) | b);
  g->nbytes = 1;
  if (g->start == 0x70) { g->index = v; return; }
  if (g->start != 0x72) return;
  if (g->index == 0x22) { pixel(g, v); return; }
  g->reg[g->index & 0xFF] = v;
  if (g->index == 0x20) g->cy = v;
  if (g->index == 0x21) g->cx = v;
}

static void sel(void *ctx, int on) {
  gram_t *g = ctx;
  g->selected = on;
  g->nbytes = 0;
  if (on) g->selects++;
}
static void byte(void *ctx, uint8_t b) { on_byte(ctx, b); }
static void repeat16(void *ctx, uint16_t v, uint32_t n) {
  gram_t *g = ctx;
  while (n--) {
    g->bytes += 2;
    if (g->start == 0x72 && g->index == 0x22) pixel(g, v);
  }
}

lcd_io_t gram_io(gram_t *g) {
  lcd_io_t io = {g, sel, byte, repeat16};
  return io;
}
