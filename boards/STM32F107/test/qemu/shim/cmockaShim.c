/* The shim's jump buffer and failure report; see cmocka.h here. */
#include "cmocka.h"

jmp_buf mn_shim_jmp;

void mn_shim_fail(const char *file, int line, const char *what) {
  printf("[  ERROR   ] --- %s\n[   LINE   ] --- %s:%d: error: Failure!\n", what, file, line);
  longjmp(mn_shim_jmp, 1);
}
