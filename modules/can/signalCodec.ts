/**
 * Table-driven signal packing with DBC semantics, so the TypeScript codec and
 * meternet.dbc read the same numbers (units, OBIS codes and comments live in
 * messageDocs.ts, which the device never loads): `startBit` is the DBC start bit (Intel: the
 * least significant bit; Motorola: the most significant bit, in DBC's sawtooth bit
 * numbering), physical = raw * factor + offset.
 *
 * Works on up to 48-bit raw values with arithmetic, not 32-bit bitwise operators.
 * Bits are moved a byte-chunk at a time: at most 6 steps for the widest signal.
 * Powers of two come from pow2 (exact doubles up to 2^48).
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

/**
 * 2^n for n = 0..48, exact (repeated doubling; Math.pow is not exact on Espruino). Not a
 * table: the meter encodes in JavaScript only its rare messages (alarm, acknowledgement,
 * sync response: the C encodes the polled ones), and a 49-entry table held for good cost
 * it 34 JsVars (measured on 2v29).
 */
function pow2(n: number): number {
  let p = 1;
  for (let i = 0; i < n; i++) p *= 2;
  return p;
}

function rawMin(s: SignalDef): number {
  return s.signed ? -pow2(s.length - 1) : 0;
}

function rawMax(s: SignalDef): number {
  return s.signed ? pow2(s.length - 1) - 1 : pow2(s.length) - 1;
}

/** Smallest and largest raw value of the signal. */
export function rawRange(s: SignalDef): { min: number; max: number } {
  return { min: rawMin(s), max: rawMax(s) };
}

/** Physical value to raw, rounded to the nearest step and saturated at the raw range. */
export function physToRaw(s: SignalDef, phys: number): number {
  if (phys !== phys) return 0; // NaN: no reading
  const raw = Math.round((phys - s.offset) / s.factor);
  const span = pow2(s.length);
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
  let u = raw < 0 ? raw + pow2(s.length) : raw;
  let remaining = s.length;
  let pos = s.startBit;
  if (s.littleEndian) {
    while (remaining > 0) {
      const bit = pos % 8;
      const n = remaining < 8 - bit ? remaining : 8 - bit;
      const chunk = u % pow2(n);
      const i = (pos - bit) / 8;
      bytes[i] = (bytes[i] & ~((pow2(n) - 1) << bit)) | (chunk << bit);
      u = (u - chunk) / pow2(n);
      remaining -= n;
      pos += n;
    }
  } else {
    while (remaining > 0) {
      const bit = pos % 8;
      const n = remaining < bit + 1 ? remaining : bit + 1;
      const chunk = Math.floor(u / pow2(remaining - n)) % pow2(n);
      const i = (pos - bit) / 8;
      const low = bit - n + 1;
      bytes[i] = (bytes[i] & ~((pow2(n) - 1) << low)) | (chunk << low);
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
      const chunk = (bytes[(pos - bit) / 8] >> bit) & (pow2(n) - 1);
      u += chunk * scale;
      scale *= pow2(n);
      remaining -= n;
      pos += n;
    }
  } else {
    while (remaining > 0) {
      const bit = pos % 8;
      const n = remaining < bit + 1 ? remaining : bit + 1;
      const i = (pos - bit) / 8;
      const chunk = (bytes[i] >> (bit - n + 1)) & (pow2(n) - 1);
      u = u * pow2(n) + chunk;
      remaining -= n;
      pos = (i + 1) * 8 + 7;
    }
  }
  if (s.signed && u >= pow2(s.length - 1)) u -= pow2(s.length);
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
