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
/** 15..29: room for more quantities (harmonics, 10-minute aggregates). */
export const FN_MEAS_LAST_RESERVED = 29;
/** Bulk transfers (segmented records, firmware): last, never delays a reading. */
export const FN_BULK = 30;

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
