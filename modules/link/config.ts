/**
 * Per-node CAN configuration: the JSON file "meternet.json" in Storage, written by the
 * simulator (host/sim) or by `npm run upload` on real hardware, never into the bundle.
 *   meter:      { role: "meter", address, keyHex, name, publishEvery?, mains? }
 *               keyHex is the meter's OWN key (modules/can/kdf meterKey), 32 hex digits;
 *               mains: { hz: 50 | 60, v: declared voltage } (mainsOf; absent: 50 Hz / 230 V)
 *   aggregator: { role: "aggregator", masterKeyHex, cogenerators?: [address] }
 *               (the meters it polls are the registry's: the NOR list the upload writes,
 *               modules/aggregator/meterList.ts; an older file's "meters" is not read)
 */
import { fromHex } from "../can/hex";
import { meterAddressOf } from "../can/idPlan";

export const CONFIG_FILE = "meternet.json";
export const BITRATE = 125000;

export interface MeterConfig {
  role: "meter";
  address: number;
  keyHex: string;
  name: string;
  /** Optional: re-arm the authenticated answers every N windows (default 5: once a second at 50 Hz). */
  publishEvery?: number;
  /** Optional: the mains the meter measures (mainsOf); absent: 50 Hz / 230 V. */
  mains?: Mains;
}

/**
 * The mains a meter measures: nominal frequency (50 or 60 Hz: the window length,
 * 10 or 12 cycles, and the sampling rate follow from it) and the declared supply
 * voltage Udin (IEC 61000-4-30: dips, swells and interruptions are % of it).
 */
export interface Mains {
  hz: 50 | 60;
  v: number;
}

/** Declared voltages accepted, V: 100 V mains (Japan) up to 400 V, which keeps a 15 % swell
 * inside the reference front end's 460 V rms full scale (referenceFrontEnd.ts). */
export const MAINS_V_MIN = 100;
export const MAINS_V_MAX = 400;

/**
 * The "mains" of a parsed meternet.json. No file (undefined) or no "mains": 50 Hz / 230 V,
 * the meters built before it. Present but wrong (hz not 50 or 60, v not a number in
 * MAINS_V_MIN..MAX, a partial object): throws an Error that shows the value and what is
 * expected, never falls back to the defaults: a 60 Hz meter measuring as a 50 Hz one
 * reports wrong windows, and events against the wrong voltage. One message for both
 * fields keeps the meter bundle small (it has a size budget).
 */
export function mainsOf(file: unknown): Mains {
  const m = file ? (file as { mains?: Mains }).mains : undefined;
  if (m === undefined) return { hz: 50, v: 230 };
  // v === +v: a number, not NaN (a string "120" would pass the range test by coercion)
  if (!m || (m.hz !== 50 && m.hz !== 60) || m.v !== +m.v || !(m.v >= MAINS_V_MIN && m.v <= MAINS_V_MAX))
    throw new Error(CONFIG_FILE + ": mains must be {\"hz\":50|60,\"v\":" + MAINS_V_MIN + ".." + MAINS_V_MAX + "}, not " + JSON.stringify(m));
  return m;
}

export interface MeterEntry {
  address: number;
  name: string;
  household: string;
  hasRelay: boolean;
}

export interface AggregatorConfig {
  role: "aggregator";
  masterKeyHex: string;
  /** Not read any more (the registry's meters are polled): older files carry it. */
  meters?: MeterEntry[];
  /** Optional: addresses of co-generator nodes (modules/can COGEN_STATUS), polled for their status. */
  cogenerators?: number[];
}

/** The 16-byte key in `hex`, or throws an Error naming the field. */
export function key16(hex: string, field: string): Uint8Array {
  if (!hex || hex.length !== 32) throw new Error(CONFIG_FILE + ": " + field + " must be 32 hex digits");
  return fromHex(hex);
}

/**
 * The CAN link's part of a parsed meternet.json for a meter, validated before anything
 * is installed on the controller: role "meter", the address against the ID plan
 * (modules/can/idPlan.ts meterAddressOf: an integer 0..63, the same check as
 * `npm run upload`; keyHex is checked where the key is made, key16). Returns a message (a string) when the file is
 * for no meter (no file, another role) or is wrong: the meter then measures without a
 * link and says why.
 */
export function meterConfigOf(file: MeterConfig | undefined): MeterConfig | string {
  if (!file || file.role !== "meter") return "CAN link off: no meter in " + CONFIG_FILE;
  try {
    meterAddressOf(file.address);
  } catch (e) {
    return "CAN link: " + e; // "Error: <why>", as the link prints its other errors
  }
  return file;
}
