/*
 * Stand-in for the Node addon while host/native is not built: runs the SAME kernel
 * source (boards/STM32F107/kernel) as a child process. stdin: interleaved uint16
 * {v, i} pairs (little-endian); argv: sampleRateHz nominalHz cycles vMidLsb
 * hysteresisLsb fitHalfWidth. stdout: one line per window, "W" then name=value and
 * name:type=HEX tokens made by boards/STM32F107/adc/windowView.c (the conversion the
 * device binding and the addon use), which kernelProcess.ts reads by name. Exit 2
 * with the kernel's message on a bad configuration.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "meterKernel.h"
#include "adc/windowView.h"

static mk_kernel_t kern;
static mk_window_t w;

static void hex(const void *p, size_t n) {
  size_t k;
  for (k = 0; k < n; k++) printf("%02x", ((const unsigned char *)p)[k]);
}

/* One typed array as name:type=HEX of the bytes windowView.c's filler writes. */
static void array(const char *name, const char *type, size_t bytes, void (*fill)(const mk_window_t *, void *),
                  void (*fillCh)(const mk_window_t *, int, void *), int ch) {
  static unsigned char buf[8 * (MK_CROSSINGS_MAX + MK_URMS_MAX + MK_GROUPS)];
  if (fill) fill(&w, buf);
  else fillCh(&w, ch, buf);
  printf(" %s:%s=", name, type);
  hex(buf, bytes);
}

/* The window as windowView.c converts it for the device's 'window' event: every field
 * of its table as name=value, the arrays through its fillers, then the struct's bytes
 * (same compiler and ABI as the addon: the metering chain takes them back). */
static void emit(void) {
  size_t k;
  printf("W");
  for (k = 0; k < mn_window_field_count; k++) printf(" %s=%.17g", mn_window_fields[k].name, mn_window_field_value(&w, &mn_window_fields[k]));
  array("edgeVLsb", "u16", 2 * MN_WINDOW_EDGES, 0, mn_window_fill_edges, 0);
  array("edgeILsb", "u16", 2 * MN_WINDOW_EDGES, 0, mn_window_fill_edges, 1);
  array("crossingsSample", "f64", 8 * mn_window_crossing_count(&w), mn_window_fill_crossings, 0, 0);
  array("urmsHalfLsb", "f32", 4 * mn_window_urms_count(&w), mn_window_fill_urms, 0, 0);
  array("urmsHalfEndSample", "f64", 8 * mn_window_urms_count(&w), mn_window_fill_urms_end, 0, 0);
  array("hVLsb", "f32", 4 * MK_GROUPS, 0, mn_window_fill_harmonics, 0);
  array("hILsb", "f32", 4 * MK_GROUPS, 0, mn_window_fill_harmonics, 1);
  printf(" raw:u8=");
  hex(&w, sizeof w);
  printf("\n");
}

int main(int argc, char **argv) {
  mk_config_t c;
  static uint16_t buf[2 * 256];
  size_t n;
  int rc;
  if (argc != 7) {
    fprintf(stderr, "usage: kernelHarness fs nominalHz cycles vMid hyst fit < pairs\n");
    return 2;
  }
  memset(&c, 0, sizeof c);
  c.sampleRateHz = (uint32_t)atol(argv[1]);
  c.nominalHz = (uint8_t)atoi(argv[2]);
  c.cycles = (uint8_t)atoi(argv[3]);
  c.vMidLsb = (uint16_t)atoi(argv[4]);
  c.hysteresisLsb = (uint16_t)atoi(argv[5]);
  c.fitHalfWidth = (uint8_t)atoi(argv[6]);
  rc = mk_init(&kern, &c);
  if (rc != MK_OK) {
    fprintf(stderr, "%s\n", mk_error_text(rc));
    return 2;
  }
  while ((n = fread(buf, 4, 256, stdin)) > 0) {
    mk_feed_pairs(&kern, buf, n);
    while (mk_take_window(&kern, &w)) emit();
  }
  /* end of the record: the window still open comes out as MK_FLAG_PARTIAL */
  mk_flush(&kern);
  while (mk_take_window(&kern, &w)) emit();
  return 0;
}
