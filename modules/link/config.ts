/**
 * Per-node CAN configuration: the JSON file "meternet.json" in Storage, written by the
 * simulator (host/sim) or by `npm run upload` on real hardware, never into the bundle.
 *   meter:      { role: "meter", address, keyHex, name, publishEvery? }
 *               keyHex is the meter's OWN key (modules/can/kdf meterKey), 32 hex digits
 *   aggregator: { role: "aggregator", masterKeyHex, meters: [{ address, name, household, hasRelay }] }
 */
import { fromHex } from "../can/hex";

export const CONFIG_FILE = "meternet.json";
export const BITRATE = 125000;

export interface MeterConfig {
  role: "meter";
  address: number;
  keyHex: string;
  name: string;
  /** Optional: re-arm the authenticated answers every N windows (default 1). */
  publishEvery?: number;
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
  meters: MeterEntry[];
}

/** The 16-byte key in `hex`, or throws an Error naming the field. */
export function key16(hex: string, field: string): Uint8Array {
  const k = typeof hex === "string" && hex.length === 32 ? fromHex(hex) : null;
  if (k === null) throw new Error(CONFIG_FILE + ": " + field + " must be 32 hex digits");
  return k;
}

/** The configuration for `role` from Storage, or a message saying why there is none. */
export function readConfig(role: string): { cfg: unknown; why: string } {
  const c = require("Storage").readJSON(CONFIG_FILE, true) as { role?: string } | undefined;
  if (!c) return { cfg: null, why: "no " + CONFIG_FILE + " in Storage: CAN link off" };
  if (c.role !== role) return { cfg: null, why: CONFIG_FILE + " is for role '" + c.role + "', not " + role + ": CAN link off" };
  return { cfg: c, why: "" };
}

/** require("CAN"): the controller hook (native on the device, BxcanModel on the host). */
export function canHook(): unknown {
  return (require as unknown as (name: string) => unknown)("CAN");
}
