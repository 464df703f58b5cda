/*
 * MeterADC: the JavaScript face of adc/meterAdc.c (dual-ADC DMA sampling into
 * the measurement kernel), with the API of types/meterAdc.d.ts (the metering
 * engineer's contract): new MeterADC(), start(config), stop(),
 * setCalibration(vZeroLsb, iZeroLsb), getStats(), on('window', cb), plus
 * setSampleRate(rateHz) for retuning. Binding only: argument conversion, object
 * building and event queueing; the work is plain C (adc/, kernel/).
 *
 * Interrupt to interpreter, as Espruino's Waveform does: the DMA interrupt
 * calls adc_notify, which pushes a custom event (jshPushCustomEvent); the main
 * loop hands it to jswrap_meteradc_eventHandler, which takes every finished
 * window and queues the 'window' listeners of the MeterADC that started
 * sampling (one ADC pair: instances share it, the last start() owns events).
 */
#include "jsvar.h"
#include "jsparse.h"
#include "jsinteractive.h"
#include "jsdevices.h"
#include "jswrap_arraybuffer.h"

#include "jswrap_meteradc.h"
#include "meternetBoard.h"
#include "adc/windowView.h"

#define MN_EVC_ADC_WINDOW 0x71 /* our EV_CUSTOM type; Espruino's own use 1..3 */
#define ACTIVE_NAME "MeterADC" /* hidden-root child: the instance that owns the events */

/* 1 when queued. jshPushEvent, not jshPushCustomEvent: in 2v29 the latter
 * drops jshPushEvent's result (no return statement), and the driver must know
 * when a full queue refused the event so that it asks again. */
static int adc_notify(void *ctx) {
  (void)ctx;
  IOCustomEventFlags flags = (IOCustomEventFlags)MN_EVC_ADC_WINDOW;
  return jshPushEvent(EV_CUSTOM, (uint8_t *)&flags, sizeof(flags)) ? 1 : 0;
}

/*JSON{
  "type" : "class",
  "class" : "MeterADC"
}
Simultaneous voltage (ADC1, PC0) and current (ADC2, PC2) sampling paced by
TIM3, moved by DMA1 channel 1, measured by the native kernel. One `window`
event per 10 (50 Hz) or 12 (60 Hz) cycles. 12-cycle windows need the 60 Hz
image (METERNET_F107_60HZ); on the 50 Hz image start() throws and says so.
*/
/*JSON{
  "type" : "event",
  "class" : "MeterADC",
  "name" : "window",
  "params" : [
    ["window","JsVar","The kernel's results (KernelWindow, modules/metering/kernelWindow.ts)"]
  ]
}
*/
/*JSON{
  "type" : "event",
  "class" : "MeterADC",
  "name" : "error",
  "params" : [
    ["message","JsVar","What stopped sampling (a DMA transfer error): call start() again"]
  ]
}
*/
/*JSON{
  "type" : "init",
  "generate" : "jswrap_meteradc_init"
}*/
void jswrap_meteradc_init(void) {
  mn_board_set_adc_notify(adc_notify);
  if (mn_board_init() != MN_OK) jsExceptionHere(JSET_ERROR, "MeterADC: board initialisation failed");
}

/*JSON{
  "type" : "kill",
  "generate" : "jswrap_meteradc_kill"
}*/
void jswrap_meteradc_kill(void) { mn_adc_stop(&mn_board_adc); }

/*JSON{
  "type" : "constructor",
  "class" : "MeterADC",
  "name" : "MeterADC",
  "generate" : "jswrap_meteradc_constructor",
  "return" : ["JsVar","A MeterADC"]
}*/
JsVar *jswrap_meteradc_constructor(void) { return jspNewObject(0, "MeterADC"); }

static uint32_t int_prop(JsVar *o, const char *name) {
  JsVarInt v = jsvObjectGetIntegerChild(o, name);
  return v < 0 ? 0xFFFFFFFFu : (uint32_t)v; /* negative: out of every range */
}

/*JSON{
  "type" : "method",
  "class" : "MeterADC",
  "name" : "start",
  "generate" : "jswrap_meteradc_start",
  "params" : [["config","JsVar","{sampleRateHz, nominalHz, cycles?, hysteresisLsb?, fitHalfWidth?}"]]
}
Starts sampling. Throws an Error naming what is wrong.
*/
void jswrap_meteradc_start(JsVar *parent, JsVar *config) {
  if (!jsvIsObject(config)) {
    jsExceptionHere(JSET_TYPEERROR, "MeterADC.start expects {sampleRateHz, nominalHz, ...}");
    return;
  }
  mn_adc_start_args_t a = {int_prop(config, "sampleRateHz"), int_prop(config, "nominalHz"), int_prop(config, "cycles"),
                           int_prop(config, "fitHalfWidth"), int_prop(config, "vMidLsb"), int_prop(config, "hysteresisLsb")};
  mk_config_t k;
  const char *why = "";
  if (mn_adc_kernel_config(&a, &k, &why) != MN_OK) { /* checked before narrowing: 306 is not 50 */
    jsExceptionHere(JSET_ERROR, "MeterADC.start: %s", why);
    return;
  }
  int rc = mn_adc_start(&mn_board_adc, &k);
  /* the text names the firmware to flash when this image cannot make the windows (60 Hz on the 50 Hz image) */
  if (rc != MN_OK) jsExceptionHere(JSET_ERROR, "MeterADC.start: %s", mn_adc_start_error_text(&mn_board_adc, &k, rc));
  else jsvObjectSetChild(execInfo.hiddenRoot, ACTIVE_NAME, parent);
}

/*JSON{
  "type" : "method",
  "class" : "MeterADC",
  "name" : "stop",
  "generate" : "jswrap_meteradc_stop"
}
Stops sampling; queued windows are discarded.
*/
void jswrap_meteradc_stop(JsVar *parent) { (void)parent; mn_adc_stop(&mn_board_adc); }

/*JSON{
  "type" : "method",
  "class" : "MeterADC",
  "name" : "setSampleRate",
  "generate" : "jswrap_meteradc_setSampleRate",
  "params" : [["rateHz","float","New sampling rate, Hz (e.g. 256 x the measured frequency)"]],
  "return" : ["float","The rate the timer produces (Hz), or -100 (not running) / -22 (out of range)"]
}
Retunes from the next half-buffer on; each window reports the mean rate of its own samples.
*/
JsVarFloat jswrap_meteradc_setSampleRate(JsVar *parent, JsVarFloat rateHz) {
  (void)parent;
  uint32_t achieved = 0;
  int rc = (rateHz > 0 && rateHz < 4.0e6) ? mn_adc_set_rate(&mn_board_adc, (uint32_t)(rateHz * 1000.0 + 0.5), &achieved) : MN_EINVAL;
  return rc == MN_OK ? achieved / 1000.0 : (JsVarFloat)rc;
}

/*JSON{
  "type" : "method",
  "class" : "MeterADC",
  "name" : "setCalibration",
  "generate" : "jswrap_meteradc_setCalibration",
  "params" : [["vZeroLsb","int","Code of 0 V (calibrated zeroLsb, rounded)"],["iZeroLsb","int","Code of 0 A"]]
}
Seeds the kernel's crossing detection at the next start().
*/
void jswrap_meteradc_setCalibration(JsVar *parent, JsVarInt vZeroLsb, JsVarInt iZeroLsb) {
  (void)parent;
  if (vZeroLsb < 0 || iZeroLsb < 0 || mn_adc_set_zero_codes(&mn_board_adc, (uint32_t)vZeroLsb, (uint32_t)iZeroLsb) != MN_OK)
    jsExceptionHere(JSET_ERROR, "MeterADC.setCalibration: zero codes must be 0..4095");
}

/*JSON{
  "type" : "method",
  "class" : "MeterADC",
  "name" : "getStats",
  "generate" : "jswrap_meteradc_getStats",
  "return" : ["JsVar","{windows, dropped, overruns, running, sampleRateHz, blocks, missedBlocks, lateBlocks, dmaErrors, kernelRestarts}"]
}*/
JsVar *jswrap_meteradc_getStats(JsVar *parent) {
  (void)parent;
  mn_adc_stats_t s;
  mn_adc_get_stats(&mn_board_adc, &s);
  JsVar *o = jsvNewObject();
  if (!o) return 0;
  jsvObjectSetChildAndUnLock(o, "windows", jsvNewFromFloat(s.windowsDelivered));
  jsvObjectSetChildAndUnLock(o, "dropped", jsvNewFromFloat(s.windowsDropped));
  jsvObjectSetChildAndUnLock(o, "overruns", jsvNewFromFloat((JsVarFloat)s.missedBlocks + s.lateBlocks));
  jsvObjectSetChildAndUnLock(o, "running", jsvNewFromBool(mn_board_adc.running != 0));
  jsvObjectSetChildAndUnLock(o, "sampleRateHz", jsvNewFromFloat(mn_adc_rate_mhz(&mn_board_adc) / 1000.0));
  jsvObjectSetChildAndUnLock(o, "blocks", jsvNewFromFloat(s.blocks));
  jsvObjectSetChildAndUnLock(o, "missedBlocks", jsvNewFromFloat(s.missedBlocks));
  jsvObjectSetChildAndUnLock(o, "lateBlocks", jsvNewFromFloat(s.lateBlocks));
  jsvObjectSetChildAndUnLock(o, "dmaErrors", jsvNewFromFloat(s.dmaErrors));
  jsvObjectSetChildAndUnLock(o, "kernelRestarts", jsvNewFromFloat(s.kernelRestarts));
  return o;
}

/* A typed array of `count` elements whose bytes `fill` writes. */
static JsVar *typed(JsVarDataArrayBufferViewType type, size_t elemBytes, size_t count, const mk_window_t *w, int channel,
                    void (*fill)(const mk_window_t *, void *), void (*fillCh)(const mk_window_t *, int, void *)) {
  char *ptr = 0;
  JsVar *buf = jsvNewArrayBufferWithPtr((unsigned int)(elemBytes * count), &ptr);
  if (!buf) return 0;
  if (ptr && count) {
    if (fill) fill(w, ptr);
    else fillCh(w, channel, ptr);
  }
  JsVar *view = jswrap_typedarray_constructor(type, buf, 0, 0);
  jsvUnLock(buf);
  return view;
}

static JsVar *window_to_js(const mk_window_t *w, const mn_adc_window_info_t *info) {
  JsVar *o = jsvNewObject();
  if (!o) return 0;
  for (size_t k = 0; k < mn_window_field_count; k++)
    jsvObjectSetChildAndUnLock(o, mn_window_fields[k].name, jsvNewFromFloat(mn_window_field_value(w, &mn_window_fields[k])));
  jsvObjectSetChildAndUnLock(o, "sampleRateHz", jsvNewFromFloat(info->sampleRateHz));
  jsvObjectSetChildAndUnLock(o, "edgeVLsb", typed(ARRAYBUFFERVIEW_UINT16, 2, MN_WINDOW_EDGES, w, 0, 0, mn_window_fill_edges));
  jsvObjectSetChildAndUnLock(o, "edgeILsb", typed(ARRAYBUFFERVIEW_UINT16, 2, MN_WINDOW_EDGES, w, 1, 0, mn_window_fill_edges));
  jsvObjectSetChildAndUnLock(o, "crossingsSample", typed(ARRAYBUFFERVIEW_FLOAT64, 8, mn_window_crossing_count(w), w, 0, mn_window_fill_crossings, 0));
  jsvObjectSetChildAndUnLock(o, "urmsHalfLsb", typed(ARRAYBUFFERVIEW_FLOAT32, 4, mn_window_urms_count(w), w, 0, mn_window_fill_urms, 0));
  jsvObjectSetChildAndUnLock(o, "urmsHalfEndSample", typed(ARRAYBUFFERVIEW_FLOAT64, 8, mn_window_urms_count(w), w, 0, mn_window_fill_urms_end, 0));
  jsvObjectSetChildAndUnLock(o, "hVLsb", typed(ARRAYBUFFERVIEW_FLOAT32, 4, MK_GROUPS, w, 0, 0, mn_window_fill_harmonics));
  jsvObjectSetChildAndUnLock(o, "hILsb", typed(ARRAYBUFFERVIEW_FLOAT32, 4, MK_GROUPS, w, 1, 0, mn_window_fill_harmonics));
  return o;
}

/* One window at a time in static RAM: mk_window_t is 744 bytes, too big for
 * the interpreter's stack frame budget. Main loop only. */
static mk_window_t takenWindow;

/*JSON{
  "type" : "EV_CUSTOM",
  "generate" : "jswrap_meteradc_eventHandler"
}*/
void jswrap_meteradc_eventHandler(IOEventFlags eventFlags, uint8_t *data, int length) {
  (void)eventFlags;
  (void)length;
  IOCustomEventFlags customFlags = *(IOCustomEventFlags *)data;
  if ((customFlags & EVC_TYPE_MASK) != MN_EVC_ADC_WINDOW) return;
  JsVar *owner = jsvObjectGetChildIfExists(execInfo.hiddenRoot, ACTIVE_NAME);
  if (mn_adc_take_error(&mn_board_adc) && owner) {
    JsVar *msg = jsvNewFromString("MeterADC: DMA transfer error, sampling stopped: call start() again");
    jsiQueueObjectCallbacks(owner, JS_EVENT_PREFIX "error", &msg, 1);
    jsvUnLock(msg);
  }
  mn_adc_window_info_t info;
  while (mn_adc_take_window(&mn_board_adc, &takenWindow, &info)) {
    if (!owner) continue; /* nobody started sampling from JS: taken and dropped */
    JsVar *w = window_to_js(&takenWindow, &info);
    jsiQueueObjectCallbacks(owner, JS_EVENT_PREFIX "window", &w, 1);
    jsvUnLock(w);
  }
  jsvUnLock(owner);
}
