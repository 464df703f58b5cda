/*
 * Stand-in for the Node addon while host/native is not built: runs the SAME kernel
 * source (boards/STM32F107/kernel) as a child process. stdin: interleaved uint16
 * {v, i} pairs (little-endian); argv: sampleRateHz nominalHz cycles vMidLsb
 * hysteresisLsb fitHalfWidth. stdout: one line per window, numbers separated by
 * spaces, in the order kernelProcess.ts reads them. Exit 2 with the kernel's
 * message on a bad configuration.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "meterKernel.h"

static mk_kernel_t kern;
static mk_window_t w;

static void emit(void) {
  int k;
  printf("W %u %llu %u %u %u %u %u %u %u %u %d", w.index, (unsigned long long)w.startSample, w.sampleCount, w.flags,
         w.droppedBefore, w.cycles, w.crossingCount, w.urmsCount, w.harmonicMaxOrder, w.vMidLsb, w.syncErrorQ16);
  printf(" %u %u %llu %llu %llu %llu %llu", w.sumV, w.sumI, (unsigned long long)w.sumVV, (unsigned long long)w.sumII,
         (unsigned long long)w.sumVI, (unsigned long long)w.sumVIp, (unsigned long long)w.sumVpI);
  for (k = 0; k < 4; k++) printf(" %u %u", w.edgeV[k], w.edgeI[k]);
  for (k = 0; k < w.crossingCount; k++) printf(" %d", w.crossingQ16[k]);
  for (k = 0; k < w.urmsCount; k++) printf(" %u %u", w.urmsMsQ8[k], w.urmsEndSample[k]);
  for (k = 0; k < MK_GROUPS; k++) printf(" %u", w.hVQ16[k]);
  for (k = 0; k < MK_GROUPS; k++) printf(" %u", w.hIQ16[k]);
  /* the struct's bytes (same compiler and ABI as the addon): the metering chain takes them back */
  printf(" ");
  for (k = 0; k < (int)sizeof w; k++) printf("%02x", ((const unsigned char *)&w)[k]);
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
