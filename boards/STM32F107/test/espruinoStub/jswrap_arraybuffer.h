/* stand-in for Espruino's jswrap_arraybuffer.h: see espruinoStub.h */
#include "espruinoStub.h"
