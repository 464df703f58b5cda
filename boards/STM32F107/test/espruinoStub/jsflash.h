/* Minimal declarations of Espruino 2v29's src/jsflash.h (Storage) that jswrap_ota.c uses (see espruinoStub.h). */
#ifndef MN_ESPRUINO_STUB_JSFLASH_H
#define MN_ESPRUINO_STUB_JSFLASH_H

#include "espruinoStub.h"

typedef enum { JSFF_NONE } JsfFileFlags;
typedef struct { char c[28]; } JsfFileName;
typedef struct { uint32_t size; JsfFileName name; } JsfFileHeader;
JsfFileName jsfNameFromString(const char *name);
uint32_t jsfGetFileSize(JsfFileHeader *header);
uint32_t jsfFindFile(JsfFileName name, JsfFileHeader *returnedHeader);
bool jsfWriteFile(JsfFileName name, JsVar *data, JsfFileFlags flags, JsVarInt offset, JsVarInt _size);
bool jsfEraseFile(JsfFileName name);

#endif
