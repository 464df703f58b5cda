/* Cost of the meter kernel in Cortex-M3 instructions, run under
 * qemu-system-arm -M lm3s6965evb -icount (see cycleClock.h for the clock).
 * Feeds FS pairs (12.8 kHz unless -DFS=...) in 64-pair DMA half-buffers (5 ms), a
 * 230 V-like voltage with 8 % THD and a phase-shifted distorted current plus 0.5 LSB
 * noise, and times each mk_feed_pairs call. Blocks in which a window ends carry that
 * window's resampling tail, two FFTs (1024 or 2048 points) and the groups. Prints
 * key=value lines for main.ts. */
#include <stdio.h>
#include <string.h>

#include "meterKernel.h"
#include "test/m3/cycleClock.h"
#include "test/testSignal.h"
#include "mtChain.h"

#ifndef FS
#define FS 12800u
#endif
#ifndef NOMINAL
#define NOMINAL 50
#endif
#ifndef SIGNAL_HZ
#define SIGNAL_HZ 49.7
#endif
#define BLOCK 64u
#define SECONDS 4u

static mk_kernel_t kern;
static sig_t sig;
static mt_chain_t chain;

int main(void) {
  static uint16_t block[2 * BLOCK];
  mk_config_t c;
  mk_window_t w;
  uint32_t t0, t1, calib;
  uint64_t sampleTicks = 0, windowTicks = 0, worst = 0, worstWindow = 0, chainTicks = 0, chainWorst = 0;
  uint32_t chainWindows = 0;
  mt_chain_config_t mc;
  uint32_t sampleBlocks = 0, windowBlocks = 0, blocks = FS * SECONDS / BLOCK, b, windows = 0;
  const uint32_t loops = 1000000u;
  double ticksPerInsn;

  clock_start();
  t0 = clock_now();
  clock_known_loop(loops);
  t1 = clock_now();
  calib = clock_elapsed(t0, t1);
  ticksPerInsn = (double)calib / (4.0 * loops);
  printf("calibration ticks=%lu for %lu instructions\n", (unsigned long)calib, (unsigned long)(4u * loops));

  memset(&c, 0, sizeof c);
  c.sampleRateHz = FS;
  c.nominalHz = NOMINAL;
  c.vMidLsb = 1862;
  mk_init(&kern, &c);
  memset(&mc, 0, sizeof mc);
  mc.cal.v.unitPerLsb = -0.35;
  mc.cal.v.zeroLsb = 1861.8;
  mc.cal.v.noiseLsb2 = 0.33;
  mc.cal.i.unitPerLsb = -0.023;
  mc.cal.i.zeroLsb = 1861.8;
  mc.cal.i.noiseLsb2 = 0.33;
  mc.cal.frontEndHz = 10000;
  mc.declaredV = 230;
  mc.utcAtStartS = 1.7e9;
  mc.startRateHz = FS;
  mc.nominalHz = NOMINAL;
  mc.regrid = 1;
  mc.retune = 1;
  mt_chain_init(&chain, &mc);
  sig_init(&sig, FS, SIGNAL_HZ, 1862, 2048, 0.5);
  sig_add(&sig, 0, 1, 931, 0);
  sig_add(&sig, 0, 3, 931 * 0.0358, 0.3);
  sig_add(&sig, 0, 5, 931 * 0.0358, 1.3);
  sig_add(&sig, 0, 7, 931 * 0.0358, 2.3);
  sig_add(&sig, 0, 11, 931 * 0.0358, 0.7);
  sig_add(&sig, 0, 39, 931 * 0.0358, 1.9);
  sig_add(&sig, 1, 1, 1500, -0.6);
  sig_add(&sig, 1, 3, 300, 0.1);
  for (b = 0; b < blocks; b++) {
    int before, after;
    uint64_t d;
    sig_gen(&sig, block, BLOCK);
    before = (int)(kern.qHead - kern.qTail);
    t0 = clock_now();
    mk_feed_pairs(&kern, block, BLOCK);
    t1 = clock_now();
    after = (int)(kern.qHead - kern.qTail);
    d = clock_elapsed(t0, t1);
    while (mk_take_window(&kern, &w)) {
      /* the metering chain, as the binding runs it on each window (reference calibration) */
      static const mt_sink_t none = {0, 0, 0, 0};
      uint32_t m0 = clock_now();
      mt_chain_process(&chain, &w, FS, 0, &none);
      uint32_t m = clock_elapsed(m0, clock_now());
      if (windows >= 2) {
        chainTicks += m;
        chainWindows++;
        if (m > chainWorst) chainWorst = m;
      }
      windows++;
    }
    if (b < 2u * FS / 5u / BLOCK) continue; /* skip the first 0.4 s: seek and first window */
    if (after > before) {
      windowTicks += d;
      windowBlocks++;
      if (d > worstWindow) worstWindow = d;
    } else {
      sampleTicks += d;
      sampleBlocks++;
      if (d > worst) worst = d;
    }
  }
  {
    double perSample = sampleTicks / ticksPerInsn / ((double)sampleBlocks * BLOCK);
    double perWindow = windowBlocks ? (windowTicks / ticksPerInsn - (double)windowBlocks * BLOCK * perSample) / windowBlocks : 0;
    printf("sampleRateHz=%u\n", FS);
    printf("nominalHz=%u\n", (unsigned)NOMINAL);
    printf("signalHz=%.2f\n", SIGNAL_HZ);
    printf("fftN=%u\n", (unsigned)kern.fftN);
    printf("blockPairs=%u\n", BLOCK);
    printf("windows=%lu\n", (unsigned long)windowBlocks);
    printf("insnPerPair=%.1f\n", perSample);
    printf("insnPerWindowExtra=%.0f\n", perWindow);
    printf("insnWorstPlainBlock=%.0f\n", worst / ticksPerInsn);
    printf("insnWorstWindowBlock=%.0f\n", worstWindow / ticksPerInsn);
    printf("kernelRamBytes=%u\n", (unsigned)sizeof(mk_kernel_t));
    printf("windowBytes=%u\n", (unsigned)sizeof(mk_window_t));
    printf("insnPerWindowMetering=%.0f\n", chainWindows ? chainTicks / ticksPerInsn / chainWindows : 0);
    printf("insnWorstWindowMetering=%.0f\n", chainWorst / ticksPerInsn);
    printf("meteringRamBytes=%u\n", (unsigned)sizeof(mt_chain_t));
  }
  return 0;
}
