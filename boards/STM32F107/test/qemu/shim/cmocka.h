/*
 * A stand-in for the part of cmocka's API our driver tests use, so the same
 * test sources run on the Cortex-M3 under QEMU (Debian's libcmocka is built for
 * the host only). Same summary lines as cmocka: "[  PASSED  ] N test(s)." and
 * "[  FAILED  ] N test(s)". Failed assertions leave the test through longjmp.
 * Included instead of <cmocka.h> via -I test/qemu/shim in qemu.suite.sh.
 */
#ifndef MN_CMOCKA_SHIM_H
#define MN_CMOCKA_SHIM_H

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef void (*CMUnitTestFunction)(void **state);
typedef int (*CMFixtureFunction)(void **state);
struct CMUnitTest {
  const char *name;
  CMUnitTestFunction test_func;
  CMFixtureFunction setup_func;
};

#define cmocka_unit_test_setup(f, setup) {#f, f, setup}
#define cmocka_unit_test(f) {#f, f, 0}

extern jmp_buf mn_shim_jmp;
void mn_shim_fail(const char *file, int line, const char *what);

#define MN_SHIM_CHECK(cond, what) \
  do {                            \
    if (!(cond)) mn_shim_fail(__FILE__, __LINE__, what); \
  } while (0)
#define assert_true(c) MN_SHIM_CHECK((c), #c)
#define assert_false(c) MN_SHIM_CHECK(!(c), "!(" #c ")")
#define assert_int_equal(a, b) MN_SHIM_CHECK((intmax_t)(a) == (intmax_t)(b), #a " == " #b)
#define assert_string_equal(a, b) MN_SHIM_CHECK(strcmp((a), (b)) == 0, #a " == " #b)
#define assert_memory_equal(a, b, n) MN_SHIM_CHECK(memcmp((a), (b), (n)) == 0, "memory " #a " == " #b)
#define fail_msg(...) mn_shim_fail(__FILE__, __LINE__, "fail_msg")

static inline int mn_shim_run(const char *group, const struct CMUnitTest *tests, size_t n) {
  volatile int passed = 0, failed = 0;
  printf("[==========] %s: Running %u test(s).\n", group, (unsigned)n);
  for (volatile size_t k = 0; k < n; k++) {
    void *state = 0;
    printf("[ RUN      ] %s\n", tests[k].name);
    if (setjmp(mn_shim_jmp) == 0) {
      if (tests[k].setup_func) tests[k].setup_func(&state);
      tests[k].test_func(&state);
      printf("[       OK ] %s\n", tests[k].name);
      passed++;
    } else {
      printf("[  FAILED  ] %s\n", tests[k].name);
      failed++;
    }
  }
  printf("[==========] %s: %u test(s) run.\n", group, (unsigned)n);
  printf("[  PASSED  ] %d test(s).\n", passed);
  if (failed) printf("[  FAILED  ] %d test(s), listed above.\n", failed);
  return failed;
}
#define cmocka_run_group_tests_name(group, tests, setup, teardown) \
  mn_shim_run(group, tests, sizeof(tests) / sizeof((tests)[0]))

#endif
