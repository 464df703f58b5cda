/* Minimal declarations of Espruino 2v29's src/jstimer.h and the time functions of
 * src/jshardware.h that jswrap_can.c's aggregator link uses (see espruinoStub.h). */
#ifndef MN_ESPRUINO_STUB_JSTIMER_H
#define MN_ESPRUINO_STUB_JSTIMER_H

#include "espruinoStub.h"

typedef int64_t JsSysTime;
typedef void (*UtilTimerTaskExecFn)(JsSysTime time, void *userdata);
JsSysTime jshGetSystemTime(void);
JsSysTime jshGetTimeFromMilliseconds(JsVarFloat ms);
JsVarFloat jshGetMillisecondsFromTime(JsSysTime time);
bool jstExecuteFn(UtilTimerTaskExecFn fn, void *userdata, JsSysTime startTime, uint32_t period, uint32_t *timerOffset);
bool jstStopExecuteFn(UtilTimerTaskExecFn fn, void *userdata);

#endif
