/* stand-in for Espruino's jsinteractive.h: see espruinoStub.h */
#ifndef MN_ESPRUINO_STUB_JSINTERACTIVE_H
#define MN_ESPRUINO_STUB_JSINTERACTIVE_H
#include "espruinoStub.h"

/* the trial's watchdog kicked from the idle loop (jswrap_ota.c) */
typedef enum { JSIS_WATCHDOG_AUTO = 1 << 9 } JsiStatus;
extern JsiStatus jsiStatus;

#endif
