/* stand-in for Espruino's jsdevices.h: see espruinoStub.h */
#include "espruinoStub.h"
