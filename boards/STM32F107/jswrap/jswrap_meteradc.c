/*
 * MeterADC: the JavaScript face of adc/meterAdc.c (dual-ADC DMA sampling into
 * the measurement kernel). Binding only: argument conversion, object building
 * and event queueing; the work is plain C (adc/, kernel/). Declared for app
 * code in types/meterAdc.d.ts.
 *
 * Interrupt to interpreter, as Espruino's Waveform does: the DMA interrupt
 * calls adc_notify, which pushes a custom event (jshPushCustomEvent); the main
 * loop hands it to jswrap_meteradc_eventHandler, which takes every finished
 * window and queues MeterADC's 'window' listeners with it.
 */
#include "jsvar.h"
#include "jsparse.h"
#include "jsinteractive.h"
#include "jsdevices.h"
#include "jswrap_arraybuffer.h"

#include "board.h"
#include "adc/windowView.h"

#define MN_EVC_ADC_WINDOW 0x71 /* our EV_CUSTOM type; Espruino's own use 1..3 */
#define CAL_NAME "MeterADCcal"

static void adc_notify(void *ctx) {
  (void)ctx;
  jshPushCustomEvent((IOCustomEventFlags)MN_EVC_ADC_WINDOW);
}

/*JSON{
  "type" : "class",
  "class" : "MeterADC"
}
Simultaneous voltage (ADC1, PC0) and current (ADC2, PC2) sampling paced by
TIM3, moved by DMA1 channel 1, measured by the native kernel. One `window`
event per 10 (50 Hz) or 12 (60 Hz) cycles.
*/
/*JSON{
  "type" : "event",
  "class" : "MeterADC",
  "name" : "window",
  "params" : [
    ["window","JsVar","The kernel's results (KernelWindow, modules/metering/kernelWindow.ts)"],
    ["calibration","JsVar","The object last given to MeterADC.setCalibration, or undefined"]
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

static uint32_t int_prop(JsVar *o, const char *name) {
  JsVarInt v = jsvObjectGetIntegerChild(o, name);
  return v < 0 ? 0xFFFFFFFFu : (uint32_t)v; /* negative: out of every range */
}

/*JSON{
  "type" : "staticmethod",
  "class" : "MeterADC",
  "name" : "start",
  "generate" : "jswrap_meteradc_start",
  "params" : [["config","JsVar","{sampleRateHz, nominalHz, cycles?, vMidLsb?, hysteresisLsb?, fitHalfWidth?}"]],
  "return" : ["int","0, -114 (already running) or -110 (ADC calibration timed out)"]
}
Starts sampling. Throws an Error naming the bad setting for an invalid config.
*/
int jswrap_meteradc_start(JsVar *config) {
  if (!jsvIsObject(config)) {
    jsExceptionHere(JSET_TYPEERROR, "MeterADC.start expects {sampleRateHz, nominalHz, ...}");
    return MN_EINVAL;
  }
  mk_config_t k = {int_prop(config, "sampleRateHz"), (uint8_t)int_prop(config, "nominalHz"), (uint8_t)int_prop(config, "cycles"),
                   (uint8_t)int_prop(config, "fitHalfWidth"), (uint16_t)int_prop(config, "vMidLsb"),
                   (uint16_t)int_prop(config, "hysteresisLsb")};
  int rc = mn_adc_start(&mn_board_adc, &k);
  if (rc == MN_EINVAL)
    jsExceptionHere(JSET_ERROR, "MeterADC.start: %s", mn_board_adc.lastKernelError ? mk_error_text(mn_board_adc.lastKernelError) : "sampleRateHz does not fit the timer");
  return rc;
}

/*JSON{
  "type" : "staticmethod",
  "class" : "MeterADC",
  "name" : "stop",
  "generate" : "jswrap_meteradc_stop"
}*/
void jswrap_meteradc_stop(void) { mn_adc_stop(&mn_board_adc); }

/*JSON{
  "type" : "staticmethod",
  "class" : "MeterADC",
  "name" : "setSampleRate",
  "generate" : "jswrap_meteradc_setSampleRate",
  "params" : [["rateHz","float","New sampling rate, Hz (e.g. 256 x the measured frequency)"]],
  "return" : ["float","The rate the timer produces (Hz), or -100 (not running) / -22 (out of range)"]
}*/
JsVarFloat jswrap_meteradc_setSampleRate(JsVarFloat rateHz) {
  uint32_t achieved = 0;
  int rc = (rateHz > 0 && rateHz < 4.0e6) ? mn_adc_set_rate(&mn_board_adc, (uint32_t)(rateHz * 1000.0 + 0.5), &achieved) : MN_EINVAL;
  return rc == MN_OK ? achieved / 1000.0 : (JsVarFloat)rc;
}

/*JSON{
  "type" : "staticmethod",
  "class" : "MeterADC",
  "name" : "setCalibration",
  "generate" : "jswrap_meteradc_setCalibration",
  "params" : [["calibration","JsVar","MeterCalibration (modules/metering/calibration.ts)"]]
}
Kept with the sampler and passed with every following window, so a window is
always converted with the calibration that was in force when it was delivered.
*/
void jswrap_meteradc_setCalibration(JsVar *calibration) { jsvObjectSetChild(execInfo.hiddenRoot, CAL_NAME, calibration); }

/*JSON{
  "type" : "staticmethod",
  "class" : "MeterADC",
  "name" : "stats",
  "generate" : "jswrap_meteradc_stats",
  "return" : ["JsVar","{running, sampleRateHz, blocks, missedBlocks, lateBlocks, dmaErrors, kernelRestarts, windowsDelivered, windowsDropped}"]
}*/
JsVar *jswrap_meteradc_stats(void) {
  mn_adc_stats_t s;
  mn_adc_get_stats(&mn_board_adc, &s);
  JsVar *o = jsvNewObject();
  if (!o) return 0;
  jsvObjectSetChildAndUnLock(o, "running", jsvNewFromBool(mn_board_adc.running != 0));
  jsvObjectSetChildAndUnLock(o, "sampleRateHz", jsvNewFromFloat(mn_adc_rate_mhz(&mn_board_adc) / 1000.0));
  jsvObjectSetChildAndUnLock(o, "blocks", jsvNewFromFloat(s.blocks));
  jsvObjectSetChildAndUnLock(o, "missedBlocks", jsvNewFromFloat(s.missedBlocks));
  jsvObjectSetChildAndUnLock(o, "lateBlocks", jsvNewFromFloat(s.lateBlocks));
  jsvObjectSetChildAndUnLock(o, "dmaErrors", jsvNewFromFloat(s.dmaErrors));
  jsvObjectSetChildAndUnLock(o, "kernelRestarts", jsvNewFromFloat(s.kernelRestarts));
  jsvObjectSetChildAndUnLock(o, "windowsDelivered", jsvNewFromFloat(s.windowsDelivered));
  jsvObjectSetChildAndUnLock(o, "windowsDropped", jsvNewFromFloat(s.windowsDropped));
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
  JsVar *cls = jsvObjectGetChildIfExists(execInfo.root, "MeterADC");
  JsVar *cal = jsvObjectGetChildIfExists(execInfo.hiddenRoot, CAL_NAME);
  mn_adc_window_info_t info;
  while (mn_adc_take_window(&mn_board_adc, &takenWindow, &info)) {
    if (!cls) continue; /* nobody listens: windows are taken and dropped, counted as delivered */
    JsVar *args[2] = {window_to_js(&takenWindow, &info), cal};
    jsiQueueObjectCallbacks(cls, JS_EVENT_PREFIX "window", args, 2);
    jsvUnLock(args[0]);
  }
  jsvUnLock2(cls, cal);
}
