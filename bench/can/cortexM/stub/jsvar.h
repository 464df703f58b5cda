/* What Espruino's mbedtls config.h needs of jsvar.h for run.sh: its allocator (AES never calls it). */
#include <stddef.h>
#include <stdlib.h>
#define jsvMalloc(n) malloc(n)
#define jsvFree(p) free(p)
