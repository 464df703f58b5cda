/**
 * The meter's billing state as one fixed 128-byte record, the unit the FRAM ring stores
 * (billingStore.ts). In RAM the state IS the record's bytes, read and written through
 * typed-array views at aligned offsets (one native element access per field: a field
 * table walked in JavaScript cost the interpreter about 2 M instructions per write), so a
 * write is a sequence number, one native CRC and the transfer. Little-endian: the
 * Cortex-M3 and the hosts the tests run on are both little-endian, and `decodeRecord`
 * refuses a record whose magic reads the other way.
 *
 *   byte  type   field (view[index])
 *     0   u32    seq (u32[0])             +1 per write (136 years at one a second)
 *     4   u16    magic 0x4D4E, 6 u8 version 2
 *     7   u8     relay (bytes[7])         0 open, 1 closed, 255 never commanded
 *     8   8 f64  energy (f64[1..8])       importWh, exportWh, importVarh, exportVarh as
 *                                         MeterADC.getEnergy() gives them: milli, frac each
 *    72   u32    txEpoch (u32[18])        last persisted SecOC transmit epoch (0: none)
 *    76   u32    reserved (0)
 *    80   f64    rxSync (f64[10])         freshness of the last accepted sync request (-1: none)
 *    88   f64    aggEndS (f64[11])        UTC end of the last 10-minute aggregate, s (NaN: none)
 *    96   6 f32  agg (f32[24..29])        its vRmsV, iRmsA, pW, qVar, fHz, thdVPct
 *   120   u8     aggFlags (bytes[120])    bit 0 flagged (IEC 61000-4-30), bit 1 complete
 *   121   3 bytes reserved (0)
 *   124   u32    crc32 (u32[31])          of bytes 0..123 (CRC-32/ISO-HDLC, E.CRC32 on Espruino)
 */
export const RECORD_BYTES = 128;
export const CRC_AT = 124;
export const MAGIC = 0x4d4e;
export const VERSION = 2;
export const RELAY_UNKNOWN = 255;
/** Indexes: bytes[], u32[], f64[], f32[] (see the table above). */
export const B_RELAY = 7, U_SEQ = 0, F_ENERGY = 1, U_TX = 18, F_RX = 10, F_AGG_END = 11, G_AGG = 24, B_AGG_FLAGS = 120, U_CRC = 31;
/**
 * Energy registers in record order (types/meterAdc.d.ts EnergyState). The device
 * code spells them out where it needs them (a table of names held for good costs the meter
 * 12 JsVars; billingRecord.test.ts checks the order).
 */
export const REGISTERS = ["importWh", "exportWh", "importVarh", "exportVarh"];
/** Fields of the last 10-minute aggregate in record order (f32 each); the same. */
export const AGG_FIELDS = ["vRmsV", "iRmsA", "pW", "qVar", "fHz", "thdVPct"];

export type Crc32 = (bytes: Uint8Array) => number;

/**
 * A record's bytes with views on them. The f32 view (the aggregate, written every 10
 * minutes) is made when needed, `aggOf(r)`: held in both of the meter's records it was 4
 * JsVars for good.
 */
export class Record {
  readonly bytes = new Uint8Array(RECORD_BYTES);
  readonly u32 = new Uint32Array(this.bytes.buffer);
  readonly f64 = new Float64Array(this.bytes.buffer);

  /** An empty state: sequence 0, relay never commanded, no epoch, no sync, no aggregate. */
  constructor() {
    this.bytes[4] = MAGIC & 255;
    this.bytes[5] = MAGIC >> 8;
    this.bytes[6] = VERSION;
    this.bytes[B_RELAY] = RELAY_UNKNOWN;
    this.f64[F_RX] = -1;
    this.f64[F_AGG_END] = NaN;
  }

  /** Sets the CRC over bytes 0..123. */
  seal(crc32: Crc32): void {
    this.u32[U_CRC] = crc32(new Uint8Array(this.bytes.buffer, 0, CRC_AT)) >>> 0;
  }
}

/** The record's f32 view (G_AGG...: the last 10-minute aggregate), a new view on its bytes. */
export function aggOf(r: Record): Float32Array {
  return new Float32Array(r.bytes.buffer);
}

/**
 * Copies `buf` into `r` when it is a whole record: magic, version and CRC right, every
 * register a whole milli >= 0 with a frac in [0, 1) (what MeterADC.setEnergy accepts).
 * False (r unchanged) otherwise.
 */
export function decodeRecord(buf: Uint8Array, r: Record, crc32: Crc32): boolean {
  if (buf.length !== RECORD_BYTES || buf[4] !== (MAGIC & 255) || buf[5] !== MAGIC >> 8 || buf[6] !== VERSION) return false;
  const c = new Record();
  c.bytes.set(buf);
  if ((crc32(new Uint8Array(c.bytes.buffer, 0, CRC_AT)) >>> 0) !== c.u32[U_CRC]) return false;
  for (let i = F_ENERGY; i < F_ENERGY + 8; i += 2) {
    const m = c.f64[i], f = c.f64[i + 1];
    if (!(m >= 0 && m <= 9007199254740992 && Math.floor(m) === m && f >= 0 && f < 1)) return false;
  }
  r.bytes.set(buf);
  return true;
}
