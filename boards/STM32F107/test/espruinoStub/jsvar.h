/* stand-in for Espruino's jsvar.h: see espruinoStub.h */
#include "espruinoStub.h"
