/**
 * The browser app's built files (build/web/, see assetsPlugin.js) for Node and for the
 * host runtime: as an AssetFiles port over the folder (the dev server, tests), and
 * written onto a device's SPI NOR exactly as `npm run upload` writes them to a board
 * (the simulator, the bundle check: host/cli/uploadWebNor.ts's script, run in the
 * aggregator's runtime, whose SPI1 is a W25Q model).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { AssetFiles } from "../../modules/http/assets.ts";
import { ROUTE_MODULES } from "../../modules/aggregator/pages/routeTable.ts";
import type { EspruinoRuntime } from "../runtime/index.ts";
import { norWebScript } from "../cli/uploadWebNor.ts";

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
 * Writes the aggregator's route modules into a runtime's Storage and the built app onto
 * its SPI NOR (SPI1: the runtime's W25Q model), as `npm run upload -- --role aggregator`
 * writes them to a board; returns the app's bytes (0: not built). Throws with the
 * device's output when the NOR script fails (no NOR on SPI1, a sector that reads back wrong).
 */
export function loadAppOntoDevice(rt: EspruinoRuntime, dir = WEB_DIR): number {
  for (const [name, code] of builtRouteModules() || []) rt.eval(`require("Storage").write(${JSON.stringify(name)}, ${JSON.stringify(code)})`);
  const files = builtAssets(dir);
  if (!files) return 0;
  rt.execute(norWebScript(files), "web-upload.js");
  // webNor.ok: the script's count of files once the directory is written (undefined: it stopped, see the device's output)
  const ok = rt.eval("(function(){var ok=typeof webNor==='object'&&webNor.ok;webNor=undefined;return ok;})()");
  if (ok !== files.size - 1) throw new Error("the web app's NOR script did not finish (no W25Q on SPI1? a sector that reads back wrong?): see the aggregator's output");
  let bytes = 0;
  for (const [name, data] of files) if (name !== "web.json") bytes += data.length;
  return bytes;
}
