/**
 * The meternet identifier plan: the ONE place that says which 11-bit identifier
 * carries what (modules/can/README.md explains it in prose).
 *
 *   bit  10 9 8 7 6 | 5 4 3 2 1 0
 *        function   | meter address (0..63)
 *
 * id = function * 64 + address. CAN arbitration lets the lowest identifier win, so the
 * function code is the priority: every alarm of every meter beats every command, which
 * beats synchronisation, which beats measurements; within one function the lower
 * address wins. A meter owns (sends or answers) the identifiers of its own address;
 * the aggregator has no address of its own: the identifiers it sends (commands,
 * synchronisation, time) carry the address of the meter they are for.
 *
 * Function 31 (0x7C0..0x7FF) is never used: CAN 2.0A forbids identifiers whose seven
 * most significant bits are all recessive (0x7F0..0x7FF).
 */
export const ADDRESS_BITS = 6;
export const METERS_PER_BUS = 64;

/** Function codes, in priority order (lowest first). */
export const FN_ALARM = 0;
export const FN_COMMAND = 1;
export const FN_COMMAND_ACK = 2;
export const FN_SYNC_REQUEST = 3;
export const FN_SYNC_RESPONSE = 4;
export const FN_TIME = 5;
export const FN_MEAS_VOLTAGE_FREQ = 6;
export const FN_MEAS_CURRENT_PF = 7;
export const FN_MEAS_POWER = 8;
export const FN_MEAS_ENERGY_IMPORT = 9;
export const FN_MEAS_ENERGY_EXPORT = 10;
export const FN_MEAS_THD = 11;
export const FN_MEAS_APPARENT = 12;
/** A co-generator's status and electrical output: sent by a co-generator node from its own address, polled like a meter's quantities. */
export const FN_COGEN_STATUS = 13;
/** What may be wrong with the published values: the window's quality flags (messages.ts QualityFlags). */
export const FN_MEAS_QUALITY = 14;
/** 15..27: room for more quantities (harmonics, 10-minute aggregates). */
export const FN_MEAS_LAST_RESERVED = 27;
/**
 * OTA script updates (issue 18, boards/STM32F107/ota/README.md): the unicast control
 * exchange in ISO 15765-2 framing, below every poll and alarm and above the chunks, so
 * polls keep their deadlines while a transfer runs and a repair exchange overtakes chunks.
 * Request: aggregator -> meter (id 0x700 + address); answer: meter -> aggregator (0x740 + address).
 */
export const FN_OTA_REQUEST = 28;
export const FN_OTA_ANSWER = 29;
/**
 * Bulk transfers (segmented records, firmware): last, never delays a reading. OTA chunks
 * are broadcast here, one copy for every meter: id 0x780 | (chunk index & 0x3F), data
 * [index >> 6][transfer tag][6 image bytes]. This class alone does not name a meter: its
 * low six bits are the chunk index, and every meter takes all 64 ids with one filter bank
 * (OTA_CHUNK_ID_BASE under OTA_CHUNK_ID_MASK).
 */
export const FN_BULK = 30;
export const OTA_CHUNK_ID_BASE = 0x780;
export const OTA_CHUNK_ID_MASK = 0x7c0;
/** Image bytes per chunk frame (even, so each STM32F1 flash half-word belongs to one chunk). */
export const OTA_CHUNK_BYTES = 6;
/** Chunk indices are 14 bits (byte 0 carries index >> 6). */
export const OTA_MAX_CHUNKS = 1 << 14;

/** Control requests (first byte of an ISO 15765-2 message on FN_OTA_REQUEST). */
export const OTA_REQ_MANIFEST = 0x01;
export const OTA_REQ_STATUS = 0x02;
export const OTA_REQ_COMMIT = 0x03;
export const OTA_REQ_ABORT = 0x04;
/** The manifest's per-meter part: its CMAC; the 56 common bytes went out by broadcast (chunk indices OTA_BODY_HIGH << 6 | k). */
export const OTA_REQ_MANIFEST_TAG = 0x05;
/** Chunk-index high byte of the broadcast manifest body's frames (k = 0..9). */
export const OTA_BODY_HIGH = 0xff;
/** Control answers (first byte of an ISO 15765-2 message on FN_OTA_ANSWER). */
export const OTA_ANS_VERDICT = 0x81;
export const OTA_ANS_STATUS = 0x82;
export const OTA_ANS_RESULT = 0x83;

/** The identifier of chunk `index` (0..OTA_MAX_CHUNKS-1). */
export function otaChunkId(index: number): number {
  if (!(index >= 0 && index < OTA_MAX_CHUNKS && Math.floor(index) === index)) throw new Error("OTA chunk index " + index + " out of range 0.." + (OTA_MAX_CHUNKS - 1));
  return OTA_CHUNK_ID_BASE | (index & 0x3f);
}

/** The chunk index a bulk-class frame carries (its id's low six bits and data byte 0), or -1 when it is not a chunk. */
export function otaChunkIndex(id: number, data0: number): number {
  if ((id & OTA_CHUNK_ID_MASK) !== OTA_CHUNK_ID_BASE) return -1;
  return ((data0 & 0xff) << 6) | (id & 0x3f);
}

/**
 * A meter's address as configured (meternet.json "address", `npm run upload --address`):
 * returned when it is an integer 0..63 of type number; anything else (64, -1, 2.5, the
 * string "5", a missing value) throws an Error that shows the value. The one check of an
 * address, shared by the meter (modules/link/config.ts meterConfigOf, before anything is
 * installed), the upload CLI (host/cli/upload.ts) and every identifier built (canId).
 */
export function meterAddressOf(address: unknown): number {
  // Math.floor("5") is 5, not "5": a string never passes
  if (!((address as number) >= 0 && (address as number) < METERS_PER_BUS && Math.floor(address as number) === address))
    throw new Error("meter address " + JSON.stringify(address) + " is not an integer 0.." + (METERS_PER_BUS - 1));
  return address as number;
}

export function canId(fn: number, address: number): number {
  if (!(fn >= 0 && fn <= FN_BULK && Math.floor(fn) === fn)) throw new Error("function code " + fn + " out of range 0.." + FN_BULK);
  return fn * METERS_PER_BUS + meterAddressOf(address);
}

export function functionOf(id: number): number {
  return Math.floor(id / METERS_PER_BUS);
}

export function addressOf(id: number): number {
  return id % METERS_PER_BUS;
}
