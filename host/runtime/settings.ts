/** Project settings the runtime reads from package.json ("meternet" section). */
import { roleStorageBytes } from "../../tools/firmware/flashMap.ts";

export const ESPRUINO_VERSION = "2v29";
/** JsVars on the STM32F107 build (64 KB RAM, 13-byte vars beside the interpreter). */
export const DEFAULT_TOTAL_JSVARS = 3600;

/**
 * Bytes of Storage a runtime has when nobody says: the meter chip's (tools/firmware/flashMap.ts,
 * the one source; package.json's old meternet.savedCodeBytes, 32 KB, had drifted from it).
 */
export function savedCodeBytes(): number {
  return roleStorageBytes("meter");
}
