/* Minimal declarations of Espruino 2v29's src/jspin.h that jswrap_ota.c uses (see espruinoStub.h). */
#ifndef MN_ESPRUINO_STUB_JSPIN_H
#define MN_ESPRUINO_STUB_JSPIN_H

#include "espruinoStub.h"

typedef unsigned char Pin;
Pin jshGetPinFromString(const char *s);
void jshPinOutput(Pin pin, bool value);

#endif
