/**
 * In-place radix-2 complex FFT with Espruino's conventions (src/jswrap_espruino.c,
 * after Paul Bourke's routine): the FORWARD transform is scaled by 1/n and the
 * inverse is not, so a unit cosine at bin k gives 0.5 at bins k and n-k.
 * Arithmetic is in float32 storage, as Espruino's non-SAVE_ON_FLASH_MATH builds do.
 * `re` and `im` must have the same power-of-two length.
 */
export function fftInPlace(re: Float32Array | Float64Array, im: Float32Array | Float64Array, inverse: boolean): void {
  const n = re.length;
  if (im.length !== n || (n & (n - 1)) !== 0) throw new RangeError("fftInPlace needs equal power-of-two lengths");
  // bit-reversal permutation
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
  const sign = inverse ? 1 : -1;
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    const step = (sign * 2 * Math.PI) / len;
    for (let k = 0; k < half; k++) {
      const wr = Math.cos(step * k);
      const wi = Math.sin(step * k);
      for (let s = k; s < n; s += len) {
        const t = s + half;
        const tr = wr * re[t] - wi * im[t];
        const ti = wr * im[t] + wi * re[t];
        re[t] = re[s] - tr;
        im[t] = im[s] - ti;
        re[s] += tr;
        im[s] += ti;
      }
    }
  }
  if (!inverse) {
    for (let i = 0; i < n; i++) {
      re[i] /= n;
      im[i] /= n;
    }
  }
}
