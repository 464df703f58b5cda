/**
 * The meter's billing state as one fixed 128-byte record (little-endian), the unit the
 * FRAM ring stores (billingStore.ts). Every field has a fixed offset, so a record is
 * read back without parsing, and a CRC-32 over bytes 0..123 tells a whole record from a
 * torn or never-written one. In RAM the state is one Float64Array of FIELDS values
 * (index constants below), so copying and comparing are one loop.
 *
 *   byte  type  field (index)
 *     0   u32   seq (S_SEQ)          record sequence number, +1 per write (136 years at 1/s)
 *     4   u16   magic 0x4D4E, 6 u8 version 1
 *     7   u8    relay (S_RELAY)      0 open, 1 closed, 255 never commanded
 *     8   8 f64 energy (S_ENERGY..)  importWh, exportWh, importVarh, exportVarh as
 *                                    MeterADC.getEnergy() gives them: milli, frac each
 *    72   u32   txEpoch (S_TX)       last persisted SecOC transmit epoch (0: none yet)
 *    76   f64   rxSync (S_RX)        freshness of the last accepted sync request (-1: none)
 *    84   f64   aggEndS (S_AGG_END)  UTC end of the last 10-minute aggregate, s (NaN: none)
 *    92   6 f32 agg (S_AGG..)        its vRmsV, iRmsA, pW, qVar, fHz, thdVPct
 *   116   u8    aggFlags (S_AGG_FLAGS) bit 0 flagged (IEC 61000-4-30), bit 1 complete
 *   117   7 bytes reserved (0)
 *   124   u32   crc32 of bytes 0..123 (CRC-32/ISO-HDLC, E.CRC32 on Espruino)
 */
export const RECORD_BYTES = 128;
export const CRC_AT = 124;
export const MAGIC = 0x4d4e;
export const VERSION = 1;
export const RELAY_UNKNOWN = 255;
export const S_SEQ = 0, S_RELAY = 1, S_ENERGY = 2, S_TX = 10, S_RX = 11, S_AGG_END = 12, S_AGG = 13, S_AGG_FLAGS = 19, FIELDS = 20;
/** Energy registers in record order (types/meterAdc.d.ts EnergyState). */
export const REGISTERS = ["importWh", "exportWh", "importVarh", "exportVarh"];
/** Fields of the last 10-minute aggregate in record order (f32 each). */
export const AGG_FIELDS = ["vRmsV", "iRmsA", "pW", "qVar", "fHz", "thdVPct"];
/** Byte offset and type (u: u32, b: u8, d: f64, f: f32) of each field. */
const AT = new Uint8Array([0, 7, 8, 16, 24, 32, 40, 48, 56, 64, 72, 76, 84, 92, 96, 100, 104, 108, 112, 116]);
const TYPE = "ubddddddddudd" + "ffffff" + "b";

export type Crc32 = (bytes: Uint8Array) => number;

/** A state with nothing in it: sequence 0, relay never commanded, no epoch, no sync, no aggregate. */
export function emptyState(): Float64Array {
  const s = new Float64Array(FIELDS);
  s[S_RELAY] = RELAY_UNKNOWN;
  s[S_RX] = -1;
  s[S_AGG_END] = NaN;
  return s;
}

/** Writes state `s` into `buf` (RECORD_BYTES) with its CRC. */
export function encodeRecord(s: Float64Array, buf: Uint8Array, crc32: Crc32): void {
  const d = new DataView(buf.buffer, buf.byteOffset, RECORD_BYTES);
  buf.fill(0);
  d.setUint16(4, MAGIC, true);
  d.setUint8(6, VERSION);
  for (let i = 0; i < FIELDS; i++) {
    const t = TYPE[i], o = AT[i], v = s[i];
    if (t === "u") d.setUint32(o, v, true);
    else if (t === "d") d.setFloat64(o, v, true);
    else if (t === "f") d.setFloat32(o, v, true);
    else d.setUint8(o, v);
  }
  d.setUint32(CRC_AT, crc32(new Uint8Array(buf.buffer, buf.byteOffset, CRC_AT)) >>> 0, true);
}

/**
 * Reads a record into `s`; false (s unchanged) when the magic, version, CRC or a value
 * is wrong: a register that is not a whole milli >= 0 with a frac in [0, 1), which
 * MeterADC.setEnergy would refuse, is never restored.
 */
export function decodeRecord(buf: Uint8Array, s: Float64Array, crc32: Crc32): boolean {
  const d = new DataView(buf.buffer, buf.byteOffset, RECORD_BYTES);
  if (d.getUint16(4, true) !== MAGIC || d.getUint8(6) !== VERSION) return false;
  if ((crc32(new Uint8Array(buf.buffer, buf.byteOffset, CRC_AT)) >>> 0) !== d.getUint32(CRC_AT, true)) return false;
  const v = new Float64Array(FIELDS);
  for (let i = 0; i < FIELDS; i++) {
    const t = TYPE[i], o = AT[i];
    v[i] = t === "u" ? d.getUint32(o, true) : t === "d" ? d.getFloat64(o, true) : t === "f" ? d.getFloat32(o, true) : d.getUint8(o);
  }
  for (let i = S_ENERGY; i < S_TX; i += 2) {
    const m = v[i], f = v[i + 1];
    if (!(m >= 0 && m <= 9007199254740992 && Math.floor(m) === m && f >= 0 && f < 1)) return false;
  }
  s.set(v);
  return true;
}
