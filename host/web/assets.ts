/**
 * The browser app's built files (build/web/, see assetsPlugin.js) for Node and for the
 * host runtime: as an AssetFiles port over the folder (the dev server, tests), and
 * written into a device's Storage exactly as `npm run upload` writes them to a board
 * (the simulator, the bundle check).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { AssetFiles } from "../../modules/http/assets.ts";
import { ROUTE_MODULES } from "../../modules/aggregator/pages/routeTable.ts";
import type { EspruinoRuntime } from "../runtime/index.ts";

export const WEB_DIR = join(import.meta.dirname, "../../build/web");
/** The aggregator's route modules (modules/aggregator/pages/routeTable.ts), one file per Storage name, as stored (pretokenised). */
export const ROUTE_DIR = join(import.meta.dirname, "../../build/stored/aggregator");

/** Storage name -> content (byte string), web.json included; null when the app is not built. */
export function builtAssets(dir = WEB_DIR): Map<string, string> | null {
  if (!existsSync(join(dir, "web.json"))) return null;
  const manifest = readFileSync(join(dir, "web.json"), "latin1");
  const files = new Map<string, string>([["web.json", manifest]]);
  for (const e of Object.values(JSON.parse(manifest) as Record<string, [string]>)) files.set(e[0], readFileSync(join(dir, e[0]), "latin1"));
  return files;
}

/** Storage name -> code of the aggregator's route modules; null when they are not built. */
export function builtRouteModules(dir = ROUTE_DIR): Map<string, string> | null {
  if (!existsSync(dir)) return null;
  const files = new Map<string, string>();
  for (const name of ROUTE_MODULES) {
    const f = join(dir, name + ".js");
    if (!existsSync(f)) return null;
    files.set(name, readFileSync(f, "latin1"));
  }
  return files;
}

/** Storage's read() over the built files (Node). */
export function folderFiles(dir = WEB_DIR): AssetFiles | null {
  const files = builtAssets(dir);
  if (!files) return null;
  return { read: (name, offset, length) => { const f = files.get(name); return f === undefined ? undefined : offset === undefined ? f : f.substr(offset, length); } };
}

/**
 * Writes the built app and the aggregator's route modules into a runtime's Storage, as
 * `npm run upload -- --role aggregator` writes them to a board; returns the app's bytes
 * written (0: not built).
 */
export function loadAssetsIntoStorage(rt: EspruinoRuntime, dir = WEB_DIR): number {
  for (const [name, code] of builtRouteModules() || []) rt.eval(`require("Storage").write(${JSON.stringify(name)}, ${JSON.stringify(code)})`);
  const files = builtAssets(dir);
  if (!files) return 0;
  let bytes = 0;
  for (const [name, data] of files) {
    rt.eval(`require("Storage").write(${JSON.stringify(name)}, ${JSON.stringify(data)})`);
    bytes += data.length;
  }
  return bytes;
}
