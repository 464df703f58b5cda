/*
 * MeterADC: the JavaScript face of adc/meterAdc.c (dual-ADC DMA sampling into
 * the measurement kernel), with the API of types/meterAdc.d.ts (the metering
 * engineer's contract): new MeterADC(), start(config), stop(),
 * setCalibration(vZeroLsb, iZeroLsb), getStats(), setSampleRate(rateHz), and the
 * metering chain's setMetering(cfg), getEnergy(), setEnergy(state) with the events
 * 'reading' (every readingEvery windows), 'event' (voltage event), 'aggregate'
 * (150/180 cycles, 10 minutes) and 'window' (the raw kernel window, built only when a
 * listener exists). Binding only: argument conversion, object building and event
 * queueing; the work is plain C (adc/, kernel/, metering/).
 *
 * Interrupt to interpreter, as Espruino's Waveform does: the DMA interrupt
 * calls adc_notify, which pushes a custom event (jshPushCustomEvent); the main
 * loop hands it to jswrap_meteradc_eventHandler, which takes every finished
 * window and queues the 'window' listeners of the MeterADC that started
 * sampling (one ADC pair: instances share it, the last start() owns events).
 */
#include <string.h>

#include "jsvar.h"
#include "jsparse.h"
#include "jsinteractive.h"
#include "jsdevices.h"
#include "jswrap_arraybuffer.h"

#include "jswrap_meteradc.h"
#include "meternetBoard.h"
#include "adc/windowView.h"
#include "metering/mtChain.h"

#define MN_EVC_ADC_WINDOW 0x71 /* our EV_CUSTOM type; Espruino's own use 1..3 */
#define ACTIVE_NAME "MeterADC" /* hidden-root child: the instance that owns the events */

/* metering chain state (boards/STM32F107/metering), main loop only; see setMetering */
static uint8_t meteringSet, meteringOn;

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
  "class" : "MeterADC",
  "typescript" : "declare class MeterADC"
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
  "ifndef" : "MN_NO_WINDOW_EVENT",
  "params" : [
    ["window","JsVar","The kernel's results (KernelWindow, modules/metering/kernelWindow.ts)"]
  ],
  "typescript" : "on(event: \"window\", cb: (w: import(\"../modules/metering/kernelWindow\").KernelWindow) => void): void;"
}
*/
/*JSON{
  "type" : "event",
  "class" : "MeterADC",
  "name" : "reading",
  "params" : [
    ["reading","JsVar","Every readingEvery windows: the latest window's values, flag and energy registers (MeterReading, modules/metering/readings.ts)"]
  ],
  "typescript" : "on(event: \"reading\", cb: (r: import(\"../modules/metering/readings\").MeterReading) => void): void;"
}
*/
/*JSON{
  "type" : "event",
  "class" : "MeterADC",
  "name" : "event",
  "params" : [
    ["event","JsVar","A dip, swell or interruption that ended (VoltageEvent, modules/metering/readings.ts)"]
  ],
  "typescript" : "on(event: \"event\", cb: (e: import(\"../modules/metering/readings\").VoltageEvent) => void): void;"
}
*/
/*JSON{
  "type" : "event",
  "class" : "MeterADC",
  "name" : "aggregate",
  "params" : [
    ["aggregate","JsVar","A 150/180-cycle or 10-minute aggregate (AggregateReading, modules/metering/readings.ts)"]
  ],
  "typescript" : "on(event: \"aggregate\", cb: (a: import(\"../modules/metering/readings\").AggregateReading) => void): void;"
}
*/
/*JSON{
  "type" : "event",
  "class" : "MeterADC",
  "name" : "error",
  "params" : [
    ["message","JsVar","What stopped sampling (a DMA transfer error): call start() again"]
  ],
  "typescript" : "on(event: \"error\", cb: (message: string) => void): void;"
}
Sampling stopped (a DMA transfer error); the message says so. Call start() again.
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
void jswrap_meteradc_kill(void) {
  mn_adc_stop(&mn_board_adc);
  /* the next program configures metering itself; the chain's energy registers stay
   * (the next start() with metering carries them on: metering_start) */
  meteringSet = 0;
  meteringOn = 0;
}

/*JSON{
  "type" : "constructor",
  "class" : "MeterADC",
  "name" : "MeterADC",
  "generate" : "jswrap_meteradc_constructor",
  "return" : ["JsVar","A MeterADC"],
  "typescript" : "constructor();"
}*/
JsVar *jswrap_meteradc_constructor(void) { return jspNewObject(0, "MeterADC"); }

static const char *metering_start(const mk_config_t *k);

static uint32_t int_prop(JsVar *o, const char *name) {
  JsVarInt v = jsvObjectGetIntegerChild(o, name);
  return v < 0 ? 0xFFFFFFFFu : (uint32_t)v; /* negative: out of every range */
}

/*JSON{
  "type" : "method",
  "class" : "MeterADC",
  "name" : "start",
  "generate" : "jswrap_meteradc_start",
  "params" : [["config","JsVar","{sampleRateHz, nominalHz, cycles?, hysteresisLsb?, fitHalfWidth?}"]],
  "typescript" : "start(config: MeterAdcConfig): void;"
}
Starts sampling. Throws an Error naming the bad field (e.g. "sampleRateHz must be
1000..102400"), or, on firmware that cannot make the windows (60 Hz / 12 cycles on
the 50 Hz image), "MeterADC.start: 60 Hz mains needs 12-cycle windows, which this
firmware (...) cannot make: flash the 60 Hz image ... (make BOARD=METERNET_F107_60HZ, ...)".
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
  const char *chainWhy = rc == MN_OK ? metering_start(&k) : 0;
  if (chainWhy) {
    mn_adc_stop(&mn_board_adc);
    jsExceptionHere(JSET_ERROR, "MeterADC.start: %s", chainWhy);
    return;
  }
  /* the text names the firmware to flash when this image cannot make the windows (60 Hz on the 50 Hz image) */
  if (rc != MN_OK) jsExceptionHere(JSET_ERROR, "MeterADC.start: %s", mn_adc_start_error_text(&mn_board_adc, &k, rc));
  else jsvObjectSetChild(execInfo.hiddenRoot, ACTIVE_NAME, parent);
}

/*JSON{
  "type" : "method",
  "class" : "MeterADC",
  "name" : "stop",
  "generate" : "jswrap_meteradc_stop",
  "typescript" : "stop(): void;"
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
  "return" : ["float","The rate the timer produces (Hz), or -100 (not running) / -22 (out of range)"],
  "typescript" : "setSampleRate(rateHz: number): number;"
}
Retunes the sampling rate from the next half-buffer on (device: 256 pairs; host:
its block), e.g. to 256 x the measured frequency. Returns the rate the timer
actually produces, Hz (72 MHz / an integer number of ticks, rounded to mHz:
within 89 ppm of the request at 12.8 kHz), or -22 (MN_EINVAL) for a rate that
is not a number in (0, 4 MHz) or outside what the start rate's prescaler allows
(about 1099 Hz and up at the 12.8 kHz start), -100 (MN_ENETDOWN) when not
running. A request replaces one not yet applied. Each window reports the mean
rate of its own samples.
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
  "params" : [["vZeroLsb","int","Code of 0 V (calibrated zeroLsb, rounded)"],["iZeroLsb","int","Code of 0 A"]],
  "typescript" : "setCalibration(vZeroLsb: number, iZeroLsb: number): void;"
}
Code of 0 V on the voltage channel (calibrated zeroLsb, rounded), used by the
kernel to find zero crossings before its first window (it then tracks each
window's mean). Takes effect at the next start().
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
  "return" : ["JsVar","{windows, dropped, overruns, running, sampleRateHz, blocks, missedBlocks, lateBlocks, dmaErrors, kernelRestarts}"],
  "typescript" : "getStats(): MeterAdcStats;"
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

/* ---- metering chain (boards/STM32F107/metering), main loop only ---- */
static mt_chain_t chain;
static mt_chain_config_t meteringCfg;
static uint16_t readingEvery;
static uint32_t released;
/* Flags (MK_FLAG_*, MT_FLAG_*) of every window since the last reading, and the due reading's copy. */
static uint16_t flagsSince, dueSince;

static double num_child(JsVar *o, const char *name, int *bad) {
  JsVar *v = jsvObjectGetChildIfExists(o, name);
  double d = jsvIsNumeric(v) ? jsvGetFloat(v) : 0;
  if (!jsvIsNumeric(v)) *bad = 1;
  jsvUnLock(v);
  return d;
}

static void channel_cal(JsVar *cal, const char *name, mt_channel_cal_t *c, int *bad) {
  JsVar *o = jsvObjectGetChildIfExists(cal, name);
  if (!jsvIsObject(o)) *bad = 1;
  else {
    c->unitPerLsb = num_child(o, "unitPerLsb", bad);
    c->zeroLsb = num_child(o, "zeroLsb", bad);
    c->noiseLsb2 = num_child(o, "noiseLsb2", bad);
  }
  jsvUnLock(o);
}

/*JSON{
  "type" : "method",
  "class" : "MeterADC",
  "name" : "setMetering",
  "generate" : "jswrap_meteradc_setMetering",
  "params" : [["cfg","JsVar","{calibration: {v, i: {unitPerLsb, zeroLsb, noiseLsb2}, phaseRad, frontEndHz}, declaredV, utcAtStartS, readingEvery}"]],
  "typescript" : "setMetering(cfg: import(\"../modules/metering/readings\").MeteringConfig): void;"
}
The metering chain's configuration, used from the next start(): calibration,
declared voltage (dip/swell thresholds), UTC at start (clock-aligned aggregates and
profile), windows per 'reading'. Throws an Error naming a bad field.
*/
void jswrap_meteradc_setMetering(JsVar *parent, JsVar *cfg) {
  (void)parent;
  int bad = 0;
  mt_chain_config_t c;
  memset(&c, 0, sizeof c);
  JsVar *cal = jsvIsObject(cfg) ? jsvObjectGetChildIfExists(cfg, "calibration") : 0;
  if (!jsvIsObject(cal)) bad = 1;
  else {
    channel_cal(cal, "v", &c.cal.v, &bad);
    channel_cal(cal, "i", &c.cal.i, &bad);
    c.cal.phaseRad = num_child(cal, "phaseRad", &bad);
    c.cal.frontEndHz = num_child(cal, "frontEndHz", &bad);
  }
  jsvUnLock(cal);
  if (bad) {
    jsExceptionHere(JSET_TYPEERROR, "MeterADC.setMetering: calibration must be {v: {unitPerLsb, zeroLsb, noiseLsb2}, i: {...}, phaseRad, frontEndHz} of numbers");
    return;
  }
  c.declaredV = num_child(cfg, "declaredV", &bad);
  c.utcAtStartS = num_child(cfg, "utcAtStartS", &bad);
  double every = num_child(cfg, "readingEvery", &bad);
  if (bad || !(c.declaredV > 0) || !(every >= 1 && every <= 1000)) {
    jsExceptionHere(JSET_ERROR, "MeterADC.setMetering: declaredV must be a positive number of volts, utcAtStartS a number, readingEvery 1..1000 windows");
    return;
  }
  meteringCfg = c;
  readingEvery = (uint16_t)(every + 0.5);
  meteringSet = 1;
}

/* Starts the chain for a start(): registers kept across restarts. 0, or an error text. */
static const char *metering_start(const mk_config_t *k) {
  if (!meteringSet) {
    meteringOn = 0;
    return 0;
  }
  mt_energy_t kept = chain.energy;
  int hadChain = chain.cfg.declaredV > 0; /* a chain ran before: its registers carry on */
  mt_chain_config_t c = meteringCfg;
  c.startRateHz = k->sampleRateHz;
  c.nominalHz = k->nominalHz;
  c.regrid = 1;
  c.retune = 1;
  int rc = mt_chain_init(&chain, &c);
  if (rc != MT_OK) return mt_chain_error_text(rc);
  if (hadChain) chain.energy = kept;
  released = 0;
  flagsSince = 0;
  meteringOn = 1;
  return 0;
}

static const char *const registerNames[MT_REGISTERS] = {"importWh", "exportWh", "importVarh", "exportVarh"};

/*JSON{
  "type" : "method",
  "class" : "MeterADC",
  "name" : "getEnergy",
  "generate" : "jswrap_meteradc_getEnergy",
  "return" : ["JsVar","{importWh, exportWh, importVarh, exportVarh: {milli, frac}} or null before metering ran"],
  "typescript" : "getEnergy(): import(\"../modules/metering/readings\").EnergyState | null;"
}
The energy registers as plain values (to persist them); null before metering ran.
*/
JsVar *jswrap_meteradc_getEnergy(JsVar *parent) {
  (void)parent;
  if (!meteringOn) return 0;
  JsVar *o = jsvNewObject();
  if (!o) return 0;
  for (int k = 0; k < MT_REGISTERS; k++) {
    JsVar *r = jsvNewObject();
    if (!r) break;
    jsvObjectSetChildAndUnLock(r, "milli", jsvNewFromFloat((JsVarFloat)chain.energy.r[k].milli));
    jsvObjectSetChildAndUnLock(r, "frac", jsvNewFromFloat(chain.energy.r[k].frac));
    jsvObjectSetChildAndUnLock(o, registerNames[k], r);
  }
  return o;
}

/*JSON{
  "type" : "method",
  "class" : "MeterADC",
  "name" : "setEnergy",
  "generate" : "jswrap_meteradc_setEnergy",
  "params" : [["state","JsVar","{importWh, exportWh, importVarh, exportVarh: {milli, frac}} as getEnergy gave"]],
  "typescript" : "setEnergy(e: import(\"../modules/metering/readings\").EnergyState): void;"
}
Restores saved registers (after start(); registers survive stop()/start()). Throws and
changes nothing on a bad value.
*/
void jswrap_meteradc_setEnergy(JsVar *parent, JsVar *state) {
  (void)parent;
  if (!meteringOn) {
    jsExceptionHere(JSET_ERROR, "MeterADC.setEnergy: call setMetering and start first");
    return;
  }
  mt_energy_t e = chain.energy;
  for (int k = 0; k < MT_REGISTERS; k++) {
    int bad = 0;
    JsVar *r = jsvIsObject(state) ? jsvObjectGetChildIfExists(state, registerNames[k]) : 0;
    double milli = jsvIsObject(r) ? num_child(r, "milli", &bad) : -1, frac = jsvIsObject(r) ? num_child(r, "frac", &bad) : -1;
    jsvUnLock(r);
    if (bad || mt_register_set(&e.r[k], milli, frac) != 0) {
      jsExceptionHere(JSET_ERROR, "MeterADC.setEnergy: %s needs a whole milli >= 0 and a frac in [0, 1)", registerNames[k]);
      return;
    }
  }
  chain.energy = e;
}

/* A Float32Array of the MK_GROUPS values h. */
static JsVar *groups_js(const float *h) {
  char *ptr = 0;
  JsVar *buf = jsvNewArrayBufferWithPtr((unsigned int)(MK_GROUPS * sizeof(float)), &ptr);
  if (!buf) return 0;
  if (ptr) memcpy(ptr, h, MK_GROUPS * sizeof(float));
  JsVar *view = jswrap_typedarray_constructor(ARRAYBUFFERVIEW_FLOAT32, buf, 0, 0);
  jsvUnLock(buf);
  return view;
}

static void set_num(JsVar *o, const char *name, double v) { jsvObjectSetChildAndUnLock(o, name, jsvNewFromFloat(v)); }

static void set_scalars(JsVar *o, const mt_quantities_t *q) {
  set_num(o, "fHz", q->fHz);
  set_num(o, "vRmsV", q->vRmsV);
  set_num(o, "iRmsA", q->iRmsA);
  set_num(o, "pW", q->pW);
  set_num(o, "qVar", q->qVar);
  set_num(o, "sVA", q->sVA);
  set_num(o, "nVA", q->nVA);
  set_num(o, "pf", q->pf);
  set_num(o, "thdVPct", q->thdVPct);
  set_num(o, "thdIPct", q->thdIPct);
}

/* The owner of the events during one window (set by the event handler). */
static JsVar *eventOwner;
static mt_reading_t dueReading;
static uint8_t dueFlagged, readingDue;

static void queue(const char *event, JsVar *x) {
  if (x) jsiQueueObjectCallbacks(eventOwner, event, &x, 1);
  jsvUnLock(x);
}

static void on_window(void *ctx, const mt_reading_t *r, int flagged) {
  (void)ctx;
  flagsSince |= (uint16_t)(r->flags | (flagged ? MT_FLAG_IEC : 0));
  if (released++ % readingEvery) return; /* the first released window, then every readingEvery-th */
  dueReading = *r;
  dueFlagged = (uint8_t)(flagged != 0);
  dueSince = flagsSince;
  flagsSince = 0;
  readingDue = 1;
}

static void on_event(void *ctx, const mt_event_t *e) {
  (void)ctx;
  JsVar *o = jsvNewObject();
  if (!o) return;
  jsvObjectSetChildAndUnLock(o, "kind", jsvNewFromString(e->kind == MT_EVENT_SWELL ? "swell" : e->kind == MT_EVENT_INTERRUPTION ? "interruption" : "dip"));
  set_num(o, "startS", e->startS);
  set_num(o, "durationS", e->durationS);
  set_num(o, "residualPct", e->residualPct);
  if (e->open) jsvObjectSetChildAndUnLock(o, "open", jsvNewFromBool(true));
  queue(JS_EVENT_PREFIX "event", o);
}

static void on_aggregate(void *ctx, const mt_aggregate_t *a) {
  (void)ctx;
  JsVar *o = jsvNewObject();
  if (!o) return;
  jsvObjectSetChildAndUnLock(o, "interval", jsvNewFromString(a->interval == MT_AGG_10_MIN ? "10min" : "150cycle"));
  set_num(o, "startS", a->startS);
  set_num(o, "spanS", a->spanS);
  set_num(o, "windows", a->windows);
  jsvObjectSetChildAndUnLock(o, "complete", jsvNewFromBool(a->complete != 0));
  jsvObjectSetChildAndUnLock(o, "flagged", jsvNewFromBool(a->flagged != 0));
  set_scalars(o, &a->q);
  jsvObjectSetChildAndUnLock(o, "hV", groups_js(a->q.hV));
  jsvObjectSetChildAndUnLock(o, "hI", groups_js(a->q.hI));
  queue(JS_EVENT_PREFIX "aggregate", o);
}

/* The 'reading' object: the released window's values, its flag, the registers (Wh, varh). */
static JsVar *reading_to_js(const mt_reading_t *r, int flagged) {
  JsVar *o = jsvNewObject();
  if (!o) return 0;
  set_num(o, "tS", r->startS + r->spanS);
  set_scalars(o, &r->q);
  jsvObjectSetChildAndUnLock(o, "flagged", jsvNewFromBool(flagged != 0));
  /* what may be wrong with this window, and with any window since the previous reading */
  jsvObjectSetChildAndUnLock(o, "flags", jsvNewFromInteger(r->flags | (flagged ? MT_FLAG_IEC : 0)));
  jsvObjectSetChildAndUnLock(o, "flagsSince", jsvNewFromInteger(dueSince));
  for (int k = 0; k < MT_REGISTERS; k++) set_num(o, registerNames[k], mt_register_units(&chain.energy.r[k]));
  return o;
}

/* One window through the chain; its events queued on owner; retunes the ADC when due. */
static void metering_window(JsVar *owner, const mk_window_t *w, const mn_adc_window_info_t *info) {
  static const mt_sink_t sink = {0, on_window, on_event, on_aggregate};
  /* the window's rate as the sampler made it, step included: the chain rebuilds nothing */
  const mt_rate_step_t step = {info->ticksBefore, info->ticksAfter, info->stepPair};
  eventOwner = owner;
  readingDue = 0;
  double wantHz = mt_chain_process(&chain, w, info->sampleRateHz, &step, &sink);
  if (readingDue) queue(JS_EVENT_PREFIX "reading", reading_to_js(&dueReading, dueFlagged));
  if (wantHz > 0) {
    uint32_t achieved = 0;
    int rc = mn_adc_set_rate(&mn_board_adc, (uint32_t)(wantHz * 1000.0 + 0.5), &achieved);
    mt_chain_rate_answer(&chain, rc == MN_OK ? achieved / 1000.0 : (double)rc);
  }
}

#ifndef MN_NO_WINDOW_EVENT
/* The raw 'window' event (diagnostics: no bundle listens to it on the device). The meter
 * images compile it out with MN_NO_WINDOW_EVENT (tools/firmware/imageFeatures.ts: the gate
 * rejects on("window") for them); the host runtime's MeterADC keeps it. */

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
  /* no edgeVLsb/edgeILsb: only the host's tests read them (the addon's window, windowJs.cc);
   * the chain uses the first and last samples, which the fields above carry */
  jsvObjectSetChildAndUnLock(o, "crossingsSample", typed(ARRAYBUFFERVIEW_FLOAT64, 8, mn_window_crossing_count(w), w, 0, mn_window_fill_crossings, 0));
  jsvObjectSetChildAndUnLock(o, "urmsHalfLsb", typed(ARRAYBUFFERVIEW_FLOAT32, 4, mn_window_urms_count(w), w, 0, mn_window_fill_urms, 0));
  jsvObjectSetChildAndUnLock(o, "urmsHalfEndSample", typed(ARRAYBUFFERVIEW_FLOAT64, 8, mn_window_urms_count(w), w, 0, mn_window_fill_urms_end, 0));
  jsvObjectSetChildAndUnLock(o, "hVLsb", typed(ARRAYBUFFERVIEW_FLOAT32, 4, MK_GROUPS, w, 0, 0, mn_window_fill_harmonics));
  jsvObjectSetChildAndUnLock(o, "hILsb", typed(ARRAYBUFFERVIEW_FLOAT32, 4, MK_GROUPS, w, 1, 0, mn_window_fill_harmonics));
  return o;
}

#endif /* MN_NO_WINDOW_EVENT */

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
    if (meteringOn) metering_window(owner, &takenWindow, &info);
#ifndef MN_NO_WINDOW_EVENT
    /* the raw window (diagnostics) is built only for a listener */
    JsVar *listeners = jsvObjectGetChildIfExists(owner, JS_EVENT_PREFIX "window");
    if (listeners) {
      JsVar *w = window_to_js(&takenWindow, &info);
      jsiQueueObjectCallbacks(owner, JS_EVENT_PREFIX "window", &w, 1);
      jsvUnLock(w);
    }
    jsvUnLock(listeners);
#endif
  }
  jsvUnLock(owner);
}
