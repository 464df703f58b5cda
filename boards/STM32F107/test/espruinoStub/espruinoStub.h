/*
 * Minimal declarations of the Espruino 2v29 functions and types our jswrap
 * files use, copied by signature from Espruino's headers (src/jsvar.h,
 * jsvariterator.h, jsparse.h, jsinteractive.h, jsdevices.h, jswrap_arraybuffer.h,
 * jsutils.h) so that `parse.suite.sh` can check that the bindings compile as C
 * without an Espruino tree. Declarations only: nothing here runs. If Espruino
 * changes a signature, the real build is the judge; keep these in step.
 */
#ifndef MN_ESPRUINO_STUB_H
#define MN_ESPRUINO_STUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct JsVarStruct JsVar;
typedef int32_t JsVarInt; /* Espruino: int32_t on 32-bit builds */
typedef double JsVarFloat;

typedef enum { JSET_STRING, JSET_ERROR, JSET_SYNTAXERROR, JSET_TYPEERROR, JSET_INTERNALERROR, JSET_REFERENCEERROR } JsExceptionType;
void jsExceptionHere(JsExceptionType type, const char *fmt, ...);

typedef enum {
  ARRAYBUFFERVIEW_UNDEFINED = 0,
  ARRAYBUFFERVIEW_UINT8 = 1,
  ARRAYBUFFERVIEW_UINT16 = 2,
  ARRAYBUFFERVIEW_UINT32 = 4,
  ARRAYBUFFERVIEW_FLOAT = 64,
  ARRAYBUFFERVIEW_FLOAT32 = 4 | ARRAYBUFFERVIEW_FLOAT,
  ARRAYBUFFERVIEW_FLOAT64 = 8 | ARRAYBUFFERVIEW_FLOAT,
} JsVarDataArrayBufferViewType;

#define JS_EVENT_PREFIX "#on"

JsVar *jsvNewObject(void);
JsVar *jsvNewFromString(const char *str);
JsVar *jsvNewFromInteger(JsVarInt value);
JsVar *jsvNewFromBool(bool value);
JsVar *jsvNewFromFloat(JsVarFloat value);
JsVar *jsvNewArrayBufferWithPtr(unsigned int length, char **ptr);
void jsvUnLock(JsVar *var);
void jsvUnLock2(JsVar *var1, JsVar *var2);
bool jsvIsObject(const JsVar *v);
bool jsvIsArray(const JsVar *v);
bool jsvIsNumeric(const JsVar *v);
bool jsvIsString(const JsVar *v);
bool jsvIsUndefined(const JsVar *v);
size_t jsvGetStringLength(const JsVar *v);
size_t jsvGetStringChars(const JsVar *v, size_t startChar, char *str, size_t len);
bool jsvIsStringEqual(JsVar *var, const char *str);
bool jsvGetBool(const JsVar *v);
JsVarFloat jsvGetFloat(const JsVar *v);
JsVarInt jsvGetInteger(const JsVar *v);
JsVarInt jsvGetArrayLength(const JsVar *arr);
JsVar *jsvGetArrayItem(const JsVar *arr, JsVarInt index);
JsVar *jsvObjectGetChildIfExists(JsVar *obj, const char *name);
bool jsvObjectGetBoolChild(JsVar *obj, const char *name);
JsVarInt jsvObjectGetIntegerChild(JsVar *obj, const char *name);
JsVar *jsvObjectSetChild(JsVar *obj, const char *name, JsVar *child);
void jsvObjectSetChildAndUnLock(JsVar *obj, const char *name, JsVar *child);
uint32_t jsvIterateCallbackCount(JsVar *var);
JsVar *jsvNewFlatStringOfLength(unsigned int byteLength);
char *jsvGetFlatStringPointer(JsVar *v);
bool jsvIsFlatString(const JsVar *v);
void jsvObjectRemoveChild(JsVar *parent, const char *name);
bool jsvIsArrayBuffer(const JsVar *v);
size_t jsvGetArrayBufferLength(const JsVar *arrayBuffer);
JsVar *jsvArrayBufferGet(JsVar *arrayBuffer, size_t index);
void jsvArrayBufferSet(JsVar *arrayBuffer, size_t index, JsVar *value);
unsigned int jsvIterateCallbackToBytes(JsVar *var, unsigned char *data, unsigned int dataSize);
JsVar *jswrap_typedarray_constructor(JsVarDataArrayBufferViewType type, JsVar *arr, JsVarInt byteOffset, JsVarInt length);

typedef struct {
  JsVar *root;
  JsVar *hiddenRoot;
} JsExecInfo;
extern JsExecInfo execInfo;
JsVar *jspNewObject(const char *name, const char *instanceOf);

void jsiQueueObjectCallbacks(JsVar *object, const char *callbackName, JsVar **args, int argCount);

typedef uint8_t IOEventFlags;
typedef enum { EVC_NONE, EVC_TIMER_FINISHED, EVC_TIMER_BUFFER_FLIP, EVC_TYPE_MASK = 255, EVC_DATA_SHIFT = 8 } IOCustomEventFlags;
bool jshPushCustomEvent(IOCustomEventFlags customFlags);
#define EV_CUSTOM ((IOEventFlags)8)
bool jshPushEvent(IOEventFlags evt, uint8_t *data, unsigned int length);

/* jswrap_meterlcd.c: the text argument, the board's delay and Espruino's I2C1 (shared with the FRAM) */
size_t jsvGetString(const JsVar *v, char *str, size_t len);
void jshDelayMicroseconds(int microsec);
#define EV_I2C1 ((IOEventFlags)20)
void jshI2CWrite(IOEventFlags device, unsigned char address, int nBytes, const unsigned char *data, bool sendStop);
void jshI2CRead(IOEventFlags device, unsigned char address, int nBytes, unsigned char *data, bool sendStop);

/* jswrap_ota.c: strings for Storage writes, the counters' array */
JsVar *jsvNewFromEmptyString(void);
JsVar *jsvNewStringOfLength(unsigned int byteLength, const char *initialData);
bool jsvIsIterable(const JsVar *v);
void jsvUnLock3(JsVar *var1, JsVar *var2, JsVar *var3);
bool jspHasError(void); /* jsparse.h: the FRAM's I2C did not answer */

#endif
