/* Declarations of jswrap_meteradc.c for Espruino's generated gen/jswrapper.c,
 * which includes the header named after each WRAPPERSOURCES file. */
#ifndef JSWRAP_METERADC_H
#define JSWRAP_METERADC_H

#include "jsvar.h"
#include "jsdevices.h"

void jswrap_meteradc_init(void);
void jswrap_meteradc_kill(void);
JsVar *jswrap_meteradc_constructor(void);
void jswrap_meteradc_start(JsVar *parent, JsVar *config);
void jswrap_meteradc_stop(JsVar *parent);
JsVarFloat jswrap_meteradc_setSampleRate(JsVar *parent, JsVarFloat rateHz);
void jswrap_meteradc_setCalibration(JsVar *parent, JsVarInt vZeroLsb, JsVarInt iZeroLsb);
JsVar *jswrap_meteradc_getStats(JsVar *parent);
void jswrap_meteradc_setMetering(JsVar *parent, JsVar *cfg);
JsVar *jswrap_meteradc_getEnergy(JsVar *parent);
void jswrap_meteradc_setEnergy(JsVar *parent, JsVar *state);
void jswrap_meteradc_eventHandler(IOEventFlags eventFlags, uint8_t *data, int length);

#endif
