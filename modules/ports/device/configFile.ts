/**
 * The node's configuration file on Espruino: a JSON file in Storage ("meternet.json",
 * written by `npm run upload` or the simulator). Read once at boot by the app, which
 * takes what it needs (modules/link/config.ts meterSetupOf) and lets the parsed object
 * go: kept, it would hold its JsVars for the program's life.
 */
export function readJsonFile(name: string): unknown {
  // true: a damaged file reads as undefined instead of throwing (the app says what is missing)
  return require("Storage").readJSON(name, true);
}

/** Writes `value` as the JSON file `name` (the UI's settings); false when Storage refused it. */
export function writeJsonFile(name: string, value: unknown): boolean {
  try { return !!require("Storage").writeJSON(name, value); } catch (e) { return false; }
}
