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
  /** Optional: re-arm the authenticated answers every N windows (default 5: once a second at 50 Hz). */
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
  if (!hex || hex.length !== 32) throw new Error(CONFIG_FILE + ": " + field + " must be 32 hex digits");
  return fromHex(hex);
}

/** The configuration for `role` from Storage, or a message saying why there is none. */
export function readConfig(role: string): { cfg: unknown; why: string } {
  const c = require("Storage").readJSON(CONFIG_FILE, true) as { role?: string } | undefined;
  if (!c || c.role !== role) return { cfg: null, why: "CAN link off: no " + role + " in " + CONFIG_FILE };
  return { cfg: c, why: "" };
}

/**
 * CAN1: the controller hook, a global object as Espruino names its peripherals
 * (Serial1, SPI1): native bxCAN on the device (boards/STM32F107/jswrap/jswrap_can.c,
 * types/canController.d.ts), a BxcanModel on the virtual bus in the host runtime.
 * Throws when the firmware has no CAN hook, so the caller can say so and keep running.
 */
export function canHook(): unknown {
  if (typeof CAN1 === "undefined") throw new Error("CAN1 not found (firmware built without the CAN hook)");
  return CAN1;
}
