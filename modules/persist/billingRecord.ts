/**
 * The meter's billing state as one fixed 128-byte record (little-endian), the unit the
 * FRAM ring stores (billingStore.ts). Every field has a fixed offset, so a record is
 * read back without parsing, and a CRC-32 over bytes 0..123 tells a whole record from a
 * torn or never-written one.
 *
 *   0  u32  seq            record sequence number, +1 per write (136 years at 1 write/s)
 *   4  u16  magic 0x4D4E   "NM" read as bytes: a record of this layout
 *   6  u8   version 1
 *   7  u8   relay          0 open, 1 closed, 255 never commanded
 *   8  8 x f64             energy registers as MeterADC.getEnergy() gives them:
 *                          importWh, exportWh, importVarh, exportVarh, each {milli, frac}
 *  72  u32  txEpoch        last persisted SecOC transmit epoch (0: none yet)
 *  76  f64  rxSync         freshness of the last accepted sync request (-1: none)
 *  84  f64  aggEndS        UTC end of the last 10-minute aggregate, s (NaN: none)
 *  92  6 x f32             its vRmsV, iRmsA, pW, qVar, fHz, thdVPct
 * 116  u8   aggFlags       bit 0 flagged (IEC 61000-4-30), bit 1 complete
 * 117  7 bytes reserved (0)
 * 124  u32  crc32         of bytes 0..123 (CRC-32/ISO-HDLC, E.CRC32 on Espruino)
 */
export const RECORD_BYTES = 128;
export const CRC_AT = 124;
export const MAGIC = 0x4d4e;
export const VERSION = 1;
export const RELAY_UNKNOWN = 255;
/** Energy registers in record order (types/meterAdc.d.ts EnergyState). */
export const REGISTERS = ["importWh", "exportWh", "importVarh", "exportVarh"];
/** Fields of the last 10-minute aggregate in record order (f32 each). */
export const AGG_FIELDS = ["vRmsV", "iRmsA", "pW", "qVar", "fHz", "thdVPct"];

export type Crc32 = (bytes: Uint8Array) => number;

/** The state a record holds, in RAM: plain numbers and one Float64Array per group. */
export class BillingState {
  seq = 0;
  relay = RELAY_UNKNOWN;
  /** milli, frac of each register in REGISTERS order. */
  energy = new Float64Array(8);
  txEpoch = 0;
  rxSync = -1;
  aggEndS = NaN;
  agg = new Float64Array(6);
  aggFlags = 0;

  copyFrom(o: BillingState): void {
    this.seq = o.seq;
    this.relay = o.relay;
    this.energy.set(o.energy);
    this.txEpoch = o.txEpoch;
    this.rxSync = o.rxSync;
    this.aggEndS = o.aggEndS;
    this.agg.set(o.agg);
    this.aggFlags = o.aggFlags;
  }
}

/** Writes `s` into `buf` (RECORD_BYTES) with its CRC. */
export function encodeRecord(s: BillingState, buf: Uint8Array, crc32: Crc32): void {
  const d = new DataView(buf.buffer, buf.byteOffset, RECORD_BYTES);
  buf.fill(0);
  d.setUint32(0, s.seq, true);
  d.setUint16(4, MAGIC, true);
  d.setUint8(6, VERSION);
  d.setUint8(7, s.relay);
  for (let i = 0; i < 8; i++) d.setFloat64(8 + 8 * i, s.energy[i], true);
  d.setUint32(72, s.txEpoch, true);
  d.setFloat64(76, s.rxSync, true);
  d.setFloat64(84, s.aggEndS, true);
  for (let i = 0; i < 6; i++) d.setFloat32(92 + 4 * i, s.agg[i], true);
  d.setUint8(116, s.aggFlags);
  d.setUint32(CRC_AT, crc32(new Uint8Array(buf.buffer, buf.byteOffset, CRC_AT)) >>> 0, true);
}

/**
 * Reads a record into `s`; false (s unchanged) when the magic, version, CRC or a value
 * is wrong: a register that is not a whole milli >= 0 with a frac in [0, 1), which
 * MeterADC.setEnergy would refuse, is never restored.
 */
export function decodeRecord(buf: Uint8Array, s: BillingState, crc32: Crc32): boolean {
  const d = new DataView(buf.buffer, buf.byteOffset, RECORD_BYTES);
  if (d.getUint16(4, true) !== MAGIC || d.getUint8(6) !== VERSION) return false;
  if ((crc32(new Uint8Array(buf.buffer, buf.byteOffset, CRC_AT)) >>> 0) !== d.getUint32(CRC_AT, true)) return false;
  for (let i = 0; i < 8; i += 2) {
    const m = d.getFloat64(8 + 8 * i, true), f = d.getFloat64(16 + 8 * i, true);
    if (!(m >= 0 && m <= 9007199254740992 && Math.floor(m) === m && f >= 0 && f < 1)) return false;
  }
  s.seq = d.getUint32(0, true);
  s.relay = d.getUint8(7);
  for (let i = 0; i < 8; i++) s.energy[i] = d.getFloat64(8 + 8 * i, true);
  s.txEpoch = d.getUint32(72, true);
  s.rxSync = d.getFloat64(76, true);
  s.aggEndS = d.getFloat64(84, true);
  for (let i = 0; i < 6; i++) s.agg[i] = d.getFloat32(92 + 4 * i, true);
  s.aggFlags = d.getUint8(116);
  return true;
}
