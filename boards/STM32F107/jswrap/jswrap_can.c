/*
 * CAN1: the JavaScript face of can/canDriver.c, with exactly the methods of the
 * CanController port (modules/can/controller.ts). Binding only: conversion of
 * frames and filters between JS objects and C structs, event queueing; the
 * work is plain C. Every method reports failure by return value (the codes of
 * controller.ts), never by throwing: it is called from timers and handlers
 * that must not die.
 *
 * Interrupt to interpreter, as Espruino's Waveform does: the CAN interrupts
 * call can_notify, which pushes a custom event; the main loop hands it to
 * jswrap_can_eventHandler, which drains the receive ring and the state-change
 * queue and queues the onFrame / onState callbacks.
 *
 * SecOC (modules/can/secured.ts, secoc/secocNode.h): the secoc* methods sign
 * payloads in C and fill the auto-reply slots; the event handler verifies every
 * received secured frame in C and queues onSecured(id, verdict, fv, data32,
 * v0, v1, v2: the decoded signals), numbers only, so JavaScript allocates nothing per frame to check it. The
 * state (keys, counters) is one flat string hidden on CAN1, sized for the
 * configured meters (101 bytes each on the aggregator, 219 bytes on a meter);
 * it is looked up on each call, never cached, and disappears with CAN1's
 * properties on reset().
 */
#include "jsvar.h"
#include "jsvariterator.h"
#include "jsparse.h"
#include "jsinteractive.h"
#include "jsdevices.h"
#include "jswrap_arraybuffer.h"

#include "jswrap_can.h"
#include "meternetBoard.h"
#ifdef MN_OTA
#include "jswrap_ota.h" /* OTA frames are taken in C before JavaScript (jswrap_ota.c) */
#endif
#include "secoc/secocNode.h"

#define MN_EVC_CAN 0x72 /* our EV_CUSTOM type; Espruino's own use 1..3 */
#define SECOC_STATE "\xFF" "secoc" /* hidden child of CAN1: the flat string of secocNode.h */

/* 1 when queued (jshPushEvent: 2v29's jshPushCustomEvent drops the result);
 * on 0 the driver asks again at its next event. */
static int can_notify(void *ctx, uint32_t events) {
  (void)ctx;
  (void)events;
  IOCustomEventFlags flags = (IOCustomEventFlags)MN_EVC_CAN;
  return jshPushEvent(EV_CUSTOM, (uint8_t *)&flags, sizeof(flags)) ? 1 : 0;
}

/*JSON{
  "type" : "class",
  "class" : "BxCAN",
  "typescript" : "interface BxCanController extends MeternetCanController"
}
An STM32 bxCAN controller implementing the CanController port.
*/
/*JSON{
  "type" : "object",
  "name" : "CAN1",
  "instanceof" : "BxCAN",
  "typescript" : "declare const CAN1: BxCanController;"
}
CAN1 of the STM32F107, on PD0 (RX) / PD1 (TX).
*/
/*JSON{
  "type" : "init",
  "generate" : "jswrap_can_init"
}*/
void jswrap_can_init(void) {
  mn_board_set_can_notify(can_notify);
  if (mn_board_init() != MN_OK) jsExceptionHere(JSET_ERROR, "CAN1: board initialisation failed");
}

/*JSON{
  "type" : "kill",
  "generate" : "jswrap_can_kill"
}*/
void jswrap_can_kill(void) { mn_can_reset(&mn_board_can1); }

/*JSON{
  "type" : "idle",
  "generate" : "jswrap_can_idle"
}*/
bool jswrap_can_idle(void) {
  /* Leaving bus-off (ABOM) raises no interrupt: look for it here. */
  if (mn_can_poll_state(&mn_board_can1)) (void)can_notify(0, MN_CAN_EV_STATE);
  return false;
}

/* Numeric property `name` of o that is an integer; false when absent or not. */
static bool int_prop(JsVar *o, const char *name, uint32_t *out) {
  JsVar *v = jsvObjectGetChildIfExists(o, name);
  bool ok = v && jsvIsNumeric(v);
  JsVarFloat f = ok ? jsvGetFloat(v) : 0;
  jsvUnLock(v);
  if (!ok || f < 0 || f > 4294967295.0 || (JsVarFloat)(uint32_t)f != f) return false;
  *out = (uint32_t)f;
  return true;
}

/* CanFrame -> mn_can_frame_t with frameError's rules (frame.ts). */
static bool frame_from_js(JsVar *o, mn_can_frame_t *f) {
  uint32_t id, dlc;
  if (!jsvIsObject(o) || !int_prop(o, "id", &id) || !int_prop(o, "dlc", &dlc) || dlc > 8) return false;
  f->id = id;
  f->dlc = (uint8_t)dlc;
  f->flags = (jsvObjectGetBoolChild(o, "extended") ? MN_CAN_FLAG_EXT : 0) | (jsvObjectGetBoolChild(o, "rtr") ? MN_CAN_FLAG_RTR : 0);
  JsVar *data = jsvObjectGetChildIfExists(o, "data");
  uint32_t len = data ? jsvIterateCallbackCount(data) : 0;
  bool ok = data && len == ((f->flags & MN_CAN_FLAG_RTR) ? 0u : dlc);
  for (int b = 0; b < 8; b++) f->data[b] = 0;
  if (ok && len) jsvIterateCallbackToBytes(data, f->data, len);
  jsvUnLock(data);
  return ok && mn_can_frame_check(f) == MN_OK;
}

static JsVar *frame_to_js(const mn_can_frame_t *f) {
  JsVar *o = jsvNewObject();
  if (!o) return 0;
  unsigned len = (f->flags & MN_CAN_FLAG_RTR) ? 0u : f->dlc;
  char *ptr = 0;
  JsVar *buf = jsvNewArrayBufferWithPtr(len, &ptr);
  for (unsigned b = 0; ptr && b < len; b++) ptr[b] = (char)f->data[b];
  jsvObjectSetChildAndUnLock(o, "id", jsvNewFromInteger((JsVarInt)f->id));
  jsvObjectSetChildAndUnLock(o, "extended", jsvNewFromBool((f->flags & MN_CAN_FLAG_EXT) != 0));
  jsvObjectSetChildAndUnLock(o, "rtr", jsvNewFromBool((f->flags & MN_CAN_FLAG_RTR) != 0));
  jsvObjectSetChildAndUnLock(o, "dlc", jsvNewFromInteger(f->dlc));
  jsvObjectSetChildAndUnLock(o, "data", buf ? jswrap_typedarray_constructor(ARRAYBUFFERVIEW_UINT8, buf, 0, 0) : 0);
  jsvUnLock(buf);
  return o;
}

/* CanFilter -> mn_can_filter_t; range checks are mn_can_filter_encode's. */
static bool filter_from_js(JsVar *o, mn_can_filter_t *f) {
  if (!jsvIsObject(o)) return false;
  JsVar *mode = jsvObjectGetChildIfExists(o, "mode");
  bool isStr = mode && jsvIsString(mode);
  bool isMask = isStr && jsvIsStringEqual(mode, "mask"), isList = isStr && jsvIsStringEqual(mode, "list");
  jsvUnLock(mode);
  uint32_t fifo;
  if ((!isMask && !isList) || !int_prop(o, "fifo", &fifo) || fifo > 1) return false;
  f->mode = isMask ? MN_CAN_FILTER_MASK : MN_CAN_FILTER_LIST;
  f->fifo = (uint8_t)fifo;
  f->extended = jsvObjectGetBoolChild(o, "extended") ? 1 : 0;
  JsVar *rtr = jsvObjectGetChildIfExists(o, "rtr");
  f->rtr = (rtr && !jsvIsUndefined(rtr)) ? (jsvGetBool(rtr) ? 1 : 0) : MN_CAN_RTR_ANY;
  jsvUnLock(rtr);
  if (isMask) return int_prop(o, "id", &f->id) && int_prop(o, "mask", &f->mask);
  JsVar *ids = jsvObjectGetChildIfExists(o, "ids");
  JsVarInt n = jsvIsArray(ids) ? jsvGetArrayLength(ids) : 0;
  bool ok = n >= 1 && n <= 4;
  f->idCount = (uint8_t)n;
  for (JsVarInt k = 0; ok && k < n; k++) {
    JsVar *v = jsvGetArrayItem(ids, k);
    JsVarFloat x = jsvIsNumeric(v) ? jsvGetFloat(v) : -1;
    jsvUnLock(v);
    ok = x >= 0 && x <= 536870911.0 && (JsVarFloat)(uint32_t)x == x;
    f->ids[k] = ok ? (uint32_t)x : 0;
  }
  jsvUnLock(ids);
  return ok;
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "start", "generate" : "jswrap_can_start",
  "params" : [["bitrate","int","bit/s, e.g. 125000"]],
  "return" : ["int","0, -22 (rate not exact from 36 MHz) or -100 (controller did not acknowledge)"]
}*/
int jswrap_can_start(JsVar *parent, JsVarInt bitrate) {
  (void)parent;
  return bitrate > 0 && bitrate <= 1000000 ? mn_can_start(&mn_board_can1, (uint32_t)bitrate) : MN_EINVAL;
}

/*JSON{ "type" : "method", "class" : "BxCAN", "name" : "stop", "generate" : "jswrap_can_stop"
}*/
void jswrap_can_stop(JsVar *parent) { (void)parent; mn_can_stop(&mn_board_can1); }

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "send", "generate" : "jswrap_can_send",
  "params" : [["frame","JsVar","CanFrame"]],
  "return" : ["int","0, -16 (mailboxes full), -22 (malformed) or -100 (stopped / bus-off)"]
}*/
int jswrap_can_send(JsVar *parent, JsVar *frame) {
  (void)parent;
  mn_can_frame_t f;
  return frame_from_js(frame, &f) ? mn_can_send(&mn_board_can1, &f) : MN_EINVAL;
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "addFilter", "generate" : "jswrap_can_addFilter",
  "params" : [["filter","JsVar","CanFilter"]],
  "return" : ["int","bank number (>= 0), -28 (no free bank) or -22 (malformed)"]
}*/
int jswrap_can_addFilter(JsVar *parent, JsVar *filter) {
  (void)parent;
  mn_can_filter_t f;
  return filter_from_js(filter, &f) ? mn_can_add_filter(&mn_board_can1, &f) : MN_EINVAL;
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "removeFilter", "generate" : "jswrap_can_removeFilter",
  "params" : [["bank","int","as returned by addFilter"]]
}*/
void jswrap_can_removeFilter(JsVar *parent, JsVarInt bank) { (void)parent; mn_can_remove_filter(&mn_board_can1, (int)bank); }

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "setAutoReply", "generate" : "jswrap_can_setAutoReply",
  "params" : [["frame","JsVar","standard data frame to send"],["once","bool","empty the slot after one answer"]],
  "return" : ["int","slot number, -28 (no free slot) or -22 (malformed, extended or remote)"]
}*/
int jswrap_can_setAutoReply(JsVar *parent, JsVar *frame, bool once) {
  (void)parent;
  mn_can_frame_t f;
  return frame_from_js(frame, &f) ? mn_can_set_auto_reply(&mn_board_can1, &f, once) : MN_EINVAL;
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "clearAutoReply", "generate" : "jswrap_can_clearAutoReply",
  "params" : [["id","int","standard identifier"]]
}*/
void jswrap_can_clearAutoReply(JsVar *parent, JsVarInt id) { (void)parent; mn_can_clear_auto_reply(&mn_board_can1, (uint32_t)id); }

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "onFrame", "generate" : "jswrap_can_onFrame",
  "params" : [["callback","JsVar","(frame, fifo) => void; replaces the previous one"]]
}*/
void jswrap_can_onFrame(JsVar *parent, JsVar *callback) { jsvObjectSetChild(parent, JS_EVENT_PREFIX "frame", callback); }

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "onState", "generate" : "jswrap_can_onState",
  "params" : [["callback","JsVar","(state, counters) => void; replaces the previous one"]]
}*/
void jswrap_can_onState(JsVar *parent, JsVar *callback) { jsvObjectSetChild(parent, JS_EVENT_PREFIX "state", callback); }

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "state", "generate" : "jswrap_can_state",
  "return" : ["JsVar","'stopped', 'error-active', 'error-warning', 'error-passive' or 'bus-off'"]
}*/
JsVar *jswrap_can_state(JsVar *parent) { (void)parent; return jsvNewFromString(mn_can_state_name(mn_can_get_state(&mn_board_can1))); }

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "counters", "generate" : "jswrap_can_counters",
  "return" : ["JsVar","CanCounters plus rxRingOverflows, autoReplyMissed, txErrors, rxErrors"],
  "typescript" : "counters(): BxCanCounters;"
}*/
JsVar *jswrap_can_counters(JsVar *parent) {
  (void)parent;
  mn_can_counters_t c;
  mn_can_get_counters(&mn_board_can1, &c);
  JsVar *o = jsvNewObject();
  if (!o) return 0;
  jsvObjectSetChildAndUnLock(o, "tec", jsvNewFromInteger((JsVarInt)c.tec));
  jsvObjectSetChildAndUnLock(o, "rec", jsvNewFromInteger((JsVarInt)c.rec));
  jsvObjectSetChildAndUnLock(o, "txFrames", jsvNewFromFloat(c.txFrames));
  jsvObjectSetChildAndUnLock(o, "rxFrames", jsvNewFromFloat(c.rxFrames));
  jsvObjectSetChildAndUnLock(o, "rxOverruns", jsvNewFromFloat(c.rxOverruns));
  jsvObjectSetChildAndUnLock(o, "autoReplies", jsvNewFromFloat(c.autoReplies));
  jsvObjectSetChildAndUnLock(o, "busOffCount", jsvNewFromFloat(c.busOffCount));
  jsvObjectSetChildAndUnLock(o, "rxRingOverflows", jsvNewFromFloat(c.rxRingOverflows));
  jsvObjectSetChildAndUnLock(o, "autoReplyMissed", jsvNewFromFloat(c.autoReplyMissed));
  jsvObjectSetChildAndUnLock(o, "txErrors", jsvNewFromFloat(c.txErrors));
  jsvObjectSetChildAndUnLock(o, "rxErrors", jsvNewFromFloat(c.rxErrors));
  return o;
}

/* The SecOC state of CAN1 (a pointer into its flat string), or 0 before secocInit.
 * *holder is locked: jsvUnLock it when done. */
static uint8_t *secoc_state(JsVar *can, JsVar **holder) {
  *holder = can ? jsvObjectGetChildIfExists(can, SECOC_STATE) : 0;
  return (*holder && jsvIsFlatString(*holder)) ? (uint8_t *)jsvGetFlatStringPointer(*holder) : 0;
}

/* 4 data bytes of a Uint8Array (or any array of numbers); false unless exactly 4. */
static bool data4_from_js(JsVar *v, uint8_t out[4]) {
  if (!v || jsvIterateCallbackCount(v) != 4) return false;
  jsvIterateCallbackToBytes(v, out, 4);
  return true;
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "secocInit", "generate" : "jswrap_can_secocInit",
  "params" : [["slots","int","keys: 1 on a meter, one per meter on the aggregator (1..64)"],
              ["rxPerSlot","int","receive counters per slot (1..15)"],
              ["txPerSlot","int","transmit counters per slot (1..15)"],
              ["plan","JsVar","64 bytes: per function code, kind << 4 | counter (receive, then send)"]],
  "return" : ["int","0, -22 (bad dimensions or plan) or -28 (no memory for the state)"]
}
(Re)initialises SecOC: no keys, no epoch, every receiver unsynchronised.
*/
int jswrap_can_secocInit(JsVar *parent, JsVarInt slots, JsVarInt rxPerSlot, JsVarInt txPerSlot, JsVar *plan) {
  uint8_t p[MN_SECOC_PLAN_BYTES];
  size_t n = (slots > 0 && rxPerSlot > 0 && txPerSlot > 0) ? mn_secoc_node_bytes((unsigned)slots, (unsigned)rxPerSlot, (unsigned)txPerSlot) : 0;
  if (n == 0 || !plan || jsvIterateCallbackCount(plan) != MN_SECOC_PLAN_BYTES) return MN_EINVAL;
  jsvIterateCallbackToBytes(plan, p, MN_SECOC_PLAN_BYTES);
  jsvObjectRemoveChild(parent, SECOC_STATE); /* free the old state first */
  JsVar *st = jsvNewFlatStringOfLength((unsigned int)n);
  if (!st) return MN_ENOSPC;
  int r = mn_secoc_node_init((uint8_t *)jsvGetFlatStringPointer(st), n, (unsigned)slots, (unsigned)rxPerSlot, (unsigned)txPerSlot, p);
  if (r == 0) jsvObjectSetChild(parent, SECOC_STATE, st);
  jsvUnLock(st);
  return r;
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "secocKey", "generate" : "jswrap_can_secocKey",
  "params" : [["slot","int","0..slots-1"],["address","int","meter address 0..63: its frames use this slot"],
              ["key","JsVar","16 bytes"],["derive","bool","key is the master key: derive the meter's (SP 800-108 CMAC KDF)"]],
  "return" : ["int","0, -22 (bad argument or no secocInit) or -1 (AES failed)"]
}*/
int jswrap_can_secocKey(JsVar *parent, JsVarInt slot, JsVarInt address, JsVar *key, bool derive) {
  JsVar *h;
  uint8_t *st = secoc_state(parent, &h), k[16];
  int r = MN_EINVAL;
  if (st && key && jsvIterateCallbackCount(key) == 16 && slot >= 0 && address >= 0) {
    jsvIterateCallbackToBytes(key, k, 16);
    r = mn_secoc_node_key(st, (unsigned)slot, (unsigned)address, k, derive ? 1 : 0);
  }
  jsvUnLock(h);
  return r;
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "secocEpoch", "generate" : "jswrap_can_secocEpoch",
  "params" : [["epoch","float","the transmit epoch, persisted before this call; -1: none"]]
}*/
void jswrap_can_secocEpoch(JsVar *parent, JsVarFloat epoch) {
  JsVar *h;
  uint8_t *st = secoc_state(parent, &h);
  if (st) mn_secoc_node_set_epoch(st, (int64_t)epoch);
  jsvUnLock(h);
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "secocRx", "generate" : "jswrap_can_secocRx",
  "params" : [["slot","int","slot"],["fv","float","every receive counter of the slot to this FV; -1: unsynchronised"]]
}*/
void jswrap_can_secocRx(JsVar *parent, JsVarInt slot, JsVarFloat fv) {
  JsVar *h;
  uint8_t *st = secoc_state(parent, &h);
  if (st && slot >= 0) mn_secoc_node_set_rx(st, (unsigned)slot, (int64_t)fv);
  jsvUnLock(h);
}

#ifndef MN_AGLINK /* meter-only: the aggregator image (-DMN_AGLINK) drops it */
/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "secocSyncLast", "ifndef" : "MN_AGLINK", "generate" : "jswrap_can_secocSyncLast",
  "params" : [["slot","int","slot"],["fv","float","last accepted sync request FV; -1: none"]]
}*/
void jswrap_can_secocSyncLast(JsVar *parent, JsVarInt slot, JsVarFloat fv) {
  JsVar *h;
  uint8_t *st = secoc_state(parent, &h);
  if (st && slot >= 0) mn_secoc_node_set_sync_last(st, (unsigned)slot, (int64_t)fv);
  jsvUnLock(h);
}
#endif

/* Signs standard data frame id into *f; the FV used or a negative code. */
static JsVarFloat secoc_sign(JsVar *can, JsVarInt id, JsVar *data, JsVarFloat fv, mn_can_frame_t *f) {
  JsVar *h;
  uint8_t *st = secoc_state(can, &h), d[4];
  int64_t r = MN_EINVAL;
  if (st && id >= 0 && id <= 0x7FF && data4_from_js(data, d)) r = mn_secoc_node_sign(st, (uint32_t)id, d, (int64_t)fv, f->data);
  jsvUnLock(h);
  f->id = (uint32_t)id;
  f->dlc = MN_SECOC_PAYLOAD_BYTES;
  f->flags = 0;
  return (JsVarFloat)r;
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "secocSend", "generate" : "jswrap_can_secocSend",
  "params" : [["id","int","standard identifier"],["data","JsVar","4 data bytes (ignored for a sync request)"],
              ["fv","float","sync response: the request's FV; else ignored (-1)"]],
  "return" : ["float","the FV used (>= 0), -1 (no epoch / epoch used up), -22, or the CAN send code"]
}*/
JsVarFloat jswrap_can_secocSend(JsVar *parent, JsVarInt id, JsVar *data, JsVarFloat fv) {
  mn_can_frame_t f;
  JsVarFloat used = secoc_sign(parent, id, data, fv, &f);
  if (used < 0) return used;
  int r = mn_can_send(&mn_board_can1, &f);
  return r == 0 ? used : (JsVarFloat)r;
}

#ifndef MN_AGLINK /* meter-only */
/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "secocAutoReply", "ifndef" : "MN_AGLINK", "generate" : "jswrap_can_secocAutoReply",
  "params" : [["id","int","standard identifier"],["data","JsVar","4 data bytes"]],
  "return" : ["float","the FV used (>= 0), -1 (no epoch / epoch used up), -22 or -28 (no free slot)"]
}
Signs under the next FV and stores the frame in the auto-reply slot of id (answered once).
*/
JsVarFloat jswrap_can_secocAutoReply(JsVar *parent, JsVarInt id, JsVar *data) {
  mn_can_frame_t f;
  JsVarFloat used = secoc_sign(parent, id, data, -1, &f);
  if (used < 0) return used;
  int r = mn_can_set_auto_reply(&mn_board_can1, &f, 1);
  return r >= 0 ? used : (JsVarFloat)r;
}
#endif

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "secocCodec", "generate" : "jswrap_can_secocCodec",
  "params" : [["table","JsVar","per function first signal row and count (| 0x80: published), then 3 bytes per signal row"]],
  "return" : ["int","0 or -22"]
}*/
int jswrap_can_secocCodec(JsVar *parent, JsVar *table) {
  JsVar *h;
  uint8_t *st = secoc_state(parent, &h), t[MN_SECOC_CODEC_BYTES];
  uint32_t n = table ? jsvIterateCallbackCount(table) : 0;
  int r = MN_EINVAL;
  if (st && n >= 64 && n <= MN_SECOC_CODEC_BYTES) {
    jsvIterateCallbackToBytes(table, t, n);
    r = mn_secoc_node_codec(st, t, n);
  }
  jsvUnLock(h);
  return r;
}

#ifndef MN_AGLINK /* meter-only: the aggregator publishes nothing */
static int publish_store(void *ctx, uint32_t id, const uint8_t payload[8]) {
  (void)ctx;
  mn_can_frame_t f = {.id = id, .dlc = MN_SECOC_PAYLOAD_BYTES};
  for (int i = 0; i < 8; i++) f.data[i] = payload[i];
  return mn_can_set_auto_reply(&mn_board_can1, &f, 1);
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "secocPublish", "ifndef" : "MN_AGLINK", "generate" : "jswrap_can_secocPublish",
  "params" : [["values","JsVar","Float64Array of physical values by signal row (NaN: absent)"],
              ["latest","JsVar","Uint8Array(128): gets each published message's data bytes at function * 4"]],
  "return" : ["int","slots armed, -1 (no epoch / epoch used up) or -22"]
}
Encodes, signs and arms every published message of a meter in C (secocNode.h).
*/
int jswrap_can_secocPublish(JsVar *parent, JsVar *values, JsVar *latest) {
  double v[MN_SECOC_CODEC_SIGNALS];
  uint8_t l[128] = {0};
  JsVarInt n = jsvIsArrayBuffer(values) ? (JsVarInt)jsvGetArrayBufferLength(values) : 0;
  if (n < 1 || n > MN_SECOC_CODEC_SIGNALS || !jsvIsArrayBuffer(latest) || jsvGetArrayBufferLength(latest) < 128) return MN_EINVAL;
  for (JsVarInt i = 0; i < n; i++) {
    JsVar *x = jsvArrayBufferGet(values, (size_t)i);
    v[i] = jsvGetFloat(x);
    jsvUnLock(x);
  }
  JsVar *h;
  uint8_t *st = secoc_state(parent, &h);
  uint32_t published = 0;
  int r = st ? mn_secoc_node_publish(st, v, (unsigned)n, l, &published, publish_store, 0) : MN_EINVAL;
  jsvUnLock(h);
  for (int fn = 0; fn < 32; fn++) {
    if (!(published & (1u << fn))) continue;
    for (int b = 0; b < 4; b++) {
      JsVar *x = jsvNewFromInteger(l[4 * fn + b]);
      jsvArrayBufferSet(latest, (size_t)(4 * fn + b), x);
      jsvUnLock(x);
    }
  }
  return r;
}
#endif

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "onSecured", "generate" : "jswrap_can_onSecured",
  "params" : [["callback","JsVar","(id, verdict, fv, data32, v0, v1, v2) => void; replaces the previous one"]]
}
Verified secured frames: verdict 0 ok, 1 bad MAC, 2 stale, 3 unsynchronised, 4 internal;
v0..v2 are the message's data signals, physical (secocCodec's table), when ok.
*/
void jswrap_can_onSecured(JsVar *parent, JsVar *callback) { jsvObjectSetChild(parent, JS_EVENT_PREFIX "secured", callback); }

/* The aggregator link (appended at the end of this file). */
static bool aglink_take(JsVar *can, uint8_t *sec, const mn_can_frame_t *f);
static void aglink_service(JsVar *can, uint8_t *sec);

/*JSON{
  "type" : "EV_CUSTOM",
  "generate" : "jswrap_can_eventHandler"
}*/
void jswrap_can_eventHandler(IOEventFlags eventFlags, uint8_t *data, int length) {
  (void)eventFlags;
  (void)length;
  IOCustomEventFlags customFlags = *(IOCustomEventFlags *)data;
  if ((customFlags & EVC_TYPE_MASK) != MN_EVC_CAN) return;
  (void)mn_can_take_events(&mn_board_can1);
  JsVar *can = jsvObjectGetChildIfExists(execInfo.root, "CAN1");
  mn_can_state_t st;
  while (mn_can_take_state_change(&mn_board_can1, &st)) {
    if (!can) continue;
    JsVar *args[2] = {jsvNewFromString(mn_can_state_name(st)), jswrap_can_counters(can)};
    jsiQueueObjectCallbacks(can, JS_EVENT_PREFIX "state", args, 2);
    jsvUnLock2(args[0], args[1]);
  }
  mn_can_frame_t f;
  JsVar *h;
  uint8_t *sec = secoc_state(can, &h);
  while (mn_can_take_frame(&mn_board_can1, &f)) {
    if (!can) continue; /* CAN1 never referenced: nobody can have asked for frames */
#ifdef MN_OTA
    /* first: once linkInit ran, the aggregator link takes every frame it is offered, so the
     * OTA answers must be taken before it (as the host's otaAttach.ts hook does) */
    if (mn_ota_take(can, &f)) continue;
#endif
    if (sec && aglink_take(can, sec, &f)) continue; /* the aggregator link's C took it (appended below) */
    int64_t fv = -1;
    uint32_t data32 = 0;
    int verdict = sec ? mn_secoc_node_verify(sec, f.id, f.flags, f.dlc, f.data, &fv, &data32) : -1;
    if (verdict >= 0) {
      double v[4] = {0, 0, 0, 0};
      if (verdict == MN_SECOC_OK) (void)mn_secoc_node_decode(sec, f.id >> 6, f.data, v);
      JsVar *a[7] = {jsvNewFromInteger((JsVarInt)f.id), jsvNewFromInteger(verdict), jsvNewFromFloat((JsVarFloat)fv),
                     jsvNewFromFloat((JsVarFloat)data32), jsvNewFromFloat(v[0]), jsvNewFromFloat(v[1]), jsvNewFromFloat(v[2])};
      jsiQueueObjectCallbacks(can, JS_EVENT_PREFIX "secured", a, 7);
      for (int i = 0; i < 7; i++) jsvUnLock(a[i]);
      continue;
    }
    JsVar *args[2] = {frame_to_js(&f), jsvNewFromInteger(f.fifo)};
    jsiQueueObjectCallbacks(can, JS_EVENT_PREFIX "frame", args, 2);
    jsvUnLock2(args[0], args[1]);
  }
  if (sec) aglink_service(can, sec);
#ifdef MN_OTA
  if (can) mn_ota_service(can);
#endif
  jsvUnLock2(h, can);
}

/* ---- The aggregator's link in C (aglink/, modules/link/linkPort.ts) ----------------
 *
 * The poll schedule, the answer path and the latest-value table of aglink/, the sync
 * responses and the relay commands with their acknowledgements (aglinkCommands.h) run
 * here without JavaScript: remote frames, sync requests and commands go out through the
 * driver, every received frame is taken by the link in the event handler (aglink_take:
 * none reaches onFrame or onSecured once linkInit ran), and the schedule and the command
 * retries tick every tickMs (aglink_service): the utility timer pushes a CAN event every
 * tickMs, so the main loop wakes for it even when no frame arrives. JavaScript reads rows
 * of meters with news once a second (linkRows), a meter's latest values when a page
 * asks (linkLatest), and queues commands (linkCommand).
 * The state is a flat string hidden on CAN1 beside the SecOC state (18 774 bytes for
 * 64 meters x 9 messages), looked up on each call and gone with CAN1's properties on
 * reset(). Only in images built with -DMN_AGLINK (the aggregator's).
 */
#ifndef MN_AGLINK
/* Images without the link (the meters): no frame is the link's, nothing to tick. */
static bool aglink_take(JsVar *can, uint8_t *sec, const mn_can_frame_t *f) {
  (void)can; (void)sec; (void)f;
  return false;
}
static void aglink_service(JsVar *can, uint8_t *sec) { (void)can; (void)sec; }
#else
#include "jstimer.h"
#include "aglink/aglinkAnswers.h"
#include "aglink/aglinkCommands.h"

#define AGLINK_STATE "\xFF" "aglink"

static uint32_t aglink_tick_ms;  /* 0: not started */
static int64_t aglink_next_ms;

static int64_t aglink_now_ms(void) { return (int64_t)jshGetMillisecondsFromTime(jshGetSystemTime()); }

static uint8_t *aglink_state(JsVar *can, JsVar **holder) {
  *holder = can ? jsvObjectGetChildIfExists(can, AGLINK_STATE) : 0;
  return (*holder && jsvIsFlatString(*holder)) ? (uint8_t *)jsvGetFlatStringPointer(*holder) : 0;
}

static int aglink_send(void *ctx, uint32_t id, int remote, uint8_t dlc, const uint8_t data[8]) {
  (void)ctx;
  mn_can_frame_t f;
  f.id = id;
  f.dlc = dlc;
  f.flags = remote ? MN_CAN_FLAG_RTR : 0;
  f.fifo = 0;
  f.filter = 0;
  for (int b = 0; b < 8; b++) f.data[b] = remote ? 0 : data[b];
  return mn_can_send(&mn_board_can1, &f);
}

/* Both states of CAN1 as a link; false before linkInit. *h1 / *h2 are locked. */
static bool aglink_of(JsVar *can, mn_ag_link_t *l, JsVar **h1, JsVar **h2) {
  l->secoc = secoc_state(can, h1);
  l->ag = aglink_state(can, h2);
  l->send = aglink_send;
  l->sendCtx = 0;
  l->verdictHook = 0;
  l->hookCtx = 0;
  return l->secoc && l->ag;
}

static bool aglink_take(JsVar *can, uint8_t *sec, const mn_can_frame_t *f) {
  JsVar *h;
  uint8_t *ag = aglink_state(can, &h);
  mn_ag_link_t l = {ag, sec, aglink_send, 0, 0, 0};
  /* Once the link runs every frame is its own: polled answers, sync responses and
   * acknowledgements are handled in C, the rest counted (plain, unpolled, rejected);
   * none reaches JavaScript, so a flood allocates nothing. */
  if (ag) (void)mn_ag_receive(&l, f->id, f->flags, f->dlc, f->data, aglink_now_ms(), 0);
  jsvUnLock(h);
  return ag != 0;
}

void mn_aglink_reachable(JsVar *can, unsigned address) {
  JsVar *h;
  uint8_t *ag = aglink_state(can, &h);
  if (ag) mn_ag_reachable(ag, address);
  jsvUnLock(h);
}

static void aglink_service(JsVar *can, uint8_t *sec) {
  if (!aglink_tick_ms) return;
  int64_t now = aglink_now_ms();
  if (now < aglink_next_ms) return;
  aglink_next_ms = now + aglink_tick_ms;
  JsVar *h;
  uint8_t *ag = aglink_state(can, &h);
  mn_ag_link_t l = {ag, sec, aglink_send, 0, 0, 0};
  if (ag) {
    mn_ag_tick(ag, &mn_ag_link_target, &l, now);
    mn_ag_cmd_tick(&l, now);
  }
  jsvUnLock(h);
}

/* Utility timer (interrupt): only wakes the main loop, which does the work. */
static void aglink_timer(JsSysTime time, void *userdata) {
  (void)time;
  (void)userdata;
  (void)can_notify(0, 0);
}

/*JSON{
  "type" : "kill", "ifdef" : "MN_AGLINK",
  "generate" : "jswrap_can_linkKill"
}*/
void jswrap_can_linkKill(void) {
  if (aglink_tick_ms) jstStopExecuteFn(aglink_timer, 0);
  aglink_tick_ms = 0;
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "linkInit", "ifdef" : "MN_AGLINK", "generate" : "jswrap_can_linkInit",
  "params" : [["capacity","int","polled entries (meters x messages)"],["maxInFlight","int","remote frames outstanding at once (1..8)"],
              ["timing","JsVar","4 or 6 numbers: stale after N periods, resync after N misses, first and longest wait between sync requests (ms); command ack timeout (ms, 100), retries (2)"]],
  "return" : ["int","0, -22 (bad dimensions, no secocInit) or -28 (no memory)"]
}
The aggregator link's state in C (aglink/), after secocInit.
*/
int jswrap_can_linkInit(JsVar *parent, JsVarInt capacity, JsVarInt maxInFlight, JsVar *timing) {
  jswrap_can_linkKill();
  jsvObjectRemoveChild(parent, AGLINK_STATE);
  JsVar *h;
  uint8_t *sec = secoc_state(parent, &h);
  jsvUnLock(h);
  JsVarInt t[6] = {-1, -1, -1, -1, 100, 2};
  size_t nt = timing && jsvIsArrayBuffer(timing) ? jsvGetArrayBufferLength(timing) : 0;
  if (nt >= 4) {
    for (size_t i = 0; i < nt && i < 6; i++) {
      JsVar *x = jsvArrayBufferGet(timing, i);
      t[i] = jsvGetInteger(x);
      jsvUnLock(x);
    }
  }
  if (!sec || capacity < 0 || capacity > MN_AG_MAX_CAPACITY || maxInFlight < 1 || maxInFlight > MN_AG_MAX_IN_FLIGHT || t[0] < 0 || t[0] > 255 ||
      t[1] < 0 || t[1] > 255 || t[2] < 1 || t[2] > 65535 || t[3] < 0 || t[3] > 65535)
    return MN_EINVAL;
  mn_ag_options_t o = {(uint16_t)capacity, (uint8_t)maxInFlight, (uint8_t)t[0], (uint8_t)t[1], (uint32_t)t[2], (uint32_t)t[3]};
  size_t n = mn_ag_bytes((unsigned)capacity, (unsigned)maxInFlight);
  JsVar *st = n ? jsvNewFlatStringOfLength((unsigned int)n) : 0;
  if (!st) return n ? MN_ENOSPC : MN_EINVAL;
  uint8_t *ag = (uint8_t *)jsvGetFlatStringPointer(st);
  int r = mn_ag_init(ag, n, &o, aglink_now_ms());
  if (r == 0) r = mn_ag_cmd_options(ag, t[4] < 0 ? 0u : (unsigned)t[4], t[5] < 0 ? 99u : (unsigned)t[5]);
  if (r == 0) jsvObjectSetChild(parent, AGLINK_STATE, st);
  jsvUnLock(st);
  return r;
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "linkPlan", "ifdef" : "MN_AGLINK", "generate" : "jswrap_can_linkPlan",
  "params" : [["addresses","JsVar","Uint8Array of meter addresses 0..63"],["plan","JsVar","Uint16Array of triples: function code, period ms, priority (lower first)"],
              ["deadlineMs","int","1..65535: the answer's deadline"],["retries","int","asked again up to this many times"]],
  "return" : ["int","entries added, or -22 / -28 (full)"]
}
For each meter, in order, polls every message of the plan at its period.
*/
int jswrap_can_linkPlan(JsVar *parent, JsVar *addresses, JsVar *plan, JsVarInt deadlineMs, JsVarInt retries) {
  if (!addresses || !plan || !jsvIsArrayBuffer(plan) || deadlineMs < 1 || retries < 0) return MN_EINVAL;
  uint8_t addr[64];
  uint32_t na = jsvIterateCallbackCount(addresses);
  size_t np = jsvGetArrayBufferLength(plan);
  if (na > 64 || np % 3 != 0 || np > 3 * 32) return MN_EINVAL;
  jsvIterateCallbackToBytes(addresses, addr, na);
  uint16_t p[3 * 32];
  for (size_t i = 0; i < np; i++) {
    JsVar *x = jsvArrayBufferGet(plan, i);
    p[i] = (uint16_t)jsvGetInteger(x);
    jsvUnLock(x);
  }
  JsVar *h;
  uint8_t *ag = aglink_state(parent, &h);
  int added = ag ? 0 : MN_EINVAL;
  int64_t now = aglink_now_ms();
  for (uint32_t i = 0; ag && i < na && added >= 0; i++)
    for (size_t k = 0; k < np && added >= 0; k += 3) {
      int r = mn_ag_add(ag, addr[i], p[k], p[k + 1], p[k + 2], (unsigned)deadlineMs, (unsigned)retries, now);
      added = r < 0 ? r : added + 1;
    }
  jsvUnLock(h);
  return added;
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "linkStart", "ifdef" : "MN_AGLINK", "generate" : "jswrap_can_linkStart",
  "params" : [["tickMs","int","the schedule's tick, ms (10)"]],
  "return" : ["int","0 or -22"]
}
Runs the schedule from now on, every tickMs, without JavaScript.
*/
int jswrap_can_linkStart(JsVar *parent, JsVarInt tickMs) {
  JsVar *h;
  uint8_t *ag = aglink_state(parent, &h);
  jsvUnLock(h);
  if (!ag || tickMs < 1 || tickMs > 1000) return MN_EINVAL;
  jswrap_can_linkKill();
  JsSysTime t = jshGetTimeFromMilliseconds((JsVarFloat)tickMs);
  if (!jstExecuteFn(aglink_timer, 0, t, (uint32_t)t, 0)) return MN_ENOSPC;
  aglink_tick_ms = (uint32_t)tickMs;
  aglink_next_ms = aglink_now_ms();
  (void)can_notify(0, 0); /* the first polls now */
  return 0;
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "linkCommand", "ifdef" : "MN_AGLINK", "generate" : "jswrap_can_linkCommand",
  "params" : [["address","int","meter 0..63"],["code","int","CmdCode"],["tariff","int","CmdTariff"],["arg","int","CmdArg"]],
  "return" : ["int","0 (queued: signed, sent, retried until acknowledged), -1 (not synchronised), -16 (a command pending) or -22"]
}
An authenticated relay command (aglink/aglinkCommands.h); its outcome is counted (linkCounters).
*/
int jswrap_can_linkCommand(JsVar *parent, JsVarInt address, JsVarInt code, JsVarInt tariff, JsVarInt arg) {
  JsVar *h1 = 0, *h2 = 0;
  mn_ag_link_t l;
  int r = MN_EINVAL;
  if (address >= 0 && code >= 0 && tariff >= 0 && arg >= 0 && aglink_of(parent, &l, &h1, &h2))
    r = mn_ag_command(&l, (unsigned)address, (unsigned)code, (unsigned)tariff, (unsigned)arg, aglink_now_ms());
  jsvUnLock2(h1, h2);
  return r;
}

/* out[i] = x for a typed array (or array) of numbers. */
static void aglink_put(JsVar *out, size_t i, JsVarFloat x) {
  JsVar *v = jsvNewFromFloat(x);
  jsvArrayBufferSet(out, i, v);
  jsvUnLock(v);
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "linkRows", "ifdef" : "MN_AGLINK", "generate" : "jswrap_can_linkRows",
  "params" : [["fns","JsVar","Uint8Array: functions whose 3 first signals each row carries"],["freshMask","int","bit fn: a row when answered"],
              ["changedMask","int","bit fn: a row when its value changed"],["out","JsVar","Float64Array for the rows"]],
  "return" : ["int","rows written (5 + 3 x fns numbers each), or -22"]
}
Rows of meters with news since the last call (aglink/aglinkAnswers.h mn_ag_rows).
*/
int jswrap_can_linkRows(JsVar *parent, JsVar *fns, JsVarInt freshMask, JsVarInt changedMask, JsVar *out) {
  uint8_t f[32];
  uint32_t nf = fns ? jsvIterateCallbackCount(fns) : 0;
  if (!nf || nf > 8 || !out || !jsvIsArrayBuffer(out)) return MN_EINVAL;
  jsvIterateCallbackToBytes(fns, f, nf);
  size_t len = jsvGetArrayBufferLength(out), rowLen = MN_AG_ROW_HEAD + 3u * nf;
  double row[MN_AG_ROW_HEAD + 3 * 8]; /* one row at a time: 232 bytes of stack at most */
  unsigned maxRows = (unsigned)(len / rowLen), n = 0;
  JsVar *h1, *h2;
  mn_ag_link_t l;
  bool ok = aglink_of(parent, &l, &h1, &h2);
  jsvUnLock2(h1, h2);
  while (ok && n < maxRows) {
    /* the state is looked up again per row: aglink_put allocates, and a flat string never moves, but the lock is not held across it */
    ok = aglink_of(parent, &l, &h1, &h2) && mn_ag_rows(&l, f, nf, (uint32_t)freshMask, (uint32_t)changedMask, row, (unsigned)rowLen) == 1;
    jsvUnLock2(h1, h2);
    if (!ok) break;
    for (size_t i = 0; i < rowLen; i++) aglink_put(out, n * rowLen + i, row[i]);
    n++;
  }
  return (int)n;
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "linkLatest", "ifdef" : "MN_AGLINK", "generate" : "jswrap_can_linkLatest",
  "params" : [["address","int","meter 0..63"],["fn","int","function code of a polled message"],["out","JsVar","Float64Array (3) for its first 3 signals"]],
  "return" : ["int","1, 0 (not polled or never answered: NaN), or -22"]
}
The latest answer's signals, read without taking a row (aglink/aglinkAnswers.h mn_ag_latest): what a page asks for.
*/
int jswrap_can_linkLatest(JsVar *parent, JsVarInt address, JsVarInt fn, JsVar *out) {
  if (address < 0 || fn < 0 || !out || !jsvIsArrayBuffer(out) || jsvGetArrayBufferLength(out) < 3) return MN_EINVAL;
  double v[3];
  JsVar *h1, *h2;
  mn_ag_link_t l;
  int r = aglink_of(parent, &l, &h1, &h2) ? mn_ag_latest(&l, (unsigned)address, (unsigned)fn, v) : MN_EINVAL;
  jsvUnLock2(h1, h2);
  if (r < 0) return r;
  for (size_t i = 0; i < 3; i++) aglink_put(out, i, v[i]);
  return r;
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "linkCounters", "ifdef" : "MN_AGLINK", "generate" : "jswrap_can_linkCounters",
  "params" : [["out","JsVar","Uint32Array (25): sent, answered, retried, missed, syncRequests, stored, badMac, stale, unsynced, internal, plain, toJs, syncEnofv, inFlight, refused, skipped, extended, then aglinkCommands.h MN_AGR_*: commands queued, done, failed, timed out, syncs, old epochs, unmatched acks, command enofv"]],
  "return" : ["int","numbers written"]
}
The link's totals.
*/
int jswrap_can_linkCounters(JsVar *parent, JsVar *out) {
  uint32_t c[MN_AGC_COUNT + MN_AGR_COUNT];
  JsVar *h1, *h2;
  mn_ag_link_t l;
  bool ok = aglink_of(parent, &l, &h1, &h2);
  if (ok) {
    mn_ag_counters(&l, c);
    mn_ag_rare_counters(&l, c + MN_AGC_COUNT);
  }
  jsvUnLock2(h1, h2);
  if (!ok || !out || !jsvIsArrayBuffer(out)) return 0;
  size_t n = jsvGetArrayBufferLength(out);
  if (n > MN_AGC_COUNT + MN_AGR_COUNT) n = MN_AGC_COUNT + MN_AGR_COUNT;
  for (size_t i = 0; i < n; i++) aglink_put(out, i, (JsVarFloat)c[i]);
  return (int)n;
}

/*JSON{
  "type" : "method", "class" : "BxCAN", "name" : "linkMeter", "ifdef" : "MN_AGLINK", "generate" : "jswrap_can_linkMeter",
  "params" : [["address","int","meter 0..63"],["out","JsVar","Uint32Array (5 or 6): polls, answered, missed, readings, synced, refused sends"]]
}
One meter's counts.
*/
void jswrap_can_linkMeter(JsVar *parent, JsVarInt address, JsVar *out) {
  uint32_t m[MN_AG_METER_COUNT] = {0};
  JsVar *h1 = 0, *h2 = 0;
  mn_ag_link_t l;
  if (address >= 0 && aglink_of(parent, &l, &h1, &h2)) mn_ag_meter(&l, (unsigned)address, m);
  jsvUnLock2(h1, h2);
  size_t n = out && jsvIsArrayBuffer(out) ? jsvGetArrayBufferLength(out) : 0;
  if (n < 5) return;
  if (n > MN_AG_METER_COUNT) n = MN_AG_METER_COUNT;
  for (size_t i = 0; i < n; i++) aglink_put(out, i, (JsVarFloat)m[i]);
}
#endif /* MN_AGLINK */
