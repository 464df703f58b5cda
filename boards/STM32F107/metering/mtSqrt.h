/*
 * Square root, correctly rounded (IEEE 754 round-to-nearest), in integer arithmetic.
 * Why: the Cortex-M3 has no FPU and newlib's soft-double sqrt works bit by bit (about
 * 940 instructions, measured under QEMU); the chain takes about 100 square roots per
 * window. A correctly rounded result is the one IEEE sqrt gives, so the readings stay
 * bit-identical to the host's (x86 sqrtsd, V8's Math.sqrt). Arguments that are not
 * positive normal numbers (0, subnormal, negative, infinite, NaN) go to libm's sqrt.
 */
#ifndef MT_SQRT_H
#define MT_SQRT_H

double mt_sqrt(double x);

#endif
