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
int jswrap_can_secocInit(JsVar *parent, JsVarInt slots, JsVarInt rxPerSlot, JsVarInt txPerSlot, JsVar *plan);
int jswrap_can_secocKey(JsVar *parent, JsVarInt slot, JsVarInt address, JsVar *key, bool derive);
void jswrap_can_secocEpoch(JsVar *parent, JsVarFloat epoch);
void jswrap_can_secocRx(JsVar *parent, JsVarInt slot, JsVarFloat fv);
void jswrap_can_secocSyncLast(JsVar *parent, JsVarInt slot, JsVarFloat fv);
JsVarFloat jswrap_can_secocSend(JsVar *parent, JsVarInt id, JsVar *data, JsVarFloat fv);
JsVarFloat jswrap_can_secocAutoReply(JsVar *parent, JsVarInt id, JsVar *data);
int jswrap_can_secocCodec(JsVar *parent, JsVar *table);
int jswrap_can_secocPublish(JsVar *parent, JsVar *values, JsVar *latest);
void jswrap_can_onSecured(JsVar *parent, JsVar *callback);
void jswrap_can_eventHandler(IOEventFlags eventFlags, uint8_t *data, int length);
/* the aggregator link (aglink/, images with -DMN_AGLINK) */
void jswrap_can_linkKill(void);
int jswrap_can_linkInit(JsVar *parent, JsVarInt capacity, JsVarInt maxInFlight, JsVar *timing);
int jswrap_can_linkPlan(JsVar *parent, JsVar *addresses, JsVar *plan, JsVarInt deadlineMs, JsVarInt retries);
int jswrap_can_linkStart(JsVar *parent, JsVarInt tickMs);
int jswrap_can_linkCommand(JsVar *parent, JsVarInt address, JsVarInt code, JsVarInt tariff, JsVarInt arg);
int jswrap_can_linkRows(JsVar *parent, JsVar *fns, JsVarInt freshMask, JsVarInt changedMask, JsVar *out);
int jswrap_can_linkLatest(JsVar *parent, JsVarInt address, JsVarInt fn, JsVar *out);
int jswrap_can_linkCounters(JsVar *parent, JsVar *out);
void jswrap_can_linkMeter(JsVar *parent, JsVarInt address, JsVar *out);
/* jswrap_ota.c (the aggregator): the OTA watch heard a switched meter, so the link's sync back-off for it starts over (aglinkSchedule.h mn_ag_reachable). */
void mn_aglink_reachable(JsVar *can, unsigned address);

#endif
