/* stand-in for Espruino's jsinteractive.h: see espruinoStub.h */
#include "espruinoStub.h"
