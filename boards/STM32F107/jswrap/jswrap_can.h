/* Declarations of jswrap_can.c for Espruino's generated gen/jswrapper.c. */
#ifndef JSWRAP_CAN_H
#define JSWRAP_CAN_H

#include "jsvar.h"
#include "jsdevices.h"

void jswrap_can_init(void);
void jswrap_can_kill(void);
bool jswrap_can_idle(void);
int jswrap_can_start(JsVar *parent, JsVarInt bitrate);
void jswrap_can_stop(JsVar *parent);
int jswrap_can_send(JsVar *parent, JsVar *frame);
int jswrap_can_addFilter(JsVar *parent, JsVar *filter);
void jswrap_can_removeFilter(JsVar *parent, JsVarInt bank);
int jswrap_can_setAutoReply(JsVar *parent, JsVar *frame, bool once);
void jswrap_can_clearAutoReply(JsVar *parent, JsVarInt id);
void jswrap_can_onFrame(JsVar *parent, JsVar *callback);
void jswrap_can_onState(JsVar *parent, JsVar *callback);
JsVar *jswrap_can_state(JsVar *parent);
JsVar *jswrap_can_counters(JsVar *parent);
void jswrap_can_eventHandler(IOEventFlags eventFlags, uint8_t *data, int length);

#endif
