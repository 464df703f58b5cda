/* Minimal declarations of Espruino 2v29's src/jshardware.h that jswrap_ota.c uses (see espruinoStub.h). */
#ifndef MN_ESPRUINO_STUB_JSHARDWARE_H
#define MN_ESPRUINO_STUB_JSHARDWARE_H

#include "jstimer.h"

void jshFlashRead(void *buf, uint32_t addr, uint32_t len);

#endif
