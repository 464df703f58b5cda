import type { AssetFiles } from "../../http/assets";

/** The part of Espruino's Storage the aggregator's wiring uses (types/espruino.d.ts EspruinoStorage). */
export interface DeviceStorage extends AssetFiles {
  /** The JSON file `name` parsed; undefined when it is absent or damaged (noExceptions: true). */
  readJSON(name: string, noExceptions: boolean): unknown;
}

/**
 * Storage's files: the configuration files (agg.json, auth.json) read once at boot, and
 * the web app's gzipped files and their manifest (modules/http/assets.ts), read chunk by
 * chunk while a reply streams. Storage itself, no wrapper: its methods are native and
 * cost no JsVars, and on the chip read() returns a view into flash (no copy, one JsVar);
 * the Linux build copies the slice into RAM.
 */
export function deviceStorage(): DeviceStorage {
  return require("Storage");
}
