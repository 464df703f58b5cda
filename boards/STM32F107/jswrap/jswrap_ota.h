/* Declarations of jswrap_ota.c for Espruino's generated gen/jswrapper.c and for jswrap_can.c's event handler. */
#ifndef JSWRAP_OTA_H
#define JSWRAP_OTA_H

#include "jsvar.h"
#include "can/canDriver.h"

/* jswrap_can.c's event handler: an OTA frame is taken here (true), never queued for JavaScript. */
bool mn_ota_take(JsVar *can, const mn_can_frame_t *f);
/* After the frames: timers, the transmit queue, a chunk, events for JavaScript. */
void mn_ota_service(JsVar *can);

#ifndef MN_OTA_AGG
int jswrap_ota_listen(JsVar *parent, JsVar *key, JsVarInt address, JsVarInt image, JsVar *counters);
void jswrap_ota_onOta(JsVar *parent, JsVar *callback);
void jswrap_ota_init(void);
bool jswrap_ota_meter_idle(void);
int jswrap_ota_boot(JsVar *parent, JsVar *out);
int jswrap_ota_confirm(JsVar *parent, bool healthy);
#else
bool jswrap_ota_idle(void);
int jswrap_ota_stage_begin(JsVar *parent, JsVarInt at, JsVarInt area, JsVarInt size, JsVar *sha);
int jswrap_ota_stage_write(JsVar *parent, JsVarInt offset, JsVar *data, JsVar *sha);
int jswrap_ota_send(JsVar *parent, JsVar *master, JsVar *addresses, JsVar *manifest);
int jswrap_ota_targets(JsVar *parent, JsVar *out);
void jswrap_ota_control(JsVar *parent, JsVarInt what);
#endif

#endif
