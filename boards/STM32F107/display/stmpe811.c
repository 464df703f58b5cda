#include "stmpe811.h"

static int wr(stmpe_t *t, const stmpe_bus_t *b, uint8_t reg, uint8_t v) {
  int r = b->write(b->ctx, reg, v);
  if (r < 0) t->busErrors++;
  return r;
}

int stmpe_init(stmpe_t *t, const stmpe_bus_t *b, void (*wait_ms)(unsigned ms)) {
  uint8_t id[2];
  t->good = 0;
  t->down = 0;
  t->light = 0;
  t->busErrors = 0;
  if (!t->debounce) t->debounce = 2;
  if (b->read(b->ctx, STMPE_CHIP_ID, id, 2) < 0 || id[0] != 0x08 || id[1] != 0x11) return -1;
  /* register, value: the STMPE811 datasheet's touchscreen set-up (section 8) */
  static const uint8_t seq[][2] = {
    {STMPE_SYS_CTRL2, 0x0C},      /* ADC and touch clocks on; GPIO and temperature off */
    {STMPE_INT_EN, 0x03},         /* touch detect, FIFO threshold */
    {STMPE_ADC_CTRL1, 0x49},      /* 80-clock sample time, 12 bit */
    {STMPE_ADC_CTRL2, 0x01},      /* ADC clock 3.25 MHz */
    {STMPE_GPIO_AF, 0x00},        /* touch pins are not GPIO */
    {STMPE_TSC_CFG, 0x9A},        /* 4-sample average, 500 us detect delay, 500 us settling */
    {STMPE_FIFO_TH, STMPE_FIFO_THRESHOLD},
    {STMPE_FIFO_STA, 0x01},       /* FIFO reset ... */
    {STMPE_FIFO_STA, 0x00},       /* ... released */
    {STMPE_TSC_FRACTION_Z, 0x07},
    {STMPE_TSC_I_DRIVE, 0x01},    /* 50 mA */
    {STMPE_TSC_CTRL, 0x01},       /* on, X, Y and Z */
    {STMPE_INT_STA, 0xFF},        /* clear what the reset left */
    {STMPE_INT_CTRL, 0x01},       /* global interrupt, level, active low */
  };
  if (wr(t, b, STMPE_SYS_CTRL1, 0x02) < 0) return -2; /* soft reset */
  if (wait_ms) wait_ms(10);
  for (unsigned i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
    if (wr(t, b, seq[i][0], seq[i][1]) < 0) return -2;
  return 0;
}

int stmpe_service(stmpe_t *t, const stmpe_bus_t *b) {
  uint8_t sta = 0, size = 0, ctrl = 0, d[4];
  uint32_t sx = 0, sy = 0, n = 0;
  if (b->read(b->ctx, STMPE_INT_STA, &sta, 1) < 0) { t->busErrors++; return STMPE_NOTHING; }
  if (b->read(b->ctx, STMPE_FIFO_SIZE, &size, 1) < 0) { t->busErrors++; size = 0; }
  /* the whole FIFO (128 samples at most): an unread sample keeps the threshold interrupt up */
  for (unsigned i = 0; i < size && i < 128; i++) {
    if (b->read(b->ctx, STMPE_TSC_DATA_XYZ, d, 4) < 0) { t->busErrors++; break; }
    uint32_t x = ((uint32_t)d[0] << 4) | (d[1] >> 4), y = ((uint32_t)(d[1] & 0x0F) << 8) | d[2];
    if (d[3] < t->zMin) { t->light++; continue; }
    sx += x; sy += y; n++;
  }
  /* both latches: INT_STA for the touch and FIFO bits, the GPIO edge status for the INT pin's own edge */
  (void)wr(t, b, STMPE_INT_STA, sta ? sta : 0xFF);
  (void)wr(t, b, STMPE_GPIO_INT_STA, 0xFF);
  (void)wr(t, b, STMPE_GPIO_ED_STA, 0xFF);
  if (b->read(b->ctx, STMPE_TSC_CTRL, &ctrl, 1) < 0) t->busErrors++;
  if (!(ctrl & 0x80)) {
    /* TOUCH_DET clear: released (a press that never reached the debounce count is dropped) */
    int was = t->down;
    t->down = 0;
    t->good = 0;
    return was ? STMPE_RELEASE : STMPE_NOTHING;
  }
  if (n == 0) return STMPE_NOTHING;
  t->x = (uint16_t)(sx / n);
  t->y = (uint16_t)(sy / n);
  t->good = (uint8_t)(t->good + n > 255u ? 255u : t->good + n);
  if (t->good < t->debounce) return STMPE_NOTHING;
  t->down = 1;
  return STMPE_PRESS;
}
