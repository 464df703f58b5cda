/*
 * harmonicFft: the window's spectrum. In-place int16 real FFT with block floating
 * point (N/2-point complex radix-4 FFT plus the split step) and the IEC 61000-4-7
 * harmonic groups 1..50 from its bins. Pure C99, no allocation; used by meterKernel
 * at the end of each window. Choices and cost: README.md (Fixed point, Cost).
 */
#ifndef HARMONIC_FFT_H
#define HARMONIC_FFT_H
#include <stdint.h>
#include "meterKernel.h"

/* buf: n resampled points (n = 2^log2n = 1024 or 2048, the kernel's window sizes) that
 * span exactly `cycles` periods (even, 50 cycles + cycles/2 < n/2), in LSB x 8, any
 * int16 (block floating point: no overflow even at -32768 / 32767); destroyed (the
 * FFT runs in place).
 * out[1..50]: rms of harmonic group 1..50 in LSB, Q16; out[0] = 0 (the caller takes
 * DC from its exact sums). */
void mk_harmonic_groups(int16_t *buf, uint32_t n, uint32_t log2n, uint32_t cycles, uint32_t out[MK_GROUPS]);

#endif
