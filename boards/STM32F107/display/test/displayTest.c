/*
 * The display drivers against fakes (cmocka): the ILI9325's byte sequences (init, a
 * window write, a fill), drawing into the GRAM model (clipping, the font, lines), and
 * the STMPE811 against a register model with a FIFO (init order, the FIFO drained on
 * each interrupt, both status latches cleared, pressure threshold, debounce, release).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "gramModel.h"
#include "display/ili9325.h"
#include "display/lcdDraw.h"
#include "display/stmpe811.h"
#include "display/font5x7.h"

static gram_t g;
static unsigned waited;
static void wait_ms(unsigned ms) { waited += ms; }

static void ili_init_sequence(void **state) {
  (void)state;
  gram_reset(&g);
  waited = 0;
  lcd_io_t io = gram_io(&g);
  ili_init(&io, wait_ms);
  /* first register: index 0x00E5 then data 0x8000, each in its own chip select */
  const uint8_t first[] = {0x70, 0x00, 0xE5, 0x72, 0x80, 0x00};
  assert_memory_equal(g.log, first, sizeof first);
  unsigned regs = 0;
  for (unsigned i = 0; i < ili_init_count; i++) regs += ili_init_steps[i].reg != 0xFFFF;
  assert_int_equal(g.selects, 2 * regs);
  assert_int_equal(g.logLen, 6 * regs);
  assert_int_equal(waited, 350);
  assert_int_equal(g.reg[0x07], 0x0173); /* display on last */
  assert_int_equal(g.reg[0x03], 0x1018); /* AM=1: landscape rows */
}

static void ili_window_sequence(void **state) {
  (void)state;
  gram_reset(&g);
  lcd_io_t io = gram_io(&g);
  ili_window(&io, 10, 20, 30, 40);
  const uint8_t want[] = {
    0x70, 0, 0x50, 0x72, 0, 20, 0x70, 0, 0x51, 0x72, 0, 59,   /* panel x = screen y 20..59 */
    0x70, 0, 0x52, 0x72, 0, 10, 0x70, 0, 0x53, 0x72, 0, 39,   /* panel y = screen x 10..39 */
    0x70, 0, 0x20, 0x72, 0, 20, 0x70, 0, 0x21, 0x72, 0, 10,   /* cursor */
    0x70, 0, 0x22, 0x72,                                      /* GRAM, data start: pixels follow */
  };
  assert_int_equal(g.logLen, sizeof want);
  assert_memory_equal(g.log, want, sizeof want);
  assert_int_equal(g.selected, 1);
}

static void rect_fills_and_clips(void **state) {
  (void)state;
  gram_reset(&g);
  lcd_io_t io = gram_io(&g);
  assert_int_equal(lcd_rect(&io, 310, 230, 20, 20, 0xF800), 100);
  assert_int_equal(g.frame[239][319], 0xF800);
  assert_int_equal(g.frame[230][310], 0xF800);
  assert_int_equal(g.frame[229][310], 0);
  assert_int_equal(g.frame[230][309], 0);
  assert_int_equal(g.selected, 0);
  assert_int_equal(lcd_rect(&io, -5, -5, 5, 100, 1), 0); /* wholly off screen: nothing sent */
  /* a full frame is 76 800 pixels: 153 600 bytes plus the window's 40 */
  unsigned long before = g.bytes;
  assert_int_equal(lcd_rect(&io, 0, 0, 320, 240, 0x001F), 76800);
  assert_int_equal(g.bytes - before, 153600 + 40);
}

static void text_draws_the_font(void **state) {
  (void)state;
  gram_reset(&g);
  lcd_io_t io = gram_io(&g);
  assert_int_equal(lcd_text(&io, 100, 50, "A1", 2, 2, 0xFFFF, 0x0841), 2 * 12 * 16);
  const uint8_t *a = &lcd_font5x7[('A' - 32) * 5];
  for (int row = 0; row < 8; row++)
    for (int col = 0; col < 6; col++) {
      int on = col < 5 && row < 7 && ((a[col] >> row) & 1);
      for (int dy = 0; dy < 2; dy++)
        for (int dx = 0; dx < 2; dx++) assert_int_equal(g.frame[50 + row * 2 + dy][100 + col * 2 + dx], on ? 0xFFFF : 0x0841);
    }
  /* a character outside 32..126 is drawn as '?' */
  gram_reset(&g);
  lcd_text(&io, 0, 0, "\x01", 1, 1, 0xFFFF, 0);
  uint16_t first[8][6];
  for (int r = 0; r < 8; r++) for (int c = 0; c < 6; c++) first[r][c] = g.frame[r][c];
  gram_reset(&g);
  lcd_text(&io, 0, 0, "?", 1, 1, 0xFFFF, 0);
  for (int r = 0; r < 8; r++) for (int c = 0; c < 6; c++) assert_int_equal(first[r][c], g.frame[r][c]);
}

static void line_diagonal_and_straight(void **state) {
  (void)state;
  gram_reset(&g);
  lcd_io_t io = gram_io(&g);
  assert_int_equal(lcd_line(&io, 0, 0, 9, 3, 7), 10);
  assert_int_equal(g.frame[0][0], 7);
  assert_int_equal(g.frame[3][9], 7);
  assert_int_equal(lcd_line(&io, 50, 10, 50, 19, 9), 10); /* vertical: one window */
  for (int y = 10; y < 20; y++) assert_int_equal(g.frame[y][50], 9);
}

/* ---- STMPE811 register model ---- */
typedef struct {
  uint8_t reg[256];
  uint8_t fifo[64][4];
  unsigned head, count;
  uint8_t writes[64][2];
  unsigned nw;
  int touched;
} tsc_model_t;
static tsc_model_t m;

static int m_write(void *ctx, uint8_t reg, uint8_t v) {
  (void)ctx;
  if (m.nw < 64) { m.writes[m.nw][0] = reg; m.writes[m.nw][1] = v; m.nw++; }
  if (reg == STMPE_INT_STA || reg == STMPE_GPIO_INT_STA || reg == STMPE_GPIO_ED_STA) m.reg[reg] &= (uint8_t)~v; /* write 1 to clear */
  else m.reg[reg] = v;
  return 0;
}
static int m_read(void *ctx, uint8_t reg, uint8_t *buf, unsigned n) {
  (void)ctx;
  if (reg == STMPE_CHIP_ID) { buf[0] = 0x08; buf[1] = 0x11; return 0; }
  if (reg == STMPE_TSC_DATA_XYZ) {
    if (m.count == 0) { memset(buf, 0, n); return 0; }
    memcpy(buf, m.fifo[m.head], 4);
    m.head = (m.head + 1) % 64;
    m.count--;
    return 0;
  }
  if (reg == STMPE_FIFO_SIZE) { buf[0] = (uint8_t)m.count; return 0; }
  if (reg == STMPE_TSC_CTRL) { buf[0] = (uint8_t)(m.reg[reg] | (m.touched ? 0x80 : 0)); return 0; }
  for (unsigned i = 0; i < n; i++) buf[i] = m.reg[reg + i];
  return 0;
}
static const stmpe_bus_t mbus = {0, m_write, m_read};

static void push(unsigned x, unsigned y, uint8_t z) {
  unsigned i = (m.head + m.count) % 64;
  m.fifo[i][0] = (uint8_t)(x >> 4);
  m.fifo[i][1] = (uint8_t)(((x & 15) << 4) | (y >> 8));
  m.fifo[i][2] = (uint8_t)y;
  m.fifo[i][3] = z;
  m.count++;
  m.reg[STMPE_INT_STA] |= 0x03;
  m.reg[STMPE_GPIO_INT_STA] |= 0x01;
  m.reg[STMPE_GPIO_ED_STA] |= 0x01;
}

static int index_of_write(uint8_t reg) {
  for (unsigned i = 0; i < m.nw; i++) if (m.writes[i][0] == reg) return (int)i;
  return -1;
}

static void stmpe_init_sequence(void **state) {
  (void)state;
  memset(&m, 0, sizeof m);
  stmpe_t t = {.zMin = 8, .debounce = 2};
  assert_int_equal(stmpe_init(&t, &mbus, wait_ms), 0);
  assert_int_equal(m.writes[0][0], STMPE_SYS_CTRL1); /* soft reset first */
  assert_int_equal(m.writes[0][1], 0x02);
  assert_int_equal(m.reg[STMPE_FIFO_TH], STMPE_FIFO_THRESHOLD);
  assert_true(STMPE_FIFO_THRESHOLD > 1);
  assert_int_equal(m.reg[STMPE_TSC_CTRL], 0x01);
  /* the touch controller is enabled only after its configuration, and the interrupt last */
  assert_true(index_of_write(STMPE_TSC_CFG) < index_of_write(STMPE_TSC_CTRL));
  assert_int_equal(m.writes[m.nw - 1][0], STMPE_INT_CTRL);
}

static int no_chip_read(void *ctx, uint8_t reg, uint8_t *buf, unsigned n) { (void)ctx; (void)reg; memset(buf, 0xFF, n); return 0; }

static void stmpe_absent(void **state) {
  (void)state;
  stmpe_t t = {0};
  stmpe_bus_t b = {0, m_write, no_chip_read};
  assert_int_equal(stmpe_init(&t, &b, 0), -1);
}

static void stmpe_service_drains_clears_debounces(void **state) {
  (void)state;
  memset(&m, 0, sizeof m);
  stmpe_t t = {.zMin = 8, .debounce = 2};
  stmpe_init(&t, &mbus, 0);
  m.touched = 1;
  /* one sample: below the debounce count, nothing reported, but drained and cleared */
  push(1000, 2000, 40);
  assert_int_equal(stmpe_service(&t, &mbus), STMPE_NOTHING);
  assert_int_equal(m.count, 0);
  assert_int_equal(m.reg[STMPE_INT_STA], 0);
  assert_int_equal(m.reg[STMPE_GPIO_INT_STA], 0);
  assert_int_equal(m.reg[STMPE_GPIO_ED_STA], 0);
  /* five more, one too light: averaged over the four good ones */
  push(1002, 2004, 40); push(1004, 2008, 40); push(4000, 100, 3); push(1006, 2012, 40); push(1008, 2016, 40);
  assert_int_equal(stmpe_service(&t, &mbus), STMPE_PRESS);
  assert_int_equal(m.count, 0);
  assert_int_equal(t.x, 1005);
  assert_int_equal(t.y, 2010);
  assert_int_equal(t.light, 1);
  /* released: TOUCH_DET clear */
  m.touched = 0;
  m.reg[STMPE_INT_STA] |= 0x01;
  assert_int_equal(stmpe_service(&t, &mbus), STMPE_RELEASE);
  assert_int_equal(stmpe_service(&t, &mbus), STMPE_NOTHING);
  /* a tap shorter than the debounce count is dropped, no release reported */
  m.touched = 1;
  push(500, 500, 40);
  assert_int_equal(stmpe_service(&t, &mbus), STMPE_NOTHING);
  m.touched = 0;
  assert_int_equal(stmpe_service(&t, &mbus), STMPE_NOTHING);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(ili_init_sequence),
    cmocka_unit_test(ili_window_sequence),
    cmocka_unit_test(rect_fills_and_clips),
    cmocka_unit_test(text_draws_the_font),
    cmocka_unit_test(line_diagonal_and_straight),
    cmocka_unit_test(stmpe_init_sequence),
    cmocka_unit_test(stmpe_absent),
    cmocka_unit_test(stmpe_service_drains_clears_debounces),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
