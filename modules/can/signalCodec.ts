/**
 * Table-driven signal packing with DBC semantics, so the TypeScript codec and
 * meternet.dbc read the same numbers (units, OBIS codes and comments live in
 * messageDocs.ts, which the device never loads): `startBit` is the DBC start bit (Intel: the
 * least significant bit; Motorola: the most significant bit, in DBC's sawtooth bit
 * numbering), physical = raw * factor + offset.
 *
 * Works on up to 48-bit raw values with arithmetic, not 32-bit bitwise operators.
 * Bits are moved a byte-chunk at a time: at most 6 steps for the widest signal.
 * Module initialisation fills a 49-entry table of powers of two (see POW2).
 */
export interface SignalDef {
  name: string;
  startBit: number;
  length: number;
  /** true: Intel (DBC @1); false: Motorola (DBC @0). */
  littleEndian: boolean;
  signed: boolean;
  factor: number;
  offset: number;
}

/** 2^n for n = 0..48: a table lookup is much cheaper than a call on Espruino. */
const POW2 = new Float64Array(49);
POW2[0] = 1;
for (let i = 1; i < 49; i++) POW2[i] = POW2[i - 1] * 2;

function rawMin(s: SignalDef): number {
  return s.signed ? -POW2[s.length - 1] : 0;
}

function rawMax(s: SignalDef): number {
  return s.signed ? POW2[s.length - 1] - 1 : POW2[s.length] - 1;
}

/** Smallest and largest raw value of the signal. */
export function rawRange(s: SignalDef): { min: number; max: number } {
  return { min: rawMin(s), max: rawMax(s) };
}

/** Physical value to raw, rounded to the nearest step and saturated at the raw range. */
export function physToRaw(s: SignalDef, phys: number): number {
  if (phys !== phys) return 0; // NaN: no reading
  const raw = Math.round((phys - s.offset) / s.factor);
  const span = POW2[s.length];
  const lo = s.signed ? -span / 2 : 0;
  const hi = (s.signed ? span / 2 : span) - 1;
  return raw < lo ? lo : raw > hi ? hi : raw;
}

export function rawToPhys(s: SignalDef, raw: number): number {
  return raw * s.factor + s.offset;
}

/**
 * Writes `raw` (already in range) into `bytes`; other bits of `bytes` are kept.
 * Byte-aligned signals (the common case) are moved a whole byte per step.
 */
export function packRaw(bytes: Uint8Array, s: SignalDef, raw: number): void {
  let u = raw < 0 ? raw + POW2[s.length] : raw;
  let remaining = s.length;
  let pos = s.startBit;
  if (s.littleEndian) {
    while (remaining > 0) {
      const bit = pos % 8;
      const n = remaining < 8 - bit ? remaining : 8 - bit;
      const chunk = u % POW2[n];
      const i = (pos - bit) / 8;
      bytes[i] = (bytes[i] & ~((POW2[n] - 1) << bit)) | (chunk << bit);
      u = (u - chunk) / POW2[n];
      remaining -= n;
      pos += n;
    }
  } else {
    while (remaining > 0) {
      const bit = pos % 8;
      const n = remaining < bit + 1 ? remaining : bit + 1;
      const chunk = Math.floor(u / POW2[remaining - n]) % POW2[n];
      const i = (pos - bit) / 8;
      const low = bit - n + 1;
      bytes[i] = (bytes[i] & ~((POW2[n] - 1) << low)) | (chunk << low);
      remaining -= n;
      pos = (i + 1) * 8 + 7;
    }
  }
}

export function unpackRaw(bytes: Uint8Array, s: SignalDef): number {
  let u = 0;
  let remaining = s.length;
  let pos = s.startBit;
  if (s.littleEndian) {
    let scale = 1;
    while (remaining > 0) {
      const bit = pos % 8;
      const n = remaining < 8 - bit ? remaining : 8 - bit;
      const chunk = (bytes[(pos - bit) / 8] >> bit) & (POW2[n] - 1);
      u += chunk * scale;
      scale *= POW2[n];
      remaining -= n;
      pos += n;
    }
  } else {
    while (remaining > 0) {
      const bit = pos % 8;
      const n = remaining < bit + 1 ? remaining : bit + 1;
      const i = (pos - bit) / 8;
      const chunk = (bytes[i] >> (bit - n + 1)) & (POW2[n] - 1);
      u = u * POW2[n] + chunk;
      remaining -= n;
      pos = (i + 1) * 8 + 7;
    }
  }
  if (s.signed && u >= POW2[s.length - 1]) u -= POW2[s.length];
  return u;
}

/** Bit positions (0..63, byte*8 + bit) a signal occupies: for layout checks. */
export function signalBits(s: SignalDef): number[] {
  const out: number[] = [];
  let pos = s.startBit;
  for (let k = 0; k < s.length; k++) {
    out.push(pos);
    if (s.littleEndian) pos++;
    else pos = pos % 8 === 0 ? pos + 15 : pos - 1;
  }
  return out;
}
