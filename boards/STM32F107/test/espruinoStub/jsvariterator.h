/* stand-in for Espruino's jsvariterator.h: see espruinoStub.h */
#include "espruinoStub.h"
