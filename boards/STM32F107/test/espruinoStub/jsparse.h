/* stand-in for Espruino's jsparse.h: see espruinoStub.h */
#include "espruinoStub.h"
