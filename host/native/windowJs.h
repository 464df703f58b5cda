// A window (mk_window_t) as the JavaScript object of modules/metering/kernelWindow.ts,
// built from boards/STM32F107/adc/windowView.c: the device binding's field table and
// array fillers (jswrap_meteradc.c window_to_js), so the host and the device convert
// a window once, in the same C. Host extras: `raw` (the struct's bytes, which the
// metering chain addon takes back) and `sampleRateHz` given by the caller.
#pragma once
#include <napi.h>

extern "C" {
#include "meterKernel.h"
}

Napi::Object WindowJs(Napi::Env env, const mk_window_t& w, double sampleRateHz);
