/* The check and report of the kernel's and the metering chain's C tests: a failed
 * CHECK prints why and clears the test's local `ok`; report() counts the test and
 * prints the "ok"/"FAIL" line the suites count (suiteCount.sh). */
#ifndef TEST_CHECK_H
#define TEST_CHECK_H

#include <stdio.h>

static int passed, failed;

#define CHECK(cond, ...)                      \
  do {                                        \
    if (!(cond)) {                            \
      printf("  check failed: " __VA_ARGS__); \
      printf("\n");                           \
      ok = 0;                                 \
    }                                         \
  } while (0)

static void report(const char *name, int ok) {
  if (ok) passed++;
  else failed++;
  printf("%s %s\n", ok ? "ok" : "FAIL", name);
}

#endif
