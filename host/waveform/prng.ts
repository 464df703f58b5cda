// Seeded pseudo-random numbers for reproducible test conditions.
// sfc32 (Chris Doty-Humphrey's "small fast counting" generator, PractRand-clean at 32 bits),
// seeded through splitmix32 so that neighbouring seeds give unrelated streams.

export interface Prng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal (mean 0, variance 1), Box–Muller. */
  gaussian(): number;
}

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export function createPrng(seed: number): Prng {
  if (!Number.isFinite(seed)) throw new Error(`prng seed must be a finite number, got ${seed}`);
  const st = { s: Math.floor(seed) | 0 };
  let a = splitmix32(st), b = splitmix32(st), c = splitmix32(st), d = splitmix32(st);
  let spare = NaN;
  function next(): number {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  }
  for (let k = 0; k < 12; k++) next();
  function uniform(): number {
    return next() / 4294967296;
  }
  function gaussian(): number {
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = NaN;
      return s;
    }
    // 1 - uniform() lies in (0, 1], so the log is finite.
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const th = 2 * Math.PI * uniform();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  }
  return { uniform, gaussian };
}
