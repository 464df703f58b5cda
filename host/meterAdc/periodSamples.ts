/**
 * Test helper: least-squares slope of a raw window's crossings against their cycle
 * number, samples per cycle (fs / slope = the window's frequency). The meter's own
 * frequency is the C chain's (boards/STM32F107/metering/mtReading.c); tests of the raw
 * 'window' event use this to look at the kernel's crossings directly.
 */
export function periodSamples(c: ArrayLike<number>, count: number): number {
  const km = (count - 1) / 2;
  let cm = 0;
  for (let k = 0; k < count; k++) cm += c[k]!;
  cm /= count;
  let num = 0;
  let den = 0;
  for (let k = 0; k < count; k++) {
    num += (k - km) * (c[k]! - cm);
    den += (k - km) * (k - km);
  }
  return num / den;
}
