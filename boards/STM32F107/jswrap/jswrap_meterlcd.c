/*
 * LCD: the meter's touchscreen (STM3210C-EVAL: ILI9325 TFT over SPI3, STMPE811 touch on
 * I2C1), with exactly the methods of the UI's DisplayPort (modules/ui/displayPort.ts):
 * rect, text, line, light; so the object is the port, no JavaScript adapter. Binding
 * only: the work is display/ (ili9325.c, lcdDraw.c, stmpe811.c, lcdSpiStm32.c).
 *
 * Touch: the STMPE811 pulls PB14 low while it has something to say; the idle hook looks
 * at the pin on each pass of the main loop, drains the controller over I2C there (never
 * in an interrupt: I2C1 is Espruino's, shared with the FRAM) and queues
 * LCD.on('touch', (rawX, rawY) => ...) or LCD.on('release', () => ...).
 * init() answers whether a display is fitted: a meter without one never loads the UI.
 */
#include "jsvar.h"
#include "jsparse.h"
#include "jsinteractive.h"
#include "jsdevices.h"

#include "jswrap_meterlcd.h"
#include "drivers/mnReg.h"
#include "drivers/stm32f107Regs.h"
#include "display/ili9325.h"
#include "display/lcdDraw.h"
#include "display/stmpe811.h"
#include "display/lcdSpiStm32.h"

#define GPIOB_IDR (*(mn_reg_t *)0x40010C08u)
#define TOUCH_INT_PB 14

static stmpe_t tsc;
static int fitted;

static void wait_ms(unsigned ms) {
  while (ms--) jshDelayMicroseconds(1000);
}

static int i2c_write(void *ctx, uint8_t reg, uint8_t value) {
  (void)ctx;
  unsigned char d[2] = {reg, value};
  jshI2CWrite(EV_I2C1, STMPE_ADDR, 2, d, true);
  return 0;
}

static int i2c_read(void *ctx, uint8_t reg, uint8_t *buf, unsigned n) {
  (void)ctx;
  jshI2CWrite(EV_I2C1, STMPE_ADDR, 1, &reg, false);
  jshI2CRead(EV_I2C1, STMPE_ADDR, (int)n, buf, true);
  return 0;
}

static const stmpe_bus_t bus = {0, i2c_write, i2c_read};

/*JSON{
  "type" : "class",
  "class" : "MeterLcd",
  "typescript" : "interface MeterLcd extends MeternetDisplayPort"
}
The meter's 320x240 touchscreen: the UI's display port.
*/
/*JSON{
  "type" : "object",
  "name" : "LCD",
  "instanceof" : "MeterLcd",
  "typescript" : "declare const LCD: MeterLcd;"
}
The TFT on SPI3 and the touch controller on I2C1 (set I2C1 up first: the FRAM shares it).
*/
/*JSON{
  "type" : "method",
  "class" : "MeterLcd",
  "name" : "init",
  "generate" : "jswrap_meterlcd_init",
  "return" : ["bool","true when a display answered (its touch controller's ID); false: run headless"],
  "typescript" : "init(): boolean;"
}
True when a display answered (its touch controller's ID); false: the meter runs headless.
*/
bool jswrap_meterlcd_init(JsVar *parent) {
  (void)parent;
  tsc.zMin = 8;
  tsc.debounce = 2;
  fitted = stmpe_init(&tsc, &bus, wait_ms) == 0;
  if (!fitted) return false;
  lcd_spi_init();
  ili_init(&lcd_spi_io, wait_ms);
  return true;
}

/* Espruino's generated wrappers pass four arguments at most: rect, text and line take theirs as an array. */
static int arg_int(JsVar *args, int i) {
  JsVar *v = jsvGetArrayItem(args, i);
  int n = (int)jsvGetFloat(v);
  jsvUnLock(v);
  return n;
}

/*JSON{
  "type" : "method",
  "class" : "MeterLcd",
  "name" : "rect",
  "generate" : "jswrap_meterlcd_rect",
  "params" : [["args","JsVarArray","x, y, w, h, colour (RGB565)"]]
}
*/
void jswrap_meterlcd_rect(JsVar *parent, JsVar *args) {
  (void)parent;
  if (fitted) lcd_rect(&lcd_spi_io, arg_int(args, 0), arg_int(args, 1), arg_int(args, 2), arg_int(args, 3), (uint16_t)arg_int(args, 4));
}

/*JSON{
  "type" : "method",
  "class" : "MeterLcd",
  "name" : "text",
  "generate" : "jswrap_meterlcd_text",
  "params" : [["args","JsVarArray","x, y, text (64 characters at most), scale 1.., fg, bg (RGB565)"]]
}
*/
void jswrap_meterlcd_text(JsVar *parent, JsVar *args) {
  (void)parent;
  char buf[64];
  JsVar *s = jsvGetArrayItem(args, 2);
  size_t n = s ? jsvGetString(s, buf, sizeof(buf)) : 0;
  jsvUnLock(s);
  if (fitted) lcd_text(&lcd_spi_io, arg_int(args, 0), arg_int(args, 1), buf, (unsigned)n, arg_int(args, 3), (uint16_t)arg_int(args, 4), (uint16_t)arg_int(args, 5));
}

/*JSON{
  "type" : "method",
  "class" : "MeterLcd",
  "name" : "line",
  "generate" : "jswrap_meterlcd_line",
  "params" : [["args","JsVarArray","x0, y0, x1, y1, colour (RGB565)"]]
}
*/
void jswrap_meterlcd_line(JsVar *parent, JsVar *args) {
  (void)parent;
  if (fitted) lcd_line(&lcd_spi_io, arg_int(args, 0), arg_int(args, 1), arg_int(args, 2), arg_int(args, 3), (uint16_t)arg_int(args, 4));
}

/*JSON{
  "type" : "method",
  "class" : "MeterLcd",
  "name" : "light",
  "generate" : "jswrap_meterlcd_light",
  "params" : [["pct","int32","0: display off; above: on (the EVAL board's backlight has no dimming pin)"]]
}
*/
void jswrap_meterlcd_light(JsVar *parent, int pct) {
  (void)parent;
  if (fitted) ili_display_on(&lcd_spi_io, pct > 0);
}

/*JSON{
  "type" : "idle",
  "generate" : "jswrap_meterlcd_idle"
}*/
bool jswrap_meterlcd_idle(void) {
  if (!fitted || (MN_RD(GPIOB_IDR) & (1u << TOUCH_INT_PB))) return false;
  int ev = stmpe_service(&tsc, &bus);
  if (ev == STMPE_NOTHING) return false;
  JsVar *lcd = jsvObjectGetChildIfExists(execInfo.root, "LCD");
  if (!lcd) return false;
  if (ev == STMPE_PRESS) {
    JsVar *args[2] = {jsvNewFromInteger(tsc.x), jsvNewFromInteger(tsc.y)};
    jsiQueueObjectCallbacks(lcd, JS_EVENT_PREFIX "touch", args, 2);
    jsvUnLock2(args[0], args[1]);
  } else {
    jsiQueueObjectCallbacks(lcd, JS_EVENT_PREFIX "release", 0, 0);
  }
  jsvUnLock(lcd);
  return true;
}

/*JSON{
  "type" : "kill",
  "generate" : "jswrap_meterlcd_kill"
}*/
void jswrap_meterlcd_kill(void) { fitted = 0; }
