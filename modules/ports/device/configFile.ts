import { CONFIG_FILE } from "../../link/config";

/**
 * The node's configuration file on Espruino: JSON in Storage ("meternet.json", written
 * by `npm run upload` or the simulator; its fields: modules/link/config.ts). Read once
 * at boot by the app, which takes what it needs and lets the parsed object go: kept, it
 * would hold its JsVars for the program's life. A damaged file reads as undefined
 * instead of throwing (the app says what is missing).
 */
export function readConfigFile(): unknown {
  return require("Storage").readJSON(CONFIG_FILE, true);
}

/** Reads the JSON file `name` from Storage (undefined: none, or damaged). */
export function readJsonFile(name: string): unknown {
  return require("Storage").readJSON(name, true);
}

/** Writes `value` as the JSON file `name` (the UI's settings); false when Storage refused it. */
export function writeJsonFile(name: string, value: unknown): boolean {
  try { return !!require("Storage").writeJSON(name, value); } catch (e) { return false; }
}
