/* Hex in and out for the cmocka tests of byte layouts (secocTest.c, otaTest.c): include after cmocka.h. */
#ifndef MN_TEST_HEX_H
#define MN_TEST_HEX_H

#include <stdio.h>

static inline void hex(const char *h, uint8_t *out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned v;
    sscanf(h + 2 * i, "%2x", &v);
    out[i] = (uint8_t)v;
  }
}

/* Up to 39 bytes: every frame, digest and record the tests compare. */
static inline void assert_hex(const uint8_t *b, size_t n, const char *expected) {
  char s[80] = {0};
  for (size_t i = 0; i < n && i < 39; i++) snprintf(s + 2 * i, 3, "%02x", b[i]);
  assert_string_equal(s, expected);
}

#endif
