/**
 * The aggregator's meter list on its SPI NOR (issue 16, boards/STM32F107/README.md
 * "Configuration at 64 meters"): written by `npm run upload -- --role aggregator`
 * (host/cli/uploadMeters.ts) and the simulator, read once at boot into the registry's
 * typed arrays one 48-byte record at a time. So the 64-meter list (about 9 KB of JSON in
 * agg.json and meternet.json before) takes no internal Storage, and boot parses no JSON
 * list of 64 objects; the secrets and site settings stay in Storage's agg.json
 * (read-protectable internal flash).
 *
 * One sector, the flash map's "meters" area (tools/firmware/flashMap.ts norAreas; at
 * NOR_METERS_BASE, norMap.test.ts checks it):
 *   page 0, the header: "MNM1", the count n (0..64), ~n (its complement);
 *   from byte 256 (page 1), n records of 48 bytes:
 *     0 address, 1 keyId, 2 flags (1 relay, 2 maxPriceMc given, 4 minRenewPct given),
 *     3 priority, 4-7 maxPriceMc (Int32 LE), 8 minRenewPct, 9-43 name "\n" household
 *     "\n" (latin1, 0-padded: 33 characters for both), 44-47 CRC-32 of bytes 0-43 (LE).
 *
 * A torn write: the upload zeroes the old header's magic, erases the sector, programs
 * the records, then the header (one page program, last), and reads it all back. A cut
 * in the zeroing leaves the old list whole or void (its magic half cleared); a cut
 * after it and before the header is complete leaves no header: the aggregator boots
 * with no meter and says to run the upload again. A cut in the erase cannot leave the
 * old header standing over half-erased records (it was voided first), and a cut in the
 * header's program leaves bits of it unprogrammed (1), which the magic or the count's
 * complement shows (a count with a bit left at 1 and its complement cannot still add up
 * to 255). So the list read is the old one whole, the new one whole, or none; never a
 * part (host/cli/uploadMeters.test.ts cuts at every program and erase). The old list is
 * not kept through a cut upload (one sector, not a pair: the list is written only by an
 * attended upload, which reports the failure). A record whose CRC fails (a bit the part
 * lost) is said and left out, the others are read.
 *
 * Older setups: agg.json's "site.meters" list is still read (siteConfig.ts) and, when it
 * has meters, the NOR list is not read (app/aggregator/main.ts).
 */
import type { NorPort } from "../ports/nor";
import type { LogLine } from "../ports/log";
import { Registry, type MeterInfo } from "./registry";
import { METERS_PER_BUS } from "../can/idPlan";
import { crc32 } from "../persist/crc32";

/** The flash map's "meters" area: the sector after the history (norMap.test.ts checks it). */
export const NOR_METERS_BASE = 0x130000;
export const METER_LIST_MAGIC = "MNM1";
/** Record 0's offset in the sector: page 1 (the header has page 0, programmed last). */
export const METER_RECORDS_AT = 256;
export const METER_RECORD_BYTES = 48;
/** Characters of name and household together (record bytes 9-43, less their two newlines). */
export const METER_TEXT_BYTES = 33;
/** Largest list: the identifier plan's meters (64 records end at 256 + 3 072 < 4 096). */
export const METER_LIST_MAX = METERS_PER_BUS;
/** What writes the list (the boot's advice). */
export const METERS_UPLOAD = "npm run upload -- --role aggregator";

/**
 * CRC-32 of a record whose last 4 bytes are the CRC-32 of the rest (little-endian): the
 * CRC's residue, the same for every such record, so the reader checks a record with one
 * CRC and one compare.
 */
export const CRC32_RESIDUE = 0x2144df1c;

/**
 * Reads the list on `nor` into `reg` (Registry.add: its checks apply), one record at a
 * time; returns the meters added, or -1 when there is no list (said through `log`).
 * crc: CRC-32 of bytes (E.CRC32); str: bytes to a one-char-per-byte string (E.toString).
 * No inner function: inlined into the boot code, nothing of it stays resident.
 */
export function readMeterList(nor: NorPort, reg: Registry, crc: (b: Uint8Array) => number, str: (b: Uint8Array) => string, log: LogLine): number {
  const h = nor.read(NOR_METERS_BASE, 6);
  if (str(h.subarray(0, 4)) !== METER_LIST_MAGIC || (h[4] ^ h[5]) !== 255) {
    log("meters: no list on the NOR: " + METERS_UPLOAD);
    return -1;
  }
  let added = 0;
  for (let i = 0; i < h[4]; i++) {
    const r = nor.read(NOR_METERS_BASE + METER_RECORDS_AT + i * METER_RECORD_BYTES, METER_RECORD_BYTES);
    const t = str(r.subarray(9, 44)).split("\n");
    try {
      if (crc(r) !== CRC32_RESIDUE) throw new Error("CRC");
      reg.add({
        address: r[0], keyId: r[1], hasRelay: (r[2] & 1) > 0, priority: r[3],
        maxPriceMc: r[2] & 2 ? r[4] | r[5] << 8 | r[6] << 16 | r[7] << 24 : undefined,
        minRenewPct: r[2] & 4 ? r[8] : undefined,
        name: t[0], household: t[1],
      });
      added++;
    } catch (e) {
      log("meters: record " + i + " left out: " + ((e as Error).message || e));
    }
  }
  log("meters: " + added + " from the NOR");
  return added;
}

/**
 * The sector's bytes for `meters` (host: the upload and the simulator), header and
 * records; the part past the last record stays erased. Throws, naming the meter, when
 * the aggregator would refuse one (Registry.add's checks with room for `maxMeters`),
 * when a field does not fit its bytes, or when there are more than 64.
 */
export function meterListImage(meters: MeterInfo[], maxMeters: number): { header: Uint8Array; records: Uint8Array } {
  if (meters.length > METER_LIST_MAX) throw new Error(meters.length + " meters: at most " + METER_LIST_MAX + " (the CAN identifier plan)");
  const trial = new Registry(maxMeters);
  const records = new Uint8Array(meters.length * METER_RECORD_BYTES);
  for (let i = 0; i < meters.length; i++) {
    const m = meters[i];
    const who = "meter " + m.address + ": ";
    trial.add(m);
    if (m.minRenewPct !== undefined && !(m.minRenewPct >= 0 && m.minRenewPct <= 100 && Math.floor(m.minRenewPct) === m.minRenewPct)) throw new Error(who + "minRenewPct must be a whole 0..100");
    const text = String(m.name) + "\n" + String(m.household) + "\n";
    if (text.length - 2 > METER_TEXT_BYTES) throw new Error(who + "name and household take " + (text.length - 2) + " characters, at most " + METER_TEXT_BYTES + " together fit its record");
    const r = records.subarray(i * METER_RECORD_BYTES, (i + 1) * METER_RECORD_BYTES);
    r[0] = m.address;
    r[1] = m.keyId;
    r[2] = (m.hasRelay ? 1 : 0) | (m.maxPriceMc !== undefined ? 2 : 0) | (m.minRenewPct !== undefined ? 4 : 0);
    r[3] = m.priority;
    const p = m.maxPriceMc ?? 0;
    r[4] = p; r[5] = p >> 8; r[6] = p >> 16; r[7] = p >> 24;
    r[8] = m.minRenewPct ?? 0;
    for (let k = 0; k < text.length; k++) {
      const c = text.charCodeAt(k);
      if (c > 255) throw new Error(who + "name and household: latin1 characters only (not U+" + c.toString(16) + ")");
      r[9 + k] = c;
    }
    const c = crc32(r.subarray(0, 44));
    r[44] = c; r[45] = c >>> 8; r[46] = c >>> 16; r[47] = c >>> 24;
  }
  const header = new Uint8Array(6);
  for (let k = 0; k < 4; k++) header[k] = METER_LIST_MAGIC.charCodeAt(k);
  header[4] = meters.length;
  header[5] = ~meters.length;
  return { header, records };
}
