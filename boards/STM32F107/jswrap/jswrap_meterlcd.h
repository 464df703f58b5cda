/* LCD: the meter's touchscreen (jswrap_meterlcd.c). */
#ifndef JSWRAP_METERLCD_H
#define JSWRAP_METERLCD_H
#include "jsvar.h"

bool jswrap_meterlcd_init(JsVar *parent);
void jswrap_meterlcd_rect(JsVar *parent, JsVar *args);
void jswrap_meterlcd_text(JsVar *parent, JsVar *args);
void jswrap_meterlcd_line(JsVar *parent, JsVar *args);
void jswrap_meterlcd_light(JsVar *parent, int pct);
bool jswrap_meterlcd_idle(void);
void jswrap_meterlcd_kill(void);

#endif
